//! Helpers of the watch tests (tests/watch.rs, tests/watch_reconnects.rs): clients of
//! the sandbox, presence changes, collecting events, a scripted notification service.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::notifications::notification_api;
use super::{take_string, FfiClient};
use genesys_presence::ffi::watch::{gp_watch, gp_watch_free, gp_watch_new};
use genesys_presence::ffi::{GP_ERROR_HTTP, GP_OK};
use genesys_presence::watch::{Origin, PresenceState, ReconnectReason, WatchEvent};
use genesys_presence::{Client, Watch, WatchOptions};
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

pub fn config(sandbox: &Sandbox) -> Value {
    json!({
        "basePath": sandbox.url(), "authBasePath": sandbox.url(),
        "clientId": "sandbox-client", "clientSecret": "sandbox-secret",
    })
}

pub fn client(sandbox: &Sandbox) -> Arc<Client> {
    Arc::new(Client::from_json(&config(sandbox).to_string()).unwrap())
}

pub fn stats(sandbox: &Sandbox) -> Value {
    let mut answer = ureq::get(format!("{}/_sandbox/stats", sandbox.url()))
        .call()
        .unwrap();
    serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap()
}

/// The id of the organization's presence definition for `system_presence`.
pub fn definition(client: &Client, system_presence: &str) -> String {
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

pub fn set_presence(client: &Client, user: &str, definition: &str, message: &str) {
    client
        .call(
            "patchUserPresencesPurecloud",
            json!({"userId": user, "body": {"presenceDefinition": {"id": definition}, "message": message}}),
        )
        .unwrap();
}

pub fn users(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("watched-{n}")).collect()
}

pub fn next(watch: &Watch) -> WatchEvent {
    watch
        .next(Duration::from_secs(5))
        .unwrap()
        .expect("an event within 5 s")
}

/// The next event, which must be a presence: (user id, presence, origin).
pub fn next_presence(watch: &Watch) -> (String, PresenceState, Origin) {
    match next(watch) {
        WatchEvent::Presence {
            user_id,
            presence,
            origin,
        } => (user_id, presence, origin),
        other => panic!("expected a presence event: {other:?}"),
    }
}

/// A sandbox that also takes the bearer token `t`, and a client using it.
pub fn with_static_token() -> (Sandbox, Arc<Client>) {
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
pub fn api_get(sandbox: &Sandbox, path: &str) -> Value {
    let mut answer = ureq::get(format!("{}{path}", sandbox.url()))
        .header("Authorization", "Bearer t")
        .call()
        .unwrap();
    serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap()
}

/// `gp_watch_new` with `params`: its status and error JSON.
pub fn watch_new(client: &FfiClient, params: Option<&str>) -> (i32, Value) {
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

/// `gp_watch_new` of user `a` against `server`, checked to fail with an HTTP
/// error of `status` and `code`.
pub fn refused_with(server: &mockito::ServerGuard, status: u16, code: Option<&str>) {
    let client = FfiClient::new(&json!({"basePath": server.url(), "accessToken": "t"}));
    let (got, error) = watch_new(&client, Some(r#"{"userIds": ["a"]}"#));
    assert_eq!(got, GP_ERROR_HTTP, "{error}");
    assert_eq!(
        (&error["status"], &error["code"]),
        (&json!(status), &json!(code))
    );
}

/// A Notifications API stand-in: mockito answers the REST calls, and each
/// websocket on a local listener is sent `messages`, then kept open and silent.
pub struct ScriptedNotifications {
    pub server: mockito::ServerGuard,
    pub _mocks: Vec<mockito::Mock>,
    /// How many websockets were accepted.
    pub accepted: Arc<AtomicUsize>,
}

impl ScriptedNotifications {
    pub fn start(messages: Vec<tungstenite::Message>) -> ScriptedNotifications {
        ScriptedNotifications::start_each(vec![messages])
    }

    /// The n-th websocket is sent `scripts[n]` (the last script once they run out).
    pub fn start_each(scripts: Vec<Vec<tungstenite::Message>>) -> ScriptedNotifications {
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

    pub fn client(&self) -> Arc<Client> {
        Arc::new(
            Client::from_json(
                &json!({"basePath": self.server.url(), "accessToken": "t", "logLevel": "warn"})
                    .to_string(),
            )
            .unwrap(),
        )
    }
}

pub fn notification(user: &str, message: &str) -> tungstenite::Message {
    let body = json!({
        "topicName": format!("v2.users.{user}.presence"),
        "eventBody": {"source": "PURECLOUD", "presenceDefinition": {"id": "d1", "systemPresence": "Away"},
                      "message": message, "modifiedDate": "2026-12-07T10:00:00.000Z"},
    });
    tungstenite::Message::text(body.to_string())
}

/// `POST /_sandbox/notifications/{what}`: drop, stall or socket-closing.
pub fn control(sandbox: &Sandbox, what: &str) {
    ureq::post(format!("{}/_sandbox/notifications/{what}", sandbox.url()))
        .send_empty()
        .unwrap();
}

/// Every event that comes within `period`.
pub fn events_within(watch: &Watch, period: Duration) -> Vec<WatchEvent> {
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
pub fn changes_of(events: &[WatchEvent], user: &str) -> Vec<(String, Origin)> {
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

pub fn reconnects(events: &[WatchEvent]) -> Vec<ReconnectReason> {
    events
        .iter()
        .filter_map(|event| match event {
            WatchEvent::Reconnected { reason } => Some(*reason),
            _ => None,
        })
        .collect()
}

/// A watch of `users(3)` with a 600 ms heartbeat timeout, on `sandbox`.
pub fn quick_watch(sandbox: &Sandbox) -> (Arc<Client>, Watch) {
    let client = client(sandbox);
    let mut options = WatchOptions::new(users(3));
    options.heartbeat_timeout = Duration::from_millis(600);
    let watch = Watch::start(Arc::clone(&client), options).unwrap();
    (client, watch)
}

pub fn stats_of(sandbox: &Sandbox, what: &str) -> u64 {
    stats(sandbox)[what].as_u64().unwrap()
}
