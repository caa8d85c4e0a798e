//! Watches against the sandbox: initial and live events, waiting, closing,
//! freeing, and every bad input.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::take_string;
use common::FfiClient;
use genesys_presence::ffi::watch::{
    gp_watch, gp_watch_close, gp_watch_free, gp_watch_new, gp_watch_next,
};
use genesys_presence::ffi::{GP_ERROR_HTTP, GP_ERROR_INVALID_ARGUMENT, GP_OK};
use genesys_presence::watch::{Origin, WatchEvent};
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
    let sandbox = Sandbox::start(SandboxOptions {
        static_token: Some("t".to_owned()),
        ..SandboxOptions::default()
    })
    .unwrap();
    let client = Arc::new(
        Client::from_json(&json!({"basePath": sandbox.url(), "accessToken": "t"}).to_string())
            .unwrap(),
    );
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

#[test]
fn a_channel_the_service_refuses_is_the_error_with_its_status() {
    let mut server = mockito::Server::new();
    let refused = server
        .mock("POST", "/api/v2/notifications/channels")
        .with_status(403)
        .with_header("content-type", "application/json")
        .with_body(r#"{"message": "missing permission", "code": "missing.any.permissions", "status": 403}"#)
        .create();
    let client = FfiClient::new(&json!({"basePath": server.url(), "accessToken": "t"}));
    let (status, error) = watch_new(&client, Some(r#"{"userIds": ["a"]}"#));
    assert_eq!(status, GP_ERROR_HTTP);
    assert_eq!(
        (&error["status"], &error["code"]),
        (&json!(403), &json!("missing.any.permissions"))
    );
    refused.assert();
}

/// A Notifications API stand-in: mockito answers the REST calls, and one
/// websocket on a local listener sends `messages` then stays open.
struct ScriptedNotifications {
    server: mockito::ServerGuard,
    _mocks: Vec<mockito::Mock>,
    socket: thread::JoinHandle<()>,
}

impl ScriptedNotifications {
    fn start(messages: Vec<tungstenite::Message>) -> ScriptedNotifications {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let socket = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut socket = tungstenite::accept(stream).unwrap();
            for message in messages {
                socket.send(message).unwrap();
            }
            // Stay until the client goes.
            while socket.read().is_ok() {}
        });
        let mut server = mockito::Server::new();
        let channel =
            json!({"id": "c1", "connectUri": format!("ws://127.0.0.1:{port}/channels/c1")});
        let mocks = vec![
            server
                .mock("POST", "/api/v2/notifications/channels")
                .with_body(channel.to_string())
                .create(),
            server
                .mock("PUT", "/api/v2/notifications/channels/c1/subscriptions")
                .with_body(r#"{"entities": []}"#)
                .create(),
            server
                .mock("DELETE", "/api/v2/notifications/channels/c1/subscriptions")
                .with_status(204)
                .create(),
            server
                .mock("GET", "/api/v2/users/presences/purecloud/bulk")
                .match_query(mockito::Matcher::Any)
                .with_body("[]")
                .create(),
        ];
        ScriptedNotifications {
            server,
            _mocks: mocks,
            socket,
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
    drop(watch);
    scripted.socket.join().unwrap();
}

#[test]
fn a_silent_socket_past_the_heartbeat_timeout_ends_the_watch_with_one_error() {
    let scripted = ScriptedNotifications::start(Vec::new());
    let mut options = WatchOptions::new(vec!["a".to_owned()]);
    options.heartbeat_timeout = Duration::from_millis(300);
    let watch = Watch::start(scripted.client(), options).unwrap();
    let started = Instant::now();
    let error = watch.next(Duration::from_secs(5)).unwrap_err();
    assert!(error.message.contains("heartbeatTimeoutMs"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        watch.next(Duration::ZERO).unwrap(),
        Some(WatchEvent::Closed)
    );
    drop(watch);
    scripted.socket.join().unwrap();
}
