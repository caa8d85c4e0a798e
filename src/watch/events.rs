//! What a watch reports, the queue it reports into, and the last presence
//! reported for each user (so that nothing is reported twice).

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// One event of a watch, serialized as DESIGN.md gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WatchEvent {
    Presence {
        #[serde(rename = "userId")]
        user_id: String,
        presence: PresenceState,
        origin: Origin,
    },
    Reconnected {
        reason: ReconnectReason,
    },
    Closed,
}

/// Where a presence event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A websocket notification.
    Notification,
    /// The read made when the watch started (reported when `initial` is true).
    Initial,
    /// The read made after a reconnect: a change the socket missed.
    Reconcile,
}

/// Why a link was reconnected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconnectReason {
    ConnectionLost,
    HeartbeatTimeout,
    SocketClosing,
    ChannelExpired,
    TokenRenewed,
}

/// A user's presence as a notification carries it (and as the bulk read is
/// reduced to).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceState {
    pub source: Option<String>,
    pub presence_definition: Option<DefinitionRef>,
    pub message: Option<String>,
    pub modified_date: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefinitionRef {
    pub id: Option<String>,
    pub system_presence: Option<String>,
}

impl PresenceState {
    /// Whether `other` says the same: the same definition, message and
    /// modification instant (`2024-01-01T00:00:00Z` equals `...00.000Z`).
    pub fn same_as(&self, other: &PresenceState) -> bool {
        let definition = |state: &PresenceState| {
            state
                .presence_definition
                .as_ref()
                .and_then(|definition| definition.id.clone())
        };
        definition(self) == definition(other)
            && self.message == other.message
            && same_instant(
                self.modified_date.as_deref(),
                other.modified_date.as_deref(),
            )
    }
}

fn same_instant(a: Option<&str>, b: Option<&str>) -> bool {
    let instant = |text: &str| -> Option<SystemTime> { humantime::parse_rfc3339_weak(text).ok() };
    match (a, b) {
        (Some(a), Some(b)) => match (instant(a), instant(b)) {
            (Some(x), Some(y)) => x == y,
            _ => a == b,
        },
        (a, b) => a == b,
    }
}

/// The last presence reported for each watched user.
#[derive(Default)]
pub struct Reported {
    last: Mutex<HashMap<String, PresenceState>>,
}

impl Reported {
    /// Records `presence` for `user_id`; true when it differs from what was
    /// last recorded (and so is news).
    pub fn update(&self, user_id: &str, presence: &PresenceState) -> bool {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        match last.get_mut(user_id) {
            Some(previous) if previous.same_as(presence) => false,
            Some(previous) => {
                *previous = presence.clone();
                true
            }
            None => {
                last.insert(user_id.to_owned(), presence.clone());
                true
            }
        }
    }
}

/// Unread events, woken readers, and the end.
#[derive(Default)]
pub struct Queue {
    state: Mutex<QueueState>,
    arrived: Condvar,
}

#[derive(Default)]
struct QueueState {
    events: VecDeque<WatchEvent>,
    /// Set once: the error that ended the watch, answered once.
    failure: Option<Error>,
    closed: bool,
}

impl Queue {
    /// Adds `event`. An unread presence event of the same user is replaced by it
    /// where it stands (the consumer sees the latest, once), and so is an unread
    /// `reconnected` of the same reason: the queue never holds more than one
    /// event a user plus one a reason, however far behind its reader falls.
    pub fn push(&self, event: WatchEvent) {
        let mut state = self.lock();
        if state.closed {
            return;
        }
        let unread = state
            .events
            .iter_mut()
            .find(|queued| match (&**queued, &event) {
                (
                    WatchEvent::Presence {
                        user_id: queued, ..
                    },
                    WatchEvent::Presence { user_id, .. },
                ) => queued == user_id,
                (
                    WatchEvent::Reconnected { reason: queued },
                    WatchEvent::Reconnected { reason },
                ) => queued == reason,
                _ => false,
            });
        match unread {
            Some(queued) => *queued = event,
            None => state.events.push_back(event),
        }
        drop(state);
        self.arrived.notify_one();
    }

    /// Ends the watch with `error`: answered by the next `next`, then `Closed`.
    pub fn fail(&self, error: Error) {
        let mut state = self.lock();
        if !state.closed && state.failure.is_none() {
            state.failure = Some(error);
        }
        drop(state);
        self.arrived.notify_all();
    }

    pub fn close(&self) {
        self.lock().closed = true;
        self.arrived.notify_all();
    }

    pub fn next(&self, timeout: Duration) -> Result<Option<WatchEvent>> {
        let deadline = Instant::now().checked_add(timeout);
        let mut state = self.lock();
        loop {
            if state.closed {
                return Ok(Some(WatchEvent::Closed));
            }
            if let Some(event) = state.events.pop_front() {
                return Ok(Some(event));
            }
            if let Some(error) = state.failure.take() {
                state.closed = true;
                return Err(error);
            }
            let left = match deadline {
                // A timeout past what the clock can count: as good as forever.
                None => Duration::from_secs(3600),
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
            };
            if left.is_zero() {
                return Ok(None);
            }
            state = self
                .arrived
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(user: &str, message: &str) -> WatchEvent {
        WatchEvent::Presence {
            user_id: user.to_owned(),
            presence: PresenceState {
                message: Some(message.to_owned()),
                ..PresenceState::default()
            },
            origin: Origin::Notification,
        }
    }

    #[test]
    fn unread_events_of_one_user_coalesce_into_the_latest() {
        let queue = Queue::default();
        queue.push(presence("a", "1"));
        queue.push(presence("b", "1"));
        queue.push(presence("a", "2"));
        let next = || queue.next(Duration::ZERO).unwrap();
        assert_eq!(next(), Some(presence("a", "2")));
        assert_eq!(next(), Some(presence("b", "1")));
        assert_eq!(next(), None);
        queue.close();
        assert_eq!(next(), Some(WatchEvent::Closed));
    }

    #[test]
    fn a_failure_is_answered_once_then_closed() {
        let queue = Queue::default();
        queue.push(presence("a", "1"));
        queue.fail(Error::transport("gone"));
        assert!(queue.next(Duration::ZERO).unwrap().is_some());
        assert_eq!(queue.next(Duration::ZERO).unwrap_err().message, "gone");
        assert_eq!(
            queue.next(Duration::ZERO).unwrap(),
            Some(WatchEvent::Closed)
        );
    }

    #[test]
    fn modified_dates_compare_as_instants() {
        let at = |date: &str| PresenceState {
            modified_date: Some(date.to_owned()),
            ..PresenceState::default()
        };
        assert!(at("2024-01-01T00:00:00Z").same_as(&at("2024-01-01T00:00:00.000Z")));
        assert!(!at("2024-01-01T00:00:00Z").same_as(&at("2024-01-01T00:00:01Z")));
        let reported = Reported::default();
        assert!(reported.update("a", &at("2024-01-01T00:00:00Z")));
        assert!(!reported.update("a", &at("2024-01-01T00:00:00.000Z")));
        assert!(reported.update("a", &at("2024-01-01T00:00:02Z")));
    }
}
