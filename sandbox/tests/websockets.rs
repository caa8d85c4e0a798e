//! Notification websockets, over real sockets: presence changes arriving, heartbeats,
//! ping/pong, expiry, and what the socket refuses.

mod common;

use std::io::ErrorKind;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::client::{primary_definition, Client};
use common::{call, sandbox_with, Answer};
use presence_sandbox::Sandbox;
use serde_json::{json, Value};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::{Message, WebSocket};
use ureq::http::Method;

const CHANNELS: &str = "/api/v2/notifications/channels";
/// Longer than anything here should take to arrive.
const PATIENCE: Duration = Duration::from_secs(3);

type Socket = WebSocket<TcpStream>;

/// A channel subscribed to `users`' presence: its id and `connectUri`.
fn channel_for(sandbox: &Sandbox, users: &[&str]) -> (String, String) {
    let created = call(sandbox, Method::POST, CHANNELS, None);
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let topics: Value = users
        .iter()
        .map(|user| json!({"id": format!("v2.users.{user}.presence")}))
        .collect();
    let path = format!("{CHANNELS}/{id}/subscriptions");
    assert_eq!(call(sandbox, Method::PUT, &path, Some(&topics)).status, 200);
    (id, created.body["connectUri"].as_str().unwrap().to_owned())
}

/// A websocket on `uri` whose reads give up after `PATIENCE`.
fn connect(uri: &str) -> Socket {
    let address = uri
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .unwrap();
    let stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let (socket, response) = tungstenite::client(uri, stream).expect("handshake");
    assert_eq!(response.status().as_u16(), 101);
    socket
}

/// The next text message as JSON; `None` if nothing comes within `wait`.
fn next_json(socket: &mut Socket, wait: Duration) -> Option<Value> {
    socket.get_mut().set_read_timeout(Some(wait)).unwrap();
    loop {
        match socket.read() {
            Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Message::Close(frame)) => panic!("closed: {frame:?}"),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
            {
                return None
            }
            Err(e) => panic!("read failed: {e}"),
        }
    }
}

/// The next message that is not a heartbeat.
fn next_event(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = next_json(socket, left.max(Duration::from_millis(1)))?;
        if message["eventBody"]["message"] != "WebSocket Heartbeat" {
            return Some(message);
        }
    }
}

/// The close frame's code, reading past anything else; `None` for a close without one.
fn close_code(socket: &mut Socket) -> Option<CloseCode> {
    socket.get_mut().set_read_timeout(Some(PATIENCE)).unwrap();
    loop {
        match socket.read() {
            Ok(Message::Close(frame)) => return frame.map(|frame| frame.code),
            Ok(_) => {}
            Err(e) => panic!("no close frame: {e}"),
        }
    }
}

fn patch(sandbox: &Sandbox, user: &str, body: Value) -> Answer {
    let path = format!("/api/v2/users/{user}/presences/purecloud");
    let answer = call(sandbox, Method::PATCH, &path, Some(&body));
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

fn definition_id(sandbox: &Sandbox, system_presence: &str) -> String {
    primary_definition(&Client::new(sandbox), system_presence)
}

#[test]
fn a_subscribed_users_patch_arrives_and_others_do_not() {
    let sandbox = sandbox_with(|_| {});
    let busy = definition_id(&sandbox, "Busy");
    let (_, uri) = channel_for(&sandbox, &["a"]);
    let mut socket = connect(&uri);

    patch(&sandbox, "b", json!({"message": "not listened to"}));
    let changed = patch(
        &sandbox,
        "a",
        json!({"presenceDefinition": {"id": busy}, "message": "heads down"}),
    );
    let answered = Instant::now();
    let event = next_event(&mut socket, PATIENCE).expect("an event");
    let latency = answered.elapsed();
    assert!(latency < Duration::from_millis(100), "{latency:?}");
    assert_eq!(event["topicName"], "v2.users.a.presence");
    assert_eq!(event["version"], "2");
    let body = &event["eventBody"];
    assert_eq!(body["source"], "PURECLOUD");
    assert_eq!(body["presenceDefinition"]["id"], busy.as_str());
    assert_eq!(body["presenceDefinition"]["systemPresence"], "Busy");
    assert_eq!(body["message"], "heads down");
    assert_eq!(body["modifiedDate"], changed.body["modifiedDate"]);
    assert!(event["metadata"]["CorrelationId"].is_string());
    // b's change came first and was not sent; nothing else follows.
    assert_eq!(next_event(&mut socket, Duration::from_millis(300)), None);
}

#[test]
fn a_bulk_put_sends_each_subscribed_users_change() {
    let sandbox = sandbox_with(|_| {});
    let away = definition_id(&sandbox, "Away");
    let (_, uri) = channel_for(&sandbox, &["a", "c"]);
    let mut socket = connect(&uri);
    let items: Value = ["a", "b", "c"]
        .iter()
        .map(|user| json!({"id": user, "presenceDefinition": {"id": away}}))
        .collect();
    let put = call(
        &sandbox,
        Method::PUT,
        "/api/v2/users/presences/bulk",
        Some(&items),
    );
    assert_eq!(put.status, 200, "{}", put.body);
    let mut topics: Vec<String> = (0..2)
        .map(|_| next_event(&mut socket, PATIENCE).expect("an event"))
        .map(|event| {
            assert_eq!(
                event["eventBody"]["presenceDefinition"]["systemPresence"],
                "Away"
            );
            event["topicName"].as_str().unwrap().to_owned()
        })
        .collect();
    topics.sort();
    assert_eq!(topics, ["v2.users.a.presence", "v2.users.c.presence"]);
    assert_eq!(next_event(&mut socket, Duration::from_millis(300)), None);
}

#[test]
fn nothing_is_replayed_to_a_socket_that_connects_later() {
    let sandbox = sandbox_with(|_| {});
    let (_, uri) = channel_for(&sandbox, &["a"]);
    patch(&sandbox, "a", json!({"message": "before"}));
    let mut socket = connect(&uri);
    assert_eq!(next_event(&mut socket, Duration::from_millis(300)), None);
    patch(&sandbox, "a", json!({"message": "after"}));
    let event = next_event(&mut socket, PATIENCE).unwrap();
    assert_eq!(event["eventBody"]["message"], "after");
}

#[test]
fn heartbeats_and_pongs() {
    let sandbox = sandbox_with(|options| options.heartbeat_secs = 1);
    let (_, uri) = channel_for(&sandbox, &["a"]);
    let mut socket = connect(&uri);
    socket
        .send(Message::text(json!({"message": "ping"}).to_string()))
        .unwrap();
    let pong = next_json(&mut socket, PATIENCE).unwrap();
    assert_eq!(
        pong,
        json!({"topicName": "channel.metadata", "eventBody": {"message": "pong"}})
    );
    let started = Instant::now();
    for _ in 0..2 {
        let heartbeat = next_json(&mut socket, PATIENCE).unwrap();
        assert_eq!(
            heartbeat,
            json!({"topicName": "channel.metadata", "eventBody": {"message": "WebSocket Heartbeat"}})
        );
    }
    let elapsed = started.elapsed();
    assert!(elapsed > Duration::from_millis(1500), "{elapsed:?}");
}

#[test]
fn an_expiring_channel_says_socket_closing_then_closes() {
    let sandbox = sandbox_with(|options| options.channel_ttl_secs = 2);
    let (id, uri) = channel_for(&sandbox, &["a"]);
    let opened = Instant::now();
    let mut socket = connect(&uri);
    let closing = next_event(&mut socket, PATIENCE).expect("socket_closing");
    assert_eq!(closing["topicName"], "v2.system.socket_closing");
    assert!(opened.elapsed() < Duration::from_millis(1900));
    assert_eq!(close_code(&mut socket), Some(CloseCode::Normal));
    assert!(opened.elapsed() >= Duration::from_millis(1500));
    let gone = call(
        &sandbox,
        Method::GET,
        &format!("{CHANNELS}/{id}/subscriptions"),
        None,
    );
    assert_eq!(gone.status, 404);
}

#[test]
fn the_channel_closed_for_a_twenty_first_closes_its_socket() {
    let sandbox = sandbox_with(|_| {});
    let (_, uri) = channel_for(&sandbox, &["a"]);
    let mut socket = connect(&uri);
    for _ in 0..20 {
        channel_for(&sandbox, &[]);
    }
    assert_eq!(close_code(&mut socket), Some(CloseCode::Normal));
}

#[test]
fn unknown_channels_are_refused_at_the_handshake() {
    let sandbox = sandbox_with(|_| {});
    let uri = format!("ws://{}/channels/no-such-channel", sandbox.address());
    let stream = TcpStream::connect(sandbox.address()).unwrap();
    match tungstenite::client(uri.as_str(), stream) {
        Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(response))) => {
            assert_eq!(response.status().as_u16(), 404);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(body["code"], "not.found");
        }
        other => panic!("expected a 404, got {:?}", other.map(|(_, r)| r.status())),
    }
}

#[test]
fn binary_and_oversized_messages_close_the_socket() {
    let sandbox = sandbox_with(|_| {});
    let (_, uri) = channel_for(&sandbox, &["a"]);

    let mut socket = connect(&uri);
    socket.send(Message::binary(vec![1, 2, 3])).unwrap();
    assert_eq!(close_code(&mut socket), Some(CloseCode::Unsupported));

    let mut socket = connect(&uri);
    socket.send(Message::text("x".repeat(65 * 1024))).unwrap();
    assert_eq!(close_code(&mut socket), Some(CloseCode::Size));

    // The channel still serves a new socket.
    let mut socket = connect(&uri);
    patch(&sandbox, "a", json!({"message": "still here"}));
    assert!(next_event(&mut socket, PATIENCE).is_some());
}

#[test]
fn two_hundred_sockets_all_receive_an_event() {
    let sandbox = sandbox_with(|_| {});
    let mut sockets: Vec<Socket> = (0..10)
        .flat_map(|_| {
            let (_, uri) = channel_for(&sandbox, &["a"]);
            (0..20).map(move |_| connect(&uri)).collect::<Vec<_>>()
        })
        .collect();
    let stats = call(&sandbox, Method::GET, "/_sandbox/stats", None);
    assert_eq!(stats.body["websockets"], 200);
    assert_eq!(stats.body["channels"], 10);
    patch(&sandbox, "a", json!({"message": "everyone"}));
    for (index, socket) in sockets.iter_mut().enumerate() {
        let event = next_event(socket, PATIENCE).unwrap_or_else(|| panic!("socket {index}"));
        assert_eq!(event["eventBody"]["message"], "everyone");
    }
}

/// `POST /_sandbox/notifications/{name}`: how many websockets were told.
fn control(sandbox: &Sandbox, name: &str) -> u64 {
    let answer = call(
        sandbox,
        Method::POST,
        &format!("/_sandbox/notifications/{name}"),
        None,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["websockets"].as_u64().unwrap()
}

/// Waits for `/_sandbox/stats` to count `open` websockets.
fn await_open_sockets(sandbox: &Sandbox, open: u64) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stats = call(sandbox, Method::GET, "/_sandbox/stats", None);
        if stats.body["websockets"] == open {
            return;
        }
        assert!(Instant::now() < deadline, "still {}", stats.body);
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn drop_closes_every_socket_without_a_close_frame() {
    let sandbox = sandbox_with(|_| {});
    let (_, uri) = channel_for(&sandbox, &["a"]);
    let mut sockets: Vec<Socket> = (0..3).map(|_| connect(&uri)).collect();
    assert_eq!(control(&sandbox, "drop"), 3);
    for socket in &mut sockets {
        match socket.read() {
            Err(tungstenite::Error::Protocol(
                tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            )) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::ConnectionReset => {}
            other => panic!("expected an abrupt close, got {other:?}"),
        }
    }
    await_open_sockets(&sandbox, 0);
    // The channel lives on: a new socket hears the next change.
    let mut socket = connect(&uri);
    patch(&sandbox, "a", json!({"message": "after the drop"}));
    assert!(next_event(&mut socket, PATIENCE).is_some());
}

#[test]
fn stall_keeps_the_socket_open_and_silent() {
    let sandbox = sandbox_with(|options| options.heartbeat_secs = 1);
    let (_, uri) = channel_for(&sandbox, &["a"]);
    let mut socket = connect(&uri);
    assert_eq!(control(&sandbox, "stall"), 1);
    patch(&sandbox, "a", json!({"message": "never sent"}));
    socket
        .send(Message::text(json!({"message": "ping"}).to_string()))
        .unwrap();
    // No event, no pong, no heartbeat: nothing at all for longer than a heartbeat.
    assert_eq!(next_json(&mut socket, Duration::from_millis(1500)), None);
    let stats = call(&sandbox, Method::GET, "/_sandbox/stats", None);
    assert_eq!(stats.body["websockets"], 1);
}

#[test]
fn socket_closing_warns_then_closes_a_second_later() {
    let sandbox = sandbox_with(|_| {});
    let (_, uri) = channel_for(&sandbox, &["a"]);
    let mut socket = connect(&uri);
    let told = Instant::now();
    assert_eq!(control(&sandbox, "socket-closing"), 1);
    let closing = next_json(&mut socket, PATIENCE).unwrap();
    assert_eq!(closing["topicName"], "v2.system.socket_closing");
    assert_eq!(close_code(&mut socket), Some(CloseCode::Normal));
    let elapsed = told.elapsed();
    assert!(
        (Duration::from_millis(900)..Duration::from_millis(2500)).contains(&elapsed),
        "{elapsed:?}"
    );
}

#[test]
fn controls_with_no_socket_open_tell_none() {
    let sandbox = sandbox_with(|_| {});
    for name in ["drop", "stall", "socket-closing"] {
        assert_eq!(control(&sandbox, name), 0);
    }
    let unknown = call(
        &sandbox,
        Method::POST,
        "/_sandbox/notifications/explode",
        None,
    );
    assert_eq!(unknown.status, 404);
    assert!(unknown.body["message"]
        .as_str()
        .unwrap()
        .contains("explode"));
    let wrong = call(&sandbox, Method::GET, "/_sandbox/notifications/drop", None);
    assert_eq!(wrong.status, 405);
}

#[test]
fn a_client_that_never_reads_is_closed_and_slows_no_one() {
    let sandbox = sandbox_with(|_| {});
    let users: Vec<String> = (0..50).map(|n| format!("user-{n}")).collect();
    let user_refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let (_, uri) = channel_for(&sandbox, &user_refs);
    let _never_reads = connect(&uri);
    let mut reader = connect(&uri);
    await_open_sockets(&sandbox, 2);

    // 40 bulk writes of 50 users with 10 KB messages: 2,000 events, 20 MB per socket,
    // far past what the kernel buffers and the queue hold for the one that never reads.
    let message = "m".repeat(10 * 1024);
    let items: Value = users
        .iter()
        .map(|user| json!({"id": user, "message": message}))
        .collect();
    let reading = std::thread::spawn(move || {
        let mut received = 0;
        while received < 2000 {
            next_event(&mut reader, PATIENCE).expect("the reading socket keeps up");
            received += 1;
        }
        received
    });
    let started = Instant::now();
    for _ in 0..40 {
        let put = call(
            &sandbox,
            Method::PUT,
            "/api/v2/users/presences/bulk",
            Some(&items),
        );
        assert_eq!(put.status, 200);
    }
    let writing = started.elapsed();
    assert!(writing < Duration::from_secs(10), "{writing:?}");
    assert_eq!(reading.join().unwrap(), 2000);
    // The one that never read is given up on; the reader is still open.
    await_open_sockets(&sandbox, 1);
}
