//! One channel of a watch: its Notifications API channel and subscriptions, its
//! websocket, and the thread that reads it.

use std::collections::HashSet;
use std::io::ErrorKind as IoErrorKind;
use std::net::TcpStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use percent_encoding::utf8_percent_encode;
use serde::Deserialize;
use serde_json::value::RawValue;
use tungstenite::Message;

use super::events::{Origin, PresenceState, Queue, ReconnectReason, Reported, WatchEvent};
use super::socket::{self, Connector, Socket};
use crate::cancel::Cancel;
use crate::client::{decode_error, Client};
use crate::error::{Error, ErrorKind, Result};
use crate::log::client_log;
use crate::operations::{Method, Request, ENCODE_SET};

const CHANNELS_PATH: &str = "/api/v2/notifications/channels";
/// Requests in flight at once for the bulk read of a channel's users.
const READ_CONCURRENCY: usize = 4;
/// The longest a read of the socket blocks: how often the reader looks at its
/// clocks (heartbeat, ping).
const MAX_READ_WAIT: Duration = Duration::from_millis(500);

/// How often the reader renews the token if due and looks for a renewal.
const TOKEN_CHECK_EVERY: Duration = Duration::from_secs(1);
/// The first wait before a reconnect attempt that follows a failed one; it
/// doubles each time, up to `MAX_BACKOFF`, and is jittered.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A channel is replaced this long before it expires, or at half its life if that
/// is shorter.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

/// A channel as `POST /api/v2/notifications/channels` answers it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Channel {
    id: String,
    connect_uri: String,
    expires: Option<String>,
    /// When the library replaces it (before `expires`).
    #[serde(skip)]
    replace_at: Option<Instant>,
}

/// A message on the websocket: `{"topicName", "eventBody"}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    topic_name: &'a str,
    #[serde(borrow)]
    event_body: Option<&'a RawValue>,
}

pub struct Link {
    client: Arc<Client>,
    connector: Arc<Connector>,
    users: Vec<String>,
    heartbeat_timeout: Duration,
    /// The channel in use; replaced when it expires or is gone.
    channel: Mutex<Channel>,
    /// The socket, until the reader takes it.
    socket: Mutex<Option<Socket>>,
    /// The socket's connection, to shut it down from another thread.
    tcp: Mutex<Option<TcpStream>>,
}

impl Link {
    /// Creates a channel, subscribes it to `users`' presence and connects its socket.
    pub fn open(
        client: Arc<Client>,
        connector: Arc<Connector>,
        users: Vec<String>,
        heartbeat_timeout: Duration,
    ) -> Result<Link> {
        let channel = create_channel(&client)?;
        let link = Link {
            client,
            connector,
            users,
            heartbeat_timeout,
            channel: Mutex::new(channel),
            socket: Mutex::new(None),
            tcp: Mutex::new(None),
        };
        // From here, a failure deletes what was made (the caller drops the link
        // with the watch; this link is not in it yet).
        let connected = link.subscribe().and_then(|()| link.connect());
        match connected {
            Ok(socket) => {
                *link.socket.lock().unwrap_or_else(PoisonError::into_inner) = Some(socket);
                Ok(link)
            }
            Err(error) => {
                link.delete();
                Err(error)
            }
        }
    }

    fn channel(&self) -> std::sync::MutexGuard<'_, Channel> {
        self.channel.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new channel subscribed to the users and connected, in place of the old
    /// one, whose subscriptions are then deleted.
    fn replace_channel(&self) -> Result<Socket> {
        let fresh = create_channel(&self.client)?;
        let old = std::mem::replace(&mut *self.channel(), fresh);
        let connected = self.subscribe().and_then(|()| self.connect());
        self.delete_subscriptions(&old);
        connected
    }

    fn subscribe(&self) -> Result<()> {
        let topics: Vec<serde_json::Value> = self
            .users
            .iter()
            .map(|user| serde_json::json!({ "id": presence_topic(user) }))
            .collect();
        let request = Request {
            method: Method::Put,
            path_and_query: self.subscriptions_path(),
            body: Some(serde_json::to_vec(&topics).map_err(internal)?),
        };
        self.client
            .send_unlisted(&request, "putNotificationsChannelSubscriptions", true)
            .map(drop)
    }

    /// Connects a websocket to the channel in use.
    fn connect(&self) -> Result<Socket> {
        let read_wait =
            (self.heartbeat_timeout / 4).clamp(Duration::from_millis(10), MAX_READ_WAIT);
        let uri = self.channel().connect_uri.clone();
        let socket = self.connector.connect(&uri, read_wait)?;
        *self.tcp.lock().unwrap_or_else(PoisonError::into_inner) = socket::tcp_handle(&socket);
        Ok(socket)
    }

    /// A connected socket again after `reason`, retrying with jittered exponential
    /// backoff until it works, `stop` is set (`None`), or an error no retry can
    /// mend (revoked credentials, a refused request).
    fn reconnect(&self, reason: ReconnectReason, stop: &Cancel) -> Result<Option<Socket>> {
        // The same channel serves again after a lost link, unless it is gone; a
        // closing, expiring or token-bound channel is replaced.
        let mut same_channel = matches!(
            reason,
            ReconnectReason::ConnectionLost | ReconnectReason::HeartbeatTimeout
        );
        let mut backoff = FIRST_BACKOFF;
        loop {
            if stop.is_requested() {
                return Ok(None);
            }
            let attempt = if same_channel {
                self.connect()
            } else {
                self.replace_channel()
            };
            match attempt {
                Ok(socket) => return Ok(Some(socket)),
                Err(error) if is_final(&error) => return Err(error),
                Err(error) if same_channel => {
                    // The channel may be gone: a new one, at once.
                    client_log!(
                        self.client.logger(),
                        info,
                        "watch: the channel cannot be reconnected to, replacing it: {}",
                        error.message
                    );
                    same_channel = false;
                }
                Err(error) => {
                    client_log!(
                        self.client.logger(),
                        warn,
                        "watch: reconnecting failed, trying again in {} ms: {}",
                        backoff.as_millis(),
                        error.message
                    );
                    if stop.sleep(jittered(backoff)) {
                        return Ok(None);
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    /// Reads the presences of this link's users and records them; reports those
    /// that differ from what was last reported, with `origin` (none: report nothing).
    pub fn read_presences(
        &self,
        reported: &Reported,
        queue: &Queue,
        origin: Option<Origin>,
    ) -> Result<()> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Entry {
            user_id: Option<String>,
            #[serde(flatten)]
            presence: PresenceState,
        }
        let entries = self
            .client
            .bulk_get_presences(None, &self.users, READ_CONCURRENCY)?;
        for entry in entries {
            let entry: Entry = serde_json::from_str(entry.get())
                .map_err(|error| decode_error(format!("bulk presence entry: {error}")))?;
            let Some(user_id) = entry.user_id else {
                continue;
            };
            if reported.update(&user_id, &entry.presence) {
                if let Some(origin) = origin {
                    queue.push(WatchEvent::Presence {
                        user_id,
                        presence: entry.presence,
                        origin,
                    });
                }
            }
        }
        Ok(())
    }

    /// Handles one text message; what is not understood is logged and skipped.
    fn handle(
        &self,
        text: &str,
        users: &HashSet<&str>,
        reported: &Reported,
        queue: &Queue,
    ) -> Handled {
        let Ok(notification) = serde_json::from_str::<Notification>(text) else {
            self.skip("a message that is not a notification", text);
            return Handled::Fine;
        };
        let topic = notification.topic_name;
        if topic == "channel.metadata" {
            return Handled::Fine; // heartbeat or pong
        }
        if topic == "v2.system.socket_closing" {
            return Handled::Lost(ReconnectReason::SocketClosing);
        }
        let user = topic
            .strip_prefix("v2.users.")
            .and_then(|rest| rest.strip_suffix(".presence"));
        let Some(user) = user.filter(|user| users.contains(user)) else {
            self.skip("a notification of a topic not watched", topic);
            return Handled::Fine;
        };
        let presence = notification
            .event_body
            .and_then(|body| serde_json::from_str::<PresenceState>(body.get()).ok());
        let Some(presence) = presence else {
            self.skip("a presence notification without a presence", text);
            return Handled::Fine;
        };
        if reported.update(user, &presence) {
            queue.push(WatchEvent::Presence {
                user_id: user.to_owned(),
                presence,
                origin: Origin::Notification,
            });
        }
        Handled::Fine
    }

    fn skip(&self, what: &str, text: &str) {
        let start: String = text.chars().take(120).collect();
        client_log!(
            self.client.logger(),
            warn,
            "watch: skipped {what}: {start:?}"
        );
    }

    /// Shuts the socket's connection: a blocked read returns at once.
    pub fn shut_down(&self) {
        if let Some(tcp) = &*self.tcp.lock().unwrap_or_else(PoisonError::into_inner) {
            socket::shut_down(tcp);
        }
    }

    /// Closes the socket and deletes the channel's subscriptions (the service lets
    /// the channel itself expire).
    pub fn delete(&self) {
        self.shut_down();
        let channel = self.channel().clone();
        self.delete_subscriptions(&channel);
    }

    /// A failure is logged: there is no one to tell, and the channel expires anyway.
    fn delete_subscriptions(&self, channel: &Channel) {
        let request = Request {
            method: Method::Delete,
            path_and_query: subscriptions_path(channel),
            body: None,
        };
        if let Err(error) =
            self.client
                .send_unlisted(&request, "deleteNotificationsChannelSubscriptions", true)
        {
            client_log!(
                self.client.logger(),
                warn,
                "watch: deleting the subscriptions of a channel failed: {}",
                error.message
            );
        }
    }

    fn subscriptions_path(&self) -> String {
        subscriptions_path(&self.channel())
    }
}

fn subscriptions_path(channel: &Channel) -> String {
    let id = utf8_percent_encode(&channel.id, ENCODE_SET);
    format!("{CHANNELS_PATH}/{id}/subscriptions")
}

enum Handled {
    Fine,
    Lost(ReconnectReason),
}

/// Errors that another attempt cannot mend: they end the watch.
fn is_final(error: &Error) -> bool {
    match error.kind {
        ErrorKind::Auth | ErrorKind::InvalidArgument => true,
        ErrorKind::Http => matches!(error.details.status, Some(400 | 401 | 403)),
        _ => false,
    }
}

/// `wait` scaled by a random factor between ½ and 1, so that many watches
/// losing their links together do not come back together.
fn jittered(wait: Duration) -> Duration {
    wait.mul_f64(0.5 + fastrand::f64() / 2.0)
}

/// Starts the thread that reads `link`'s socket, reconnecting as needed, until
/// `stop` or an error that ends the watch.
pub fn spawn_reader(
    link: Arc<Link>,
    queue: Arc<Queue>,
    reported: Arc<Reported>,
    stop: Arc<Cancel>,
    generation: u64,
) -> Result<JoinHandle<()>> {
    let socket = link
        .socket
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
        .ok_or_else(|| Error::internal("watch: the link has no socket"))?;
    std::thread::Builder::new()
        .name("gp-watch".to_owned())
        .spawn(move || {
            if let Err(error) = run(&link, socket, &queue, &reported, &stop, generation) {
                if !stop.is_requested() {
                    client_log!(
                        link.client.logger(),
                        error,
                        "watch: ended: {}",
                        error.message
                    );
                    queue.fail(error);
                }
            }
        })
        .map_err(|error| Error::internal(format!("watch: starting a thread: {error}")))
}

/// Reads, and reconnects when the link is lost, until `stop` (Ok) or an error
/// that ends the watch.
fn run(
    link: &Link,
    mut socket: Socket,
    queue: &Queue,
    reported: &Reported,
    stop: &Cancel,
    mut generation: u64,
) -> Result<()> {
    let users: HashSet<&str> = link.users.iter().map(String::as_str).collect();
    loop {
        let outcome = read(
            link,
            &mut socket,
            &users,
            reported,
            queue,
            stop,
            &mut generation,
        );
        let reason = match outcome {
            Read::Stopped => {
                let _ = socket.close(None);
                let _ = socket.flush();
                return Ok(());
            }
            Read::Failed(error) => return Err(error),
            Read::Lost(reason, why) => {
                client_log!(
                    link.client.logger(),
                    warn,
                    "watch: reconnecting ({reason:?}): {why}"
                );
                reason
            }
        };
        link.shut_down();
        socket = match link.reconnect(reason, stop)? {
            Some(socket) => socket,
            None => return Ok(()),
        };
        generation = link.client.token_generation()?;
        queue.push(WatchEvent::Reconnected { reason });
        // What changed while the link was down: only what differs from the last
        // presence reported. A failed read is retried as a lost link.
        if let Err(error) = link.read_presences(reported, queue, Some(Origin::Reconcile)) {
            if is_final(&error) {
                return Err(error);
            }
            client_log!(
                link.client.logger(),
                warn,
                "watch: reading after a reconnect: {}",
                error.message
            );
            link.shut_down();
        }
    }
}

enum Read {
    Stopped,
    Lost(ReconnectReason, String),
    Failed(Error),
}

/// Reads `socket` until `stop`, until the link is lost, or until the channel or
/// the token calls for a new one.
fn read(
    link: &Link,
    socket: &mut Socket,
    users: &HashSet<&str>,
    reported: &Reported,
    queue: &Queue,
    stop: &Cancel,
    generation: &mut u64,
) -> Read {
    let lost = |reason, why: String| Read::Lost(reason, why);
    let ping_every = link.heartbeat_timeout / 3;
    let replace_at = link.channel().replace_at;
    let mut heard = Instant::now();
    let mut pinged = Instant::now();
    let mut token_checked = Instant::now();
    while !stop.is_requested() {
        match socket.read() {
            Ok(Message::Text(text)) => {
                heard = Instant::now();
                if let Handled::Lost(reason) = link.handle(text.as_str(), users, reported, queue) {
                    return lost(reason, "the service is closing the socket".to_owned());
                }
            }
            Ok(Message::Close(_)) => {
                return lost(
                    ReconnectReason::ConnectionLost,
                    "the service closed the websocket".to_owned(),
                )
            }
            Ok(Message::Binary(_)) => {
                heard = Instant::now();
                link.skip("a binary message", "");
            }
            Ok(_) => heard = Instant::now(), // ping, pong, frame
            Err(error) if is_would_block(&error) => {}
            Err(error) => {
                if stop.is_requested() {
                    break;
                }
                return lost(
                    ReconnectReason::ConnectionLost,
                    format!("websocket: {error}"),
                );
            }
        }
        if heard.elapsed() > link.heartbeat_timeout {
            let why = format!(
                "nothing heard for {} ms (heartbeatTimeoutMs)",
                link.heartbeat_timeout.as_millis()
            );
            return lost(ReconnectReason::HeartbeatTimeout, why);
        }
        if replace_at.is_some_and(|at| Instant::now() >= at) {
            return lost(
                ReconnectReason::ChannelExpired,
                "the channel is about to expire".to_owned(),
            );
        }
        if token_checked.elapsed() >= TOKEN_CHECK_EVERY {
            token_checked = Instant::now();
            match link.client.token_generation() {
                Ok(now) if now != *generation => {
                    *generation = now;
                    return lost(
                        ReconnectReason::TokenRenewed,
                        "the token was renewed".to_owned(),
                    );
                }
                Ok(_) => {}
                Err(error) if is_final(&error) => return Read::Failed(error),
                // A token endpoint briefly down: the next check tries again.
                Err(_) => {}
            }
        }
        if pinged.elapsed() >= ping_every {
            pinged = Instant::now();
            let ping = Message::text(r#"{"message":"ping"}"#);
            if let Err(error) = socket.send(ping) {
                if !is_would_block(&error) {
                    return lost(
                        ReconnectReason::ConnectionLost,
                        format!("websocket: {error}"),
                    );
                }
            }
        }
    }
    Read::Stopped
}

fn is_would_block(error: &tungstenite::Error) -> bool {
    matches!(error, tungstenite::Error::Io(error)
        if matches!(error.kind(), IoErrorKind::WouldBlock | IoErrorKind::TimedOut))
}

fn create_channel(client: &Client) -> Result<Channel> {
    let request = Request {
        method: Method::Post,
        path_and_query: CHANNELS_PATH.to_owned(),
        body: None,
    };
    let answer = client.send_unlisted(&request, "postNotificationsChannels", false)?;
    let mut channel: Channel = serde_json::from_str(&answer)
        .map_err(|error| decode_error(format!("postNotificationsChannels: {error}")))?;
    let expires = channel
        .expires
        .as_deref()
        .and_then(|text| humantime::parse_rfc3339_weak(text).ok());
    channel.replace_at = expires.map(|expires| {
        let left = expires
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        Instant::now() + left - EXPIRY_MARGIN.min(left / 2)
    });
    Ok(channel)
}

fn presence_topic(user: &str) -> String {
    format!("v2.users.{user}.presence")
}

fn internal(error: serde_json::Error) -> Error {
    Error::internal(error.to_string())
}
