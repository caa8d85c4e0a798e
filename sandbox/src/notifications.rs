//! The Notifications API's channels and their topic subscriptions, and the delivery
//! of presence changes to the channels' websockets.
//!
//! These routes are not operations of the library's table (the library uses them
//! internally), so the sandbox lists them here, in the same form.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use axum::extract::ws::Message;
use serde_json::{json, Value};

use super::clock::rfc3339;
use super::reply::{ApiError, Reply};
use super::routes::{Call, Handler};
use super::state::State;
use super::websocket::SocketQueue;

/// At most so many topics on one channel, as on Genesys Cloud.
pub const MAX_TOPICS_PER_CHANNEL: usize = 1000;
/// At most so many channels per OAuth client; the sandbox has one client, and the
/// next channel closes the oldest, as Genesys Cloud does.
pub const MAX_CHANNELS: usize = 20;

const TOPIC_PREFIX: &str = "v2.users.";
const TOPIC_SUFFIX: &str = ".presence";

/// The notification routes below `/api/v2/`, each with its handler.
pub const ROUTES: &[(&str, &str, Handler)] = &[
    ("GET", "notifications/channels", list_channels),
    ("POST", "notifications/channels", create_channel),
    (
        "GET",
        "notifications/channels/{channelId}/subscriptions",
        get_subscriptions,
    ),
    (
        "POST",
        "notifications/channels/{channelId}/subscriptions",
        add_subscriptions,
    ),
    (
        "PUT",
        "notifications/channels/{channelId}/subscriptions",
        replace_subscriptions,
    ),
    (
        "DELETE",
        "notifications/channels/{channelId}/subscriptions",
        delete_subscriptions,
    ),
];

/// A notification channel: where a websocket connects, and the topics it hears.
pub struct Channel {
    pub id: String,
    pub expires: SystemTime,
    /// In the order subscribed, without repeats.
    topics: Vec<String>,
    /// The users of `topics`, to find a change's listeners at once.
    users: HashSet<String>,
    /// The queues of its open websockets. Dropping one closes its socket.
    sockets: Vec<SocketQueue>,
}

/// Every channel of the sandbox's one OAuth client, oldest first.
pub struct Channels {
    list: Vec<Channel>,
    ttl: Duration,
    /// Between heartbeats on every websocket.
    heartbeat: Duration,
    /// Where websockets connect when a request names no `Host`.
    address: SocketAddr,
}

impl Channels {
    /// No channels yet; each one made lives `ttl`, and its sockets hear a heartbeat
    /// every `heartbeat`.
    pub fn new(ttl: Duration, heartbeat: Duration, address: SocketAddr) -> Channels {
        Channels {
            list: Vec::new(),
            ttl,
            heartbeat,
            address,
        }
    }

    /// Adds a websocket's queue to channel `id`; the channel's expiry and the
    /// heartbeat period, or `None` if there is no such live channel.
    pub fn attach(&mut self, id: &str, queue: SocketQueue) -> Option<(SystemTime, Duration)> {
        let heartbeat = self.heartbeat;
        let channel = self.channel(id).ok()?;
        channel.sockets.push(queue);
        Some((channel.expires, heartbeat))
    }

    /// Whether any live channel is subscribed to `user_id`'s presence.
    pub fn hears(&mut self, user_id: &str) -> bool {
        self.live()
            .iter()
            .any(|channel| channel.users.contains(user_id))
    }

    /// Queues `message` for every socket of every channel subscribed to `user_id`'s
    /// presence. Never waits: a socket whose queue is full is dropped (and closes).
    pub fn publish(&mut self, user_id: &str, message: &Message) {
        for channel in self.live() {
            if channel.users.contains(user_id) {
                channel
                    .sockets
                    .retain(|queue| queue.try_send(message.clone()).is_ok());
            }
        }
    }

    /// The live channels, oldest first; expired ones are forgotten.
    pub fn live(&mut self) -> &mut Vec<Channel> {
        let now = SystemTime::now();
        self.list.retain(|channel| channel.expires > now);
        &mut self.list
    }

    /// The live channel `id`; `404` if there is none.
    pub fn channel(&mut self, id: &str) -> Result<&mut Channel, ApiError> {
        self.live()
            .iter_mut()
            .find(|channel| channel.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Channel '{id}' not found.")))
    }
}

/// `{"id", "connectUri", "expires"}`; the websocket's host is the one the client
/// asked for (its `Host`), so it works through whatever name reached the sandbox.
fn render_channel(channels: &Channels, channel: &Channel, call: &Call) -> Value {
    let host = call
        .request
        .host
        .clone()
        .unwrap_or_else(|| channels.address.to_string());
    json!({
        "id": channel.id,
        "connectUri": format!("ws://{host}/channels/{}", channel.id),
        "expires": rfc3339(channel.expires),
    })
}

/// `GET /api/v2/notifications/channels`: the client's live channels.
fn list_channels(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let channels = &mut state.channels;
    channels.live();
    let entities: Vec<Value> = channels
        .list
        .iter()
        .map(|channel| render_channel(channels, channel, call))
        .collect();
    Ok(Reply::ok(json!({ "entities": entities })))
}

/// `POST /api/v2/notifications/channels`: a new channel; past [`MAX_CHANNELS`], the
/// oldest is closed.
fn create_channel(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let id = state.new_id();
    let channels = &mut state.channels;
    let expires = SystemTime::now() + channels.ttl;
    let live = channels.live();
    if live.len() >= MAX_CHANNELS {
        live.remove(0);
    }
    live.push(Channel {
        id,
        expires,
        topics: Vec::new(),
        users: HashSet::new(),
        sockets: Vec::new(),
    });
    let channel = channels.list.last().ok_or_else(ApiError::internal)?;
    Ok(Reply::ok(render_channel(channels, channel, call)))
}

/// `{"entities": [{"id": topic}, ...]}`.
fn render_topics(channel: &Channel) -> Reply {
    let entities: Vec<Value> = channel
        .topics
        .iter()
        .map(|topic| json!({ "id": topic }))
        .collect();
    Reply::ok(json!({ "entities": entities }))
}

/// `GET .../subscriptions`.
fn get_subscriptions(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let channel = state.channels.channel(call.param("channelId"))?;
    Ok(render_topics(channel))
}

/// `POST .../subscriptions`: adds the body's topics to the channel's.
fn add_subscriptions(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let topics = topics_of(call)?;
    let channel = state.channels.channel(call.param("channelId"))?;
    let mut merged = channel.topics.clone();
    merged.extend(topics);
    set_topics(channel, merged)
}

/// `PUT .../subscriptions`: the body's topics replace the channel's.
fn replace_subscriptions(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let topics = topics_of(call)?;
    let channel = state.channels.channel(call.param("channelId"))?;
    set_topics(channel, topics)
}

/// `DELETE .../subscriptions`: the channel hears nothing more.
fn delete_subscriptions(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let channel = state.channels.channel(call.param("channelId"))?;
    channel.topics.clear();
    channel.users.clear();
    Ok(Reply::empty(204))
}

/// Sets the channel's topics (repeats dropped) unless there would be more than
/// [`MAX_TOPICS_PER_CHANNEL`]; then nothing changes.
fn set_topics(channel: &mut Channel, topics: Vec<String>) -> Result<Reply, ApiError> {
    let mut unique: Vec<String> = Vec::with_capacity(topics.len());
    let mut users = HashSet::with_capacity(topics.len());
    for topic in topics {
        // Every topic here was checked by `topics_of`.
        if let Some(user) = user_of_topic(&topic) {
            if users.insert(user.to_owned()) {
                unique.push(topic);
            }
        }
    }
    if unique.len() > MAX_TOPICS_PER_CHANNEL {
        return Err(ApiError::bad_request(format!(
            "A channel may subscribe to at most {MAX_TOPICS_PER_CHANNEL} topics; this would make {}.",
            unique.len()
        )));
    }
    channel.topics = unique;
    channel.users = users;
    Ok(render_topics(channel))
}

/// The topics of a subscriptions body: a JSON list of `{"id": topic}`, every topic one
/// the sandbox emulates.
fn topics_of(call: &Call) -> Result<Vec<String>, ApiError> {
    let body: Value = call.request.json()?;
    let Value::Array(items) = body else {
        return Err(ApiError::bad_request(
            "The body must be a list of topics: [{\"id\": \"v2.users.{userId}.presence\"}, ...].",
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let Some(topic) = item.get("id").and_then(Value::as_str) else {
                return Err(ApiError::bad_request(format!(
                    "Item {index} of the body is not a topic {{\"id\": \"...\"}}: {item}"
                )));
            };
            if user_of_topic(topic).is_none() {
                return Err(ApiError::bad_request(format!(
                    "Unknown topic '{topic}': the sandbox knows v2.users.{{userId}}.presence."
                )));
            }
            Ok(topic.to_owned())
        })
        .collect()
}

/// The topic of `user_id`'s presence.
pub fn presence_topic(user_id: &str) -> String {
    format!("{TOPIC_PREFIX}{user_id}{TOPIC_SUFFIX}")
}

/// The user id of a `v2.users.{userId}.presence` topic.
pub fn user_of_topic(topic: &str) -> Option<&str> {
    topic
        .strip_prefix(TOPIC_PREFIX)?
        .strip_suffix(TOPIC_SUFFIX)
        .filter(|user| !user.is_empty() && !user.contains('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_name_one_user() {
        assert_eq!(user_of_topic("v2.users.u-1.presence"), Some("u-1"));
        for bad in [
            "v2.users..presence",
            "v2.users.a.b.presence",
            "v2.users.u.routingStatus",
            "v2.groups.g.presence",
            "",
        ] {
            assert_eq!(user_of_topic(bad), None, "{bad}");
        }
    }
}
