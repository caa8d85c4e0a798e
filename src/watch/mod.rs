//! Watches: presence change notifications for a set of users, kept alive and
//! complete (DESIGN.md, "Presence change notifications").
//!
//! A watch opens as few Notifications API channels as its users need (1000
//! topics each), subscribes each to its users' presence topics and reads its
//! websocket on a thread of its own. Events go into one queue that
//! [`Watch::next`] takes from. The watched users' presences are read in bulk
//! once the sockets are connected, so a change made after [`Watch::start`]
//! returns is seen either live or by that read.

mod events;
mod link;
mod socket;

use std::collections::HashSet;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Deserialize;

use crate::cancel::Cancel;
use crate::client::Client;
use crate::error::{Error, Result};
pub use events::{Origin, PresenceState, ReconnectReason, WatchEvent};
use events::{Queue, Reported};
use link::Link;

/// The most topics one channel takes (the Notifications API's limit).
pub const TOPICS_PER_CHANNEL: usize = 1000;
/// The most channels one OAuth client may have open.
pub const MAX_CHANNELS: usize = 20;
/// The most users one watch takes: every channel a client may have, full.
pub const MAX_USERS: usize = TOPICS_PER_CHANNEL * MAX_CHANNELS;
/// No message for this long means the link is dead (the service sends a
/// heartbeat every 30 s).
pub const DEFAULT_HEARTBEAT_TIMEOUT: Duration = Duration::from_secs(75);

/// What to watch: `{"userIds": [...], "initial": false, "heartbeatTimeoutMs": 75000}`.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub user_ids: Vec<String>,
    /// Whether the presences read at the start are reported (`origin: "initial"`).
    pub initial: bool,
    pub heartbeat_timeout: Duration,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawOptions {
    user_ids: Option<serde_json::Value>,
    initial: Option<bool>,
    heartbeat_timeout_ms: Option<u64>,
}

impl WatchOptions {
    /// Options for `user_ids`, with the defaults.
    pub fn new(user_ids: Vec<String>) -> WatchOptions {
        WatchOptions {
            user_ids,
            initial: false,
            heartbeat_timeout: DEFAULT_HEARTBEAT_TIMEOUT,
        }
    }

    /// Parses and checks the `params_json` of `gp_watch_new`.
    pub fn from_json(text: &str) -> Result<WatchOptions> {
        let invalid = |why: String| Error::invalid_argument(format!("watch params: {why}"));
        let raw: RawOptions =
            serde_json::from_str(text).map_err(|error| invalid(error.to_string()))?;
        let user_ids = match raw.user_ids {
            None => return Err(invalid("userIds is required".to_owned())),
            Some(serde_json::Value::Array(ids)) => ids
                .into_iter()
                .enumerate()
                .map(|(index, id)| match id {
                    serde_json::Value::String(id) => Ok(id),
                    other => Err(invalid(format!(
                        "userIds[{index}] must be a string, not {other}"
                    ))),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(_) => return Err(invalid("userIds must be an array of strings".to_owned())),
        };
        let heartbeat_timeout = match raw.heartbeat_timeout_ms {
            None => DEFAULT_HEARTBEAT_TIMEOUT,
            Some(0) => {
                return Err(invalid(
                    "heartbeatTimeoutMs must be greater than 0".to_owned(),
                ))
            }
            Some(ms) => Duration::from_millis(ms),
        };
        let options = WatchOptions {
            user_ids,
            initial: raw.initial.unwrap_or(false),
            heartbeat_timeout,
        };
        options.check()?;
        Ok(options)
    }

    fn check(&self) -> Result<()> {
        let invalid = |why: String| Error::invalid_argument(format!("watch params: {why}"));
        if self.user_ids.is_empty() {
            return Err(invalid("userIds is empty: nothing to watch".to_owned()));
        }
        if self.user_ids.len() > MAX_USERS {
            return Err(invalid(format!(
                "{} userIds: at most {MAX_USERS} ({MAX_CHANNELS} channels of {TOPICS_PER_CHANNEL})",
                self.user_ids.len()
            )));
        }
        let mut seen = HashSet::with_capacity(self.user_ids.len());
        for id in &self.user_ids {
            if id.is_empty() || id.contains(['/', '.']) || id.chars().any(char::is_control) {
                return Err(invalid(format!("userIds: {id:?} is not a user id")));
            }
            if !seen.insert(id.as_str()) {
                return Err(invalid(format!("userIds: {id:?} is listed twice")));
            }
        }
        Ok(())
    }
}

/// A running watch. Dropping it stops its threads, closes its sockets and
/// deletes its channels' subscriptions.
pub struct Watch {
    /// Holds the client's channels this watch counts against its limit.
    channels: ChannelReservation,
    queue: Arc<Queue>,
    /// The watch's end, as its threads see it: checked between reads, and
    /// waited on between reconnect attempts.
    stop: Arc<Cancel>,
    links: Vec<Arc<Link>>,
    readers: Vec<JoinHandle<()>>,
}

impl Watch {
    /// Opens the channels, subscribes, connects, reads the users' presences, and
    /// starts reading the sockets. Nothing is left open when it fails.
    pub fn start(client: Arc<Client>, options: WatchOptions) -> Result<Watch> {
        options.check()?;
        let connector = Arc::new(socket::Connector::new(client.config())?);
        let channels = ChannelReservation::new(
            Arc::clone(&client),
            options.user_ids.len().div_ceil(TOPICS_PER_CHANNEL),
        )?;
        let queue = Arc::new(Queue::default());
        let reported = Arc::new(Reported::default());
        let stop = Arc::new(Cancel::new());
        let mut watch = Watch {
            channels,
            queue: Arc::clone(&queue),
            stop: Arc::clone(&stop),
            links: Vec::new(),
            readers: Vec::new(),
        };
        // On an error below, dropping `watch` undoes what was opened.
        for users in options.user_ids.chunks(TOPICS_PER_CHANNEL) {
            let link = Link::open(
                Arc::clone(&client),
                Arc::clone(&connector),
                users.to_vec(),
                options.heartbeat_timeout,
            )?;
            watch.links.push(Arc::new(link));
        }
        // The token the channels were made with: a renewal from here on moves them.
        let generation = client.token_generation()?;
        let origin = options.initial.then_some(Origin::Initial);
        for link in &watch.links {
            link.read_presences(&reported, &queue, origin)?;
        }
        for link in &watch.links {
            let reader = link::spawn_reader(
                Arc::clone(link),
                Arc::clone(&queue),
                Arc::clone(&reported),
                Arc::clone(&stop),
                generation,
            )?;
            watch.readers.push(reader);
        }
        Ok(watch)
    }

    /// The next event, waiting up to `timeout`; `None` when none came. After
    /// [`Watch::close`], [`WatchEvent::Closed`]. An error ends the watch: it is
    /// answered once, then `Closed`.
    pub fn next(&self, timeout: Duration) -> Result<Option<WatchEvent>> {
        self.queue.next(timeout)
    }

    /// Ends the watch from any thread: a blocked [`Watch::next`] wakes and answers
    /// `Closed`, as does every later one. The sockets stay open until drop.
    pub fn close(&self) {
        self.queue.close();
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.request();
        self.queue.close();
        for link in &self.links {
            link.shut_down();
        }
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        for link in &self.links {
            link.delete();
        }
    }
}

/// A watch's share of its client's notification channels, given back on drop.
struct ChannelReservation {
    client: Arc<Client>,
    count: usize,
}

impl ChannelReservation {
    fn new(client: Arc<Client>, count: usize) -> Result<ChannelReservation> {
        client.reserve_watch_channels(count)?;
        Ok(ChannelReservation { client, count })
    }
}

impl Drop for ChannelReservation {
    fn drop(&mut self) {
        self.client.release_watch_channels(self.count);
    }
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("channels", &self.channels.count)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(json: &str) -> String {
        WatchOptions::from_json(json).unwrap_err().message
    }

    #[test]
    fn options_are_checked_before_anything_opens() {
        let options =
            WatchOptions::from_json(r#"{"userIds": ["a", "b"], "initial": true}"#).unwrap();
        assert_eq!(options.user_ids, ["a", "b"]);
        assert!(options.initial);
        assert_eq!(options.heartbeat_timeout, DEFAULT_HEARTBEAT_TIMEOUT);
        assert!(refused("{}").contains("userIds is required"));
        assert!(refused(r#"{"userIds": []}"#).contains("empty"));
        assert!(refused(r#"{"userIds": "a"}"#).contains("array of strings"));
        assert!(refused(r#"{"userIds": ["a", 7]}"#).contains("userIds[1] must be a string"));
        assert!(refused(r#"{"userIds": ["a", "a"]}"#).contains("listed twice"));
        assert!(refused(r#"{"userIds": ["a/b"]}"#).contains("not a user id"));
        assert!(refused(r#"{"userIds": ["a"], "heartbeatTimeoutMs": 0}"#).contains("greater"));
        assert!(refused(r#"{"userIds": ["a"], "intial": true}"#).contains("unknown field"));
        assert!(refused("[").contains("watch params"));
        let many: Vec<String> = (0..=MAX_USERS).map(|n| format!("u{n}")).collect();
        let json = serde_json::json!({ "userIds": many }).to_string();
        assert!(refused(&json).contains("at most 20000"));
    }
}
