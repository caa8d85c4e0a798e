//! Watches that lose their link and come back: every reconnect cause against the
//! sandbox's controls, with a change made during the outage reported exactly once;
//! messages not understood, an oversized one and a silent socket against a scripted
//! service; revoked credentials.

mod common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::watching::*;
use genesys_presence::watch::{Origin, ReconnectReason, WatchEvent};
use genesys_presence::{Client, Watch, WatchOptions};
use presence_sandbox::{Sandbox, SandboxOptions};

#[test]
fn messages_that_are_not_understood_are_logged_and_skipped() {
    use tungstenite::Message;
    let scripted = ScriptedNotifications::start(vec![
        Message::text("not json at all"),
        Message::binary(vec![0u8, 159, 146, 150]),
        Message::text(r#"{"topicName": "v2.users.stranger.presence", "eventBody": {}}"#),
        Message::text(r#"{"topicName": "v2.users.a.presence", "eventBody": "not a presence"}"#),
        Message::text(
            r#"{"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}}"#,
        ),
        notification("a", "the one that counts"),
        notification("a", "the one that counts"),
    ]);
    let client = scripted.client();
    let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&lines);
    client.set_log_sink(Some(Arc::new(move |_, line: &str| {
        sink.lock().unwrap().push(line.to_owned())
    })));
    let watch = Watch::start(Arc::clone(&client), WatchOptions::new(vec!["a".to_owned()])).unwrap();
    let (user_id, presence, origin) = next_presence(&watch);
    assert_eq!((user_id.as_str(), origin), ("a", Origin::Notification));
    assert_eq!(presence.message.as_deref(), Some("the one that counts"));
    assert_eq!(
        watch.next(Duration::from_millis(200)).unwrap(),
        None,
        "the repeat is not news"
    );
    let skipped: Vec<String> = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|line| line.contains("watch: skipped"))
        .cloned()
        .collect();
    assert_eq!(skipped.len(), 4, "{skipped:#?}");
}

#[test]
fn a_silent_socket_past_the_heartbeat_timeout_is_reconnected() {
    let scripted = ScriptedNotifications::start(Vec::new());
    let mut options = WatchOptions::new(vec!["a".to_owned()]);
    options.heartbeat_timeout = Duration::from_millis(300);
    let watch = Watch::start(scripted.client(), options).unwrap();
    let started = Instant::now();
    assert_eq!(
        next(&watch),
        WatchEvent::Reconnected {
            reason: ReconnectReason::HeartbeatTimeout
        }
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(scripted.accepted.load(Ordering::SeqCst) >= 2);
}

/// A quick watch on a fresh sandbox; then `trouble` (a sandbox control) and, at
/// once, a change of `user`'s presence to Busy with `message`. Checks that the
/// next `period` brings exactly one reconnect, for `reason`, and the change
/// exactly once; answers the rest for more checks.
struct Outage {
    sandbox: Sandbox,
    client: Arc<Client>,
    watch: Watch,
    events: Vec<WatchEvent>,
    busy: String,
}

fn outage(trouble: &str, user: &str, message: &str, reason: ReconnectReason) -> Outage {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let (client, watch) = quick_watch(&sandbox);
    let busy = definition(&client, "Busy");
    control(&sandbox, trouble);
    set_presence(&client, user, &busy, message);
    let events = events_within(&watch, Duration::from_secs(3));
    assert_eq!(reconnects(&events), [reason], "{events:?}");
    let changes = changes_of(&events, user);
    assert_eq!(changes.len(), 1, "exactly once: {events:?}");
    assert_eq!(changes[0].0, message);
    Outage {
        sandbox,
        client,
        watch,
        events,
        busy,
    }
}

impl Outage {
    /// A change made now is heard live, on the socket the watch moved to.
    fn assert_live(&self, user: &str) {
        set_presence(&self.client, user, &self.busy, "live");
        assert_eq!(
            changes_of(&events_within(&self.watch, Duration::from_secs(1)), user),
            [("live".to_owned(), Origin::Notification)]
        );
    }
}

#[test]
fn a_change_made_while_the_socket_was_stalled_is_reported_once_after_the_reconnect() {
    let outage = outage(
        "stall",
        "watched-2",
        "while stalled",
        ReconnectReason::HeartbeatTimeout,
    );
    // The stalled socket never carried it: the read after the reconnect did.
    assert_eq!(
        changes_of(&outage.events, "watched-2"),
        [("while stalled".to_owned(), Origin::Reconcile)]
    );
    assert_eq!(outage.events.len(), 2, "nothing else: {:?}", outage.events);
    outage.assert_live("watched-2");
}

#[test]
fn a_dropped_socket_is_reconnected_and_a_change_around_the_drop_is_reported_once() {
    let outage = outage(
        "drop",
        "watched-0",
        "around the drop",
        ReconnectReason::ConnectionLost,
    );
    assert_eq!(stats(&outage.sandbox)["websockets"], 1);
    outage.assert_live("watched-0");
}

#[test]
fn socket_closing_moves_the_watch_to_a_new_channel() {
    let outage = outage(
        "socket-closing",
        "watched-1",
        "during the move",
        ReconnectReason::SocketClosing,
    );
    assert_eq!(stats(&outage.sandbox)["channels"], 2, "a new channel");
    outage.assert_live("watched-1");
}

/// A watch on `sandbox` reconnects by itself for `reason` within `within`, then
/// hears a change live on its new socket; how long the reconnect took.
fn reconnects_by_itself_and_hears_live(
    sandbox: &Sandbox,
    reason: ReconnectReason,
    within: Duration,
) -> Duration {
    let (client, watch) = quick_watch(sandbox);
    let started = Instant::now();
    let event = watch.next(within).unwrap();
    let took = started.elapsed();
    assert_eq!(event, Some(WatchEvent::Reconnected { reason }));
    // Past the reconcile read that follows the reconnect: live on the new socket.
    events_within(&watch, Duration::from_millis(300));
    let busy = definition(&client, "Busy");
    set_presence(&client, "watched-0", &busy, "live again");
    let events = events_within(&watch, Duration::from_secs(1));
    assert_eq!(
        changes_of(&events, "watched-0"),
        [("live again".to_owned(), Origin::Notification)]
    );
    took
}

#[test]
fn a_channel_is_replaced_before_it_expires() {
    let sandbox = Sandbox::start(SandboxOptions {
        channel_ttl_secs: 4,
        ..SandboxOptions::default()
    })
    .unwrap();
    let took = reconnects_by_itself_and_hears_live(
        &sandbox,
        ReconnectReason::ChannelExpired,
        Duration::from_secs(6),
    );
    // At half the channel's 4 s life.
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn a_renewed_token_moves_the_watch_to_a_new_channel() {
    let sandbox = Sandbox::start(SandboxOptions {
        token_ttl_secs: 3,
        ..SandboxOptions::default()
    })
    .unwrap();
    reconnects_by_itself_and_hears_live(
        &sandbox,
        ReconnectReason::TokenRenewed,
        Duration::from_secs(6),
    );
}

#[test]
fn revoked_credentials_end_the_watch_with_one_error() {
    let (_sandbox, client) = with_static_token();
    let mut options = WatchOptions::new(users(1));
    options.heartbeat_timeout = Duration::from_millis(600);
    let watch = Watch::start(Arc::clone(&client), options).unwrap();
    // The caller's own flow hands over a token the service does not accept: the
    // watch moves to a new channel with it, which is refused.
    client.set_access_token("revoked").unwrap();
    let error = watch.next(Duration::from_secs(5)).unwrap_err();
    assert_eq!(error.details.status, Some(401), "{error}");
    assert_eq!(
        watch.next(Duration::ZERO).unwrap(),
        Some(WatchEvent::Closed)
    );
}

#[test]
fn an_oversized_message_costs_a_reconnect_and_the_watch_goes_on() {
    let oversized = tungstenite::Message::text("x".repeat(2 * 1024 * 1024));
    let scripted = ScriptedNotifications::start_each(vec![
        vec![oversized],
        vec![notification("a", "after the big one")],
    ]);
    let watch = Watch::start(scripted.client(), WatchOptions::new(vec!["a".to_owned()])).unwrap();
    let events = events_within(&watch, Duration::from_secs(2));
    assert_eq!(
        reconnects(&events),
        [ReconnectReason::ConnectionLost],
        "{events:?}"
    );
    assert_eq!(
        changes_of(&events, "a"),
        [("after the big one".to_owned(), Origin::Notification)]
    );
}
