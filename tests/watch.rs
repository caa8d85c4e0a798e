//! Watches against the sandbox: initial and live events, waiting, closing,
//! freeing, several channels and their limit, the client's proxy, and every bad
//! input (reconnects: tests/watch_reconnects.rs).

mod common;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::take_string;
use common::watching::*;
use common::FfiClient;
use genesys_presence::ffi::watch::{
    gp_watch, gp_watch_close, gp_watch_free, gp_watch_new, gp_watch_next,
};
use genesys_presence::ffi::{GP_ERROR_INVALID_ARGUMENT, GP_OK};
use genesys_presence::watch::{Origin, WatchEvent};
use genesys_presence::{Client, Watch, WatchOptions};
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

#[test]
fn initial_presences_then_a_live_change_each_reported_once() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = client(&sandbox);
    let busy = definition(&client, "Busy");
    let mut options = WatchOptions::new(users(3));
    options.initial = true;
    let watch = Watch::start(Arc::clone(&client), options).unwrap();
    let mut initial: Vec<String> = (0..3)
        .map(|_| {
            let (user_id, _, origin) = next_presence(&watch);
            assert_eq!(origin, Origin::Initial);
            user_id
        })
        .collect();
    initial.sort();
    assert_eq!(initial, users(3));

    set_presence(&client, "watched-1", &busy, "in a meeting");
    let (user_id, presence, origin) = next_presence(&watch);
    assert_eq!(
        (user_id.as_str(), origin),
        ("watched-1", Origin::Notification)
    );
    let definition = presence.presence_definition.unwrap();
    assert_eq!(definition.id.as_deref(), Some(busy.as_str()));
    assert_eq!(definition.system_presence.as_deref(), Some("Busy"));
    assert_eq!(presence.message.as_deref(), Some("in a meeting"));
    assert!(presence.modified_date.is_some());

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
    refused_with(&server, 403, Some("missing.any.permissions"));
    refused.assert();
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
