//! A channel's websocket (`GET /channels/{id}`): what it sends (events, heartbeats,
//! pongs, `v2.system.socket_closing` before the channel expires) and what it refuses.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::ws::{close_code, CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::mpsc;
use tokio::time::{self, Instant};

use super::reply::{self, ApiError};
use super::server::Shared;

/// The largest message a client may send; a bigger one closes the socket with 1009.
pub const MAX_INCOMING_BYTES: usize = 64 * 1024;
/// How many messages may wait for one socket; a socket that falls further behind (a
/// client that does not read) is closed, so it never holds up anyone else.
pub const QUEUE_CAPACITY: usize = 1024;
/// How long one message may take to go out before the socket is given up.
const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How long before a channel expires its sockets hear `v2.system.socket_closing`
/// (at most half the channel's life).
const CLOSING_LEAD: Duration = Duration::from_secs(1);

/// The sending end of a socket's queue, kept by its channel.
pub type SocketQueue = mpsc::Sender<Message>;

/// What a test can make every websocket do (`POST /_sandbox/notifications/...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// Close abruptly: no close frame.
    Drop,
    /// Stay open but send nothing more: a half-dead link.
    Stall,
    /// Send `v2.system.socket_closing`, then close a second later.
    SocketClosing,
}

impl Trouble {
    /// The control's name in its path.
    pub fn from_name(name: &str) -> Option<Trouble> {
        match name {
            "drop" => Some(Trouble::Drop),
            "stall" => Some(Trouble::Stall),
            "socket-closing" => Some(Trouble::SocketClosing),
            _ => None,
        }
    }
}

/// The path of a channel's websocket: `/channels/{id}`; `None` for other paths.
pub fn channel_of_path(path: &str) -> Option<&str> {
    path.strip_prefix("/channels/")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// Answers the handshake for channel `channel_id`: `404` for a channel that does not
/// exist, `400` for a request that is not a websocket handshake.
pub async fn connect(shared: Arc<Shared>, channel_id: &str, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    // Registered before the handshake is answered: whatever happens once the client
    // has its `101` reaches it.
    let (queue, outgoing) = mpsc::channel(QUEUE_CAPACITY);
    let trouble = shared.trouble.subscribe();
    let registered = shared.state().channels.attach(channel_id, queue);
    let Some((expires, heartbeat)) = registered else {
        let correlation_id = shared.rng.uuid();
        let error = ApiError::not_found(format!("Channel '{channel_id}' not found."));
        return reply::into_response(error.into_reply(&correlation_id), &correlation_id);
    };
    // Counted from here, so the stats include it by the time the client has its
    // `101`; a failed upgrade drops the guard with the callback.
    let open = shared.socket_opened();
    upgrade
        // Tungstenite's own limit is far above ours, so that we answer 1009 ourselves.
        .max_message_size(16 * MAX_INCOMING_BYTES)
        .on_upgrade(move |socket| async move {
            serve(socket, outgoing, trouble, expires, heartbeat).await;
            drop(open);
        })
}

/// `{"topicName": "channel.metadata", "eventBody": {"message": ...}}`.
fn metadata(message: &str) -> Message {
    Message::text(
        json!({"topicName": "channel.metadata", "eventBody": {"message": message}}).to_string(),
    )
}

/// Drives one socket until it closes, the channel goes, or the client leaves.
async fn serve(
    mut socket: WebSocket,
    mut outgoing: mpsc::Receiver<Message>,
    mut trouble: broadcast::Receiver<Trouble>,
    expires: SystemTime,
    heartbeat: Duration,
) {
    let until_expiry = expires
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    let expiry = Instant::now() + until_expiry;
    let closing = time::sleep_until(expiry - CLOSING_LEAD.min(until_expiry / 2));
    tokio::pin!(closing);
    let expired = time::sleep_until(expiry);
    tokio::pin!(expired);
    let mut closing_sent = false;
    // A stalled socket reads on, so it notices the client leave, but sends nothing.
    let mut stalled = false;
    let mut heartbeats = time::interval_at(Instant::now() + heartbeat, heartbeat);
    loop {
        let message = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) if text.len() > MAX_INCOMING_BYTES => {
                    return close(socket, close_code::SIZE, "message too big").await;
                }
                Some(Ok(Message::Text(text))) => is_ping(&text).then(|| metadata("pong")),
                Some(Ok(Message::Binary(data))) => {
                    let (code, reason) = if data.len() > MAX_INCOMING_BYTES {
                        (close_code::SIZE, "message too big")
                    } else {
                        (close_code::UNSUPPORTED, "binary messages are not accepted")
                    };
                    return close(socket, code, reason).await;
                }
                // Pings are answered by the protocol layer; a close is answered too.
                Some(Ok(_)) => None,
                Some(Err(_)) => return close(socket, close_code::PROTOCOL, "bad frame").await,
                None => return,
            },
            message = outgoing.recv() => match message {
                Some(message) => Some(message),
                // The channel is gone (closed as the oldest, or expired).
                None => return close(socket, close_code::NORMAL, "channel closed").await,
            },
            _ = heartbeats.tick() => Some(metadata("WebSocket Heartbeat")),
            () = &mut closing, if !closing_sent => {
                closing_sent = true;
                Some(socket_closing())
            }
            () = &mut expired => {
                return close(socket, close_code::NORMAL, "channel expired").await;
            }
            told = trouble.recv() => match told {
                Ok(Trouble::Drop) => return,
                Ok(Trouble::Stall) => {
                    stalled = true;
                    None
                }
                Ok(Trouble::SocketClosing) if !closing_sent => {
                    closing_sent = true;
                    expired.as_mut().reset(Instant::now() + CLOSING_LEAD);
                    Some(socket_closing())
                }
                // Said already, or a control missed while the socket was busy.
                Ok(Trouble::SocketClosing) | Err(RecvError::Lagged(_)) => None,
                // The sandbox is stopping.
                Err(RecvError::Closed) => return,
            },
        };
        if let Some(message) = message.filter(|_| !stalled) {
            if !send(&mut socket, message).await {
                return;
            }
        }
    }
}

fn is_ping(text: &str) -> bool {
    serde_json::from_str::<Value>(text).is_ok_and(|value| value["message"] == "ping")
}

/// `v2.system.socket_closing`, as Genesys Cloud sends it before closing a socket.
pub fn socket_closing() -> Message {
    Message::text(
        json!({
            "topicName": "v2.system.socket_closing",
            "eventBody": {"message": "The socket is closing; connect a new one."},
        })
        .to_string(),
    )
}

/// Sends `message`; `false` if the socket is gone or the client stopped reading.
async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(
        time::timeout(SEND_TIMEOUT, socket.send(message)).await,
        Ok(Ok(()))
    )
}

/// Sends a close frame (best effort) and ends the socket.
async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    send(&mut socket, Message::Close(Some(frame))).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_paths() {
        assert_eq!(channel_of_path("/channels/abc"), Some("abc"));
        assert_eq!(channel_of_path("/channels/"), None);
        assert_eq!(channel_of_path("/channels/a/b"), None);
        assert_eq!(channel_of_path("/api/v2/channels/a"), None);
    }

    #[test]
    fn pings() {
        assert!(is_ping(r#"{"message": "ping"}"#));
        assert!(!is_ping(r#"{"message": "pong"}"#));
        assert!(!is_ping("ping"));
    }
}
