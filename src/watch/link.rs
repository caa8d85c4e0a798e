//! One channel of a watch: its Notifications API channel and subscriptions, its
//! websocket, and the thread that reads it.

use std::collections::HashSet;
use std::io::ErrorKind as IoErrorKind;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use percent_encoding::utf8_percent_encode;
use serde::Deserialize;
use serde_json::value::RawValue;
use tungstenite::Message;

use super::events::{Origin, PresenceState, Queue, Reported, WatchEvent};
use super::socket::{self, Connector, Socket};
use crate::client::{decode_error, Client};
use crate::error::{Error, Result};
use crate::log::client_log;
use crate::operations::{Method, Request, ENCODE_SET};

const CHANNELS_PATH: &str = "/api/v2/notifications/channels";
/// Requests in flight at once for the bulk read of a channel's users.
const READ_CONCURRENCY: usize = 4;
/// The longest a read of the socket blocks: how often the reader looks at its
/// clocks (heartbeat, ping).
const MAX_READ_WAIT: Duration = Duration::from_millis(500);

/// A channel as `POST /api/v2/notifications/channels` answers it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Channel {
    id: String,
    connect_uri: String,
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
    channel: Channel,
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
            channel,
            socket: Mutex::new(None),
            tcp: Mutex::new(None),
        };
        // From here, a failure deletes what was made (the caller drops the link
        // with the watch; this link is not in it yet).
        let connected = link.subscribe().and_then(|()| link.connect());
        if let Err(error) = connected {
            link.delete();
            return Err(error);
        }
        Ok(link)
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

    fn connect(&self) -> Result<()> {
        let read_wait =
            (self.heartbeat_timeout / 4).clamp(Duration::from_millis(10), MAX_READ_WAIT);
        let socket = self
            .connector
            .connect(&self.channel.connect_uri, read_wait)?;
        *self.tcp.lock().unwrap_or_else(PoisonError::into_inner) = socket::tcp_handle(&socket);
        *self.socket.lock().unwrap_or_else(PoisonError::into_inner) = Some(socket);
        Ok(())
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
            return Handled::Lost("the service is closing the socket".to_owned());
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

    /// Deletes the channel's subscriptions (the service lets the channel itself
    /// expire). A failure is logged: there is no one left to tell.
    pub fn delete(&self) {
        self.shut_down();
        let request = Request {
            method: Method::Delete,
            path_and_query: self.subscriptions_path(),
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
        let id = utf8_percent_encode(&self.channel.id, ENCODE_SET);
        format!("{CHANNELS_PATH}/{id}/subscriptions")
    }
}

enum Handled {
    Fine,
    Lost(String),
}

/// Starts the thread that reads `link`'s socket until `stop` or a failure.
pub fn spawn_reader(
    link: Arc<Link>,
    queue: Arc<Queue>,
    reported: Arc<Reported>,
    stop: Arc<AtomicBool>,
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
            if let Err(error) = read(&link, socket, &queue, &reported, &stop) {
                if !stop.load(Ordering::SeqCst) {
                    queue.fail(error);
                }
            }
        })
        .map_err(|error| Error::internal(format!("watch: starting a thread: {error}")))
}

/// Reads the socket until `stop` (Ok) or until the link is lost (the error).
fn read(
    link: &Link,
    mut socket: Socket,
    queue: &Queue,
    reported: &Reported,
    stop: &AtomicBool,
) -> Result<()> {
    let users: HashSet<&str> = link.users.iter().map(String::as_str).collect();
    let ping_every = link.heartbeat_timeout / 3;
    let mut heard = Instant::now();
    let mut pinged = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        match socket.read() {
            Ok(Message::Text(text)) => {
                heard = Instant::now();
                if let Handled::Lost(why) = link.handle(text.as_str(), &users, reported, queue) {
                    return Err(Error::transport(format!("watch: {why}")));
                }
            }
            Ok(Message::Close(_)) => {
                return Err(Error::transport("watch: the service closed the websocket"))
            }
            Ok(Message::Binary(_)) => {
                heard = Instant::now();
                link.skip("a binary message", "");
            }
            Ok(_) => heard = Instant::now(), // ping, pong, frame
            Err(tungstenite::Error::Io(error))
                if matches!(
                    error.kind(),
                    IoErrorKind::WouldBlock | IoErrorKind::TimedOut
                ) => {}
            Err(error) => {
                return Err(Error::transport(format!("watch: websocket: {error}")));
            }
        }
        if heard.elapsed() > link.heartbeat_timeout {
            return Err(Error::transport(format!(
                "watch: nothing heard for {} ms (heartbeatTimeoutMs)",
                link.heartbeat_timeout.as_millis()
            )));
        }
        if pinged.elapsed() >= ping_every {
            pinged = Instant::now();
            let ping = Message::text(r#"{"message":"ping"}"#);
            if let Err(error) = socket.send(ping) {
                if !is_would_block(&error) {
                    return Err(Error::transport(format!("watch: websocket: {error}")));
                }
            }
        }
    }
    let _ = socket.close(None);
    let _ = socket.flush();
    Ok(())
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
    serde_json::from_str(&answer)
        .map_err(|error| decode_error(format!("postNotificationsChannels: {error}")))
}

fn presence_topic(user: &str) -> String {
    format!("v2.users.{user}.presence")
}

fn internal(error: serde_json::Error) -> Error {
    Error::internal(error.to_string())
}
