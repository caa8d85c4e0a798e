//! Watches against the sandbox: initial and live events, waiting, closing,
//! freeing, and every bad input.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::notifications::notification_api;
use common::take_string;
use common::FfiClient;
use genesys_presence::ffi::watch::{
    gp_watch, gp_watch_close, gp_watch_free, gp_watch_new, gp_watch_next,
};
use genesys_presence::ffi::{GP_ERROR_HTTP, GP_ERROR_INVALID_ARGUMENT, GP_OK};
use genesys_presence::watch::{Origin, ReconnectReason, WatchEvent};
use genesys_presence::{Client, Watch, WatchOptions};
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

fn config(sandbox: &Sandbox) -> Value {
    json!({
        "basePath": sandbox.url(), "authBasePath": sandbox.url(),
        "clientId": "sandbox-client", "clientSecret": "sandbox-secret",
    })
}

fn client(sandbox: &Sandbox) -> Arc<Client> {
    Arc::new(Client::from_json(&config(sandbox).to_string()).unwrap())
}

fn stats(sandbox: &Sandbox) -> Value {
    let mut answer = ureq::get(format!("{}/_sandbox/stats", sandbox.url()))
        .call()
        .unwrap();
    serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap()
}

/// The id of the organization's presence definition for `system_presence`.
fn definition(client: &Client, system_presence: &str) -> String {
    let definitions = client.call("getPresenceDefinitions", json!({})).unwrap();
    definitions["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|definition| definition["systemPresence"] == system_presence)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn set_presence(client: &Client, user: &str, definition: &str, message: &str) {
    client
        .call(
            "patchUserPresencesPurecloud",
            json!({"userId": user, "body": {"presenceDefinition": {"id": definition}, "message": message}}),
        )
        .unwrap();
}

fn users(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("watched-{n}")).collect()
}

fn next(watch: &Watch) -> WatchEvent {
    watch
        .next(Duration::from_secs(5))
        .unwrap()
        .expect("an event within 5 s")
}

#[test]
fn initial_presences_then_a_live_change_each_reported_once() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = client(&sandbox);
    let busy = definition(&client, "Busy");
    let mut options = WatchOptions::new(users(3));
    options.initial = true;
    let watch = Watch::start(Arc::clone(&client), options).unwrap();
    let mut initial: Vec<String> = (0..3)
        .map(|_| match next(&watch) {
            WatchEvent::Presence {
                user_id, origin, ..
            } => {
                assert_eq!(origin, Origin::Initial);
                user_id
            }
            other => panic!("{other:?}"),
        })
        .collect();
    initial.sort();
    assert_eq!(initial, users(3));

    set_presence(&client, "watched-1", &busy, "in a meeting");
    match next(&watch) {
        WatchEvent::Presence {
            user_id,
            presence,
            origin,
        } => {
            assert_eq!(
                (user_id.as_str(), origin),
                ("watched-1", Origin::Notification)
            );
            let definition = presence.presence_definition.unwrap();
            assert_eq!(definition.id.as_deref(), Some(busy.as_str()));
            assert_eq!(definition.system_presence.as_deref(), Some("Busy"));
            assert_eq!(presence.message.as_deref(), Some("in a meeting"));
            assert!(presence.modified_date.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        watch.next(Duration::from_millis(300)).unwrap(),
        None,
        "once"
    );
}

#[test]
fn without_initial_only_changes_are_reported_and_next_times_out_with_none() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = client(&sandbox);
    let watch = Watch::start(Arc::clone(&client), WatchOptions::new(users(2))).unwrap();
    let started = Instant::now();
    assert_eq!(watch.next(Duration::from_millis(200)).unwrap(), None);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(190) && waited < Duration::from_secs(2),
        "{waited:?}"
    );

    let away = definition(&client, "Away");
    set_presence(&client, "watched-0", &away, "lunch");
    let event = serde_json::to_value(next(&watch)).unwrap();
    assert_eq!(event["type"], "presence");
    assert_eq!(event["userId"], "watched-0");
    assert_eq!(event["origin"], "notification");
    assert_eq!(
        event["presence"]["presenceDefinition"]["systemPresence"],
        "Away"
    );
    assert_eq!(event["presence"]["message"], "lunch");
    assert_eq!(event["presence"]["source"], "PURECLOUD");
}

#[test]
fn close_from_another_thread_wakes_a_blocked_next() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let watch = Arc::new(Watch::start(client(&sandbox), WatchOptions::new(users(1))).unwrap());
    let closer = Arc::clone(&watch);
    let started = Instant::now();
    let handle = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        closer.close();
    });
    assert_eq!(
        watch.next(Duration::from_secs(30)).unwrap(),
        Some(WatchEvent::Closed)
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    handle.join().unwrap();
    assert_eq!(
        watch.next(Duration::ZERO).unwrap(),
        Some(WatchEvent::Closed),
        "every time"
    );
}

/// A sandbox that also takes the bearer token `t`, and a client using it.
fn with_static_token() -> (Sandbox, Arc<Client>) {
    let sandbox = Sandbox::start(SandboxOptions {
        static_token: Some("t".to_owned()),
        ..SandboxOptions::default()
    })
    .unwrap();
    let config = json!({"basePath": sandbox.url(), "accessToken": "t"});
    let client = Arc::new(Client::from_json(&config.to_string()).unwrap());
    (sandbox, client)
}

/// `GET path` on the sandbox with the bearer token `t`: the JSON body.
fn api_get(sandbox: &Sandbox, path: &str) -> Value {
    let mut answer = ureq::get(format!("{}{path}", sandbox.url()))
        .header("Authorization", "Bearer t")
        .call()
        .unwrap();
    serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap()
}

#[test]
fn dropping_a_watch_closes_its_sockets_and_deletes_its_subscriptions() {
    let (sandbox, client) = with_static_token();
    let watch = Watch::start(Arc::clone(&client), WatchOptions::new(users(5))).unwrap();
    assert_eq!(stats(&sandbox)["websockets"], 1);
    let channels = api_get(&sandbox, "/api/v2/notifications/channels");
    let channel = channels["entities"][0]["id"].as_str().unwrap().to_owned();
    let subscriptions = format!("/api/v2/notifications/channels/{channel}/subscriptions");
    assert_eq!(
        api_get(&sandbox, &subscriptions)["entities"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    let started = Instant::now();
    drop(watch);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(api_get(&sandbox, &subscriptions)["entities"], json!([]));
    let deadline = Instant::now() + Duration::from_secs(3);
    while stats(&sandbox)["websockets"] != 0 {
        assert!(Instant::now() < deadline, "a websocket stayed open");
        thread::sleep(Duration::from_millis(20));
    }
    assert!(
        client.call("getPresenceDefinitions", json!({})).is_ok(),
        "the client still works"
    );
}

#[test]
fn the_client_may_be_freed_before_its_watch() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let ffi = FfiClient::new(&config(&sandbox));
    let params = c"{\"userIds\": [\"watched-0\"], \"initial\": true}";
    let mut watch: *mut gp_watch = std::ptr::null_mut();
    let status = unsafe { gp_watch_new(ffi.0, params.as_ptr(), &mut watch, std::ptr::null_mut()) };
    assert_eq!(status, GP_OK);
    drop(ffi);
    let mut out = std::ptr::null_mut();
    assert_eq!(unsafe { gp_watch_next(watch, 5000, &mut out) }, GP_OK);
    let event: Value = serde_json::from_str(&take_string(out).unwrap()).unwrap();
    assert_eq!(
        (&event["userId"], &event["origin"]),
        (&json!("watched-0"), &json!("initial"))
    );
    unsafe { gp_watch_close(watch) };
    assert_eq!(unsafe { gp_watch_next(watch, 0, &mut out) }, GP_OK);
    assert_eq!(take_string(out).unwrap(), r#"{"type":"closed"}"#);
    unsafe { gp_watch_free(watch) };
}

/// `gp_watch_new` with `params`: its status and error JSON.
fn watch_new(client: &FfiClient, params: Option<&str>) -> (i32, Value) {
    let params = params.map(|text| std::ffi::CString::new(text).unwrap());
    let params_ptr = params
        .as_ref()
        .map_or(std::ptr::null(), |text| text.as_ptr());
    let mut watch: *mut gp_watch = std::ptr::null_mut();
    let mut error = std::ptr::null_mut();
    let status = unsafe { gp_watch_new(client.0, params_ptr, &mut watch, &mut error) };
    if status == GP_OK {
        unsafe { gp_watch_free(watch) };
        return (status, Value::Null);
    }
    assert!(watch.is_null());
    (
        status,
        serde_json::from_str(&take_string(error).unwrap()).unwrap(),
    )
}

#[test]
fn bad_input_is_an_invalid_argument_and_opens_nothing() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = FfiClient::new(&config(&sandbox));
    let many: Vec<String> = (0..20_001).map(|n| format!("u{n}")).collect();
    let too_many = json!({ "userIds": many }).to_string();
    for (params, expected) in [
        (None, "params_json is NULL"),
        (Some("not json"), "watch params"),
        (Some("[]"), "watch params"),
        (Some("{}"), "userIds is required"),
        (Some(r#"{"userIds": []}"#), "empty"),
        (Some(r#"{"userIds": ["a", "a"]}"#), "listed twice"),
        (Some(r#"{"userIds": ["a", 1]}"#), "must be a string"),
        (Some(r#"{"userIds": [null]}"#), "must be a string"),
        (
            Some(r#"{"userIds": ["a"], "initial": "yes"}"#),
            "watch params",
        ),
        (Some(too_many.as_str()), "at most 20000"),
    ] {
        let (status, error) = watch_new(&client, params);
        assert_eq!(status, GP_ERROR_INVALID_ARGUMENT, "{params:?}");
        assert_eq!(error["kind"], "invalid_argument");
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{params:?}: {error}"
        );
    }
    let params = c"{\"userIds\": [\"a\"]}";
    let mut watch: *mut gp_watch = std::ptr::null_mut();
    let null_client = unsafe {
        gp_watch_new(
            std::ptr::null(),
            params.as_ptr(),
            &mut watch,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(null_client, GP_ERROR_INVALID_ARGUMENT);
    let null_out = unsafe {
        gp_watch_new(
            client.0,
            params.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(null_out, GP_ERROR_INVALID_ARGUMENT);
    let mut out = std::ptr::null_mut();
    assert_eq!(
        unsafe { gp_watch_next(std::ptr::null(), 0, &mut out) },
        GP_ERROR_INVALID_ARGUMENT
    );
    assert!(take_string(out).unwrap().contains("watch is NULL"));
    unsafe {
        gp_watch_close(std::ptr::null());
        gp_watch_free(std::ptr::null_mut());
    }
    let stats = stats(&sandbox);
    assert_eq!(
        (&stats["channels"], &stats["websockets"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(stats["requests"], 0, "nothing was sent: {stats}");
}

/// `gp_watch_new` of user `a` against `server`, checked to fail with an HTTP
/// error of `status` and `code`.
fn refused_with(server: &mockito::ServerGuard, status: u16, code: Option<&str>) {
    let client = FfiClient::new(&json!({"basePath": server.url(), "accessToken": "t"}));
    let (got, error) = watch_new(&client, Some(r#"{"userIds": ["a"]}"#));
    assert_eq!(got, GP_ERROR_HTTP, "{error}");
    assert_eq!(
        (&error["status"], &error["code"]),
        (&json!(status), &json!(code))
    );
}

#[test]
fn a_channel_the_service_refuses_is_the_error_with_its_status() {
    let mut server = mockito::Server::new();
    let refused = server
        .mock("POST", "/api/v2/notifications/channels")
        .with_status(403)
        .with_header("content-type", "application/json")
        .with_body(r#"{"message": "missing permission", "code": "missing.any.permissions", "status": 403}"#)
        .create();
    refused_with(&server, 403, Some("missing.any.permissions"));
    refused.assert();
}

/// A Notifications API stand-in: mockito answers the REST calls, and each
/// websocket on a local listener is sent `messages`, then kept open and silent.
struct ScriptedNotifications {
    server: mockito::ServerGuard,
    _mocks: Vec<mockito::Mock>,
    /// How many websockets were accepted.
    accepted: Arc<AtomicUsize>,
}

impl ScriptedNotifications {
    fn start(messages: Vec<tungstenite::Message>) -> ScriptedNotifications {
        ScriptedNotifications::start_each(vec![messages])
    }

    /// The n-th websocket is sent `scripts[n]` (the last script once they run out).
    fn start_each(scripts: Vec<Vec<tungstenite::Message>>) -> ScriptedNotifications {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        // Detached: each socket's thread ends when the library closes it.
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let messages = scripts[n.min(scripts.len() - 1)].clone();
                thread::spawn(move || {
                    let Ok(mut socket) = tungstenite::accept(stream) else {
                        return;
                    };
                    for message in messages {
                        if socket.send(message).is_err() {
                            return;
                        }
                    }
                    while socket.read().is_ok() {}
                });
            }
        });
        let (server, mocks) = notification_api(&format!("ws://127.0.0.1:{port}/channels/c1"));
        ScriptedNotifications {
            server,
            _mocks: mocks,
            accepted,
        }
    }

    fn client(&self) -> Arc<Client> {
        Arc::new(
            Client::from_json(
                &json!({"basePath": self.server.url(), "accessToken": "t", "logLevel": "warn"})
                    .to_string(),
            )
            .unwrap(),
        )
    }
}

fn notification(user: &str, message: &str) -> tungstenite::Message {
    let body = json!({
        "topicName": format!("v2.users.{user}.presence"),
        "eventBody": {"source": "PURECLOUD", "presenceDefinition": {"id": "d1", "systemPresence": "Away"},
                      "message": message, "modifiedDate": "2026-12-07T10:00:00.000Z"},
    });
    tungstenite::Message::text(body.to_string())
}

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
    match next(&watch) {
        WatchEvent::Presence {
            user_id,
            presence,
            origin,
        } => {
            assert_eq!((user_id.as_str(), origin), ("a", Origin::Notification));
            assert_eq!(presence.message.as_deref(), Some("the one that counts"));
        }
        other => panic!("{other:?}"),
    }
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

/// `POST /_sandbox/notifications/{what}`: drop, stall or socket-closing.
fn control(sandbox: &Sandbox, what: &str) {
    ureq::post(format!("{}/_sandbox/notifications/{what}", sandbox.url()))
        .send_empty()
        .unwrap();
}

/// Every event that comes within `period`.
fn events_within(watch: &Watch, period: Duration) -> Vec<WatchEvent> {
    let until = Instant::now() + period;
    let mut events = Vec::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match watch.next(left).unwrap() {
            Some(event) => events.push(event),
            None => break,
        }
    }
    events
}

/// The presence events of `user` among `events`: (message, origin).
fn changes_of(events: &[WatchEvent], user: &str) -> Vec<(String, Origin)> {
    events
        .iter()
        .filter_map(|event| match event {
            WatchEvent::Presence {
                user_id,
                presence,
                origin,
            } if user_id == user => Some((presence.message.clone().unwrap_or_default(), *origin)),
            _ => None,
        })
        .collect()
}

fn reconnects(events: &[WatchEvent]) -> Vec<ReconnectReason> {
    events
        .iter()
        .filter_map(|event| match event {
            WatchEvent::Reconnected { reason } => Some(*reason),
            _ => None,
        })
        .collect()
}

/// A watch of `users(3)` with a 600 ms heartbeat timeout, on `sandbox`.
fn quick_watch(sandbox: &Sandbox) -> (Arc<Client>, Watch) {
    let client = client(sandbox);
    let mut options = WatchOptions::new(users(3));
    options.heartbeat_timeout = Duration::from_millis(600);
    let watch = Watch::start(Arc::clone(&client), options).unwrap();
    (client, watch)
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
fn twenty_five_hundred_users_take_three_channels_and_the_last_one_is_heard() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = client(&sandbox);
    let watch = Watch::start(Arc::clone(&client), WatchOptions::new(users(2500))).unwrap();
    let stats = stats(&sandbox);
    assert_eq!(
        (&stats["channels"], &stats["websockets"]),
        (&json!(3), &json!(3))
    );
    let busy = definition(&client, "Busy");
    set_presence(&client, "watched-2499", &busy, "the last one");
    set_presence(&client, "watched-0", &busy, "the first one");
    let events = events_within(&watch, Duration::from_secs(1));
    assert_eq!(
        changes_of(&events, "watched-2499"),
        [("the last one".to_owned(), Origin::Notification)]
    );
    assert_eq!(
        changes_of(&events, "watched-0"),
        [("the first one".to_owned(), Origin::Notification)]
    );
    drop(watch);
    let deadline = Instant::now() + Duration::from_secs(3);
    while stats_of(&sandbox, "websockets") != 0 {
        assert!(Instant::now() < deadline, "a websocket stayed open");
        thread::sleep(Duration::from_millis(20));
    }
}

fn stats_of(sandbox: &Sandbox, what: &str) -> u64 {
    stats(sandbox)[what].as_u64().unwrap()
}

#[test]
fn one_client_holds_at_most_twenty_channels_across_its_watches() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = client(&sandbox);
    let ids = |from: usize, count: usize| -> Vec<String> {
        (from..from + count).map(|n| format!("u{n}")).collect()
    };
    let first = Watch::start(Arc::clone(&client), WatchOptions::new(ids(0, 10_000))).unwrap();
    let second = Watch::start(Arc::clone(&client), WatchOptions::new(ids(10_000, 9_001))).unwrap();
    assert_eq!(stats_of(&sandbox, "channels"), 20);
    let before = stats_of(&sandbox, "requests");
    let refused = Watch::start(Arc::clone(&client), WatchOptions::new(ids(20_000, 1))).unwrap_err();
    assert_eq!(refused.kind, genesys_presence::ErrorKind::InvalidArgument);
    assert!(refused.message.contains("20"), "{refused}");
    assert_eq!(stats_of(&sandbox, "requests"), before, "nothing was sent");
    drop(second);
    let third = Watch::start(Arc::clone(&client), WatchOptions::new(ids(20_000, 1)));
    assert!(
        third.is_ok(),
        "the channels of a freed watch are free again"
    );
    drop(first);
}

#[test]
fn the_websocket_goes_through_the_clients_connect_proxy() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let (proxy, seen) = common::proxy::connect_proxy();
    let mut config = config(&sandbox);
    config["proxy"] = json!(proxy);
    let client = Arc::new(Client::from_json(&config.to_string()).unwrap());
    let watch = Watch::start(Arc::clone(&client), WatchOptions::new(users(1))).unwrap();
    let busy = definition(&client, "Busy");
    set_presence(&client, "watched-0", &busy, "through the proxy");
    assert_eq!(
        changes_of(&events_within(&watch, Duration::from_secs(1)), "watched-0"),
        [("through the proxy".to_owned(), Origin::Notification)]
    );
    let target = format!("CONNECT 127.0.0.1:{} HTTP/1.1", sandbox.port());
    let tunnels = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|line| **line == target)
        .count();
    assert!(
        tunnels >= 2,
        "the API's connection and the websocket's: {tunnels}"
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

#[test]
fn a_subscription_the_service_refuses_is_the_error_and_the_channel_is_cleaned_up() {
    let mut server = mockito::Server::new();
    let channel = json!({"id": "c9", "connectUri": "ws://127.0.0.1:9/channels/c9"});
    let created = server
        .mock("POST", "/api/v2/notifications/channels")
        .with_body(channel.to_string())
        .create();
    let refused = server
        .mock("PUT", "/api/v2/notifications/channels/c9/subscriptions")
        .with_status(400)
        .with_body(r#"{"message": "too many topics", "code": "bad.request", "status": 400}"#)
        .create();
    let cleaned = server
        .mock("DELETE", "/api/v2/notifications/channels/c9/subscriptions")
        .with_status(204)
        .create();
    refused_with(&server, 400, Some("bad.request"));
    created.assert();
    refused.assert();
    cleaned.assert();
}

#[test]
fn a_429_on_the_channel_is_retried_after_retry_after() {
    let mut server = mockito::Server::new();
    let limited = server
        .mock("POST", "/api/v2/notifications/channels")
        .with_status(429)
        .with_header("Retry-After", "0")
        .with_body(r#"{"message": "slow down", "status": 429}"#)
        .expect(4)
        .create();
    refused_with(&server, 429, None);
    limited.assert(); // the first try and the three retries of the default config
}
