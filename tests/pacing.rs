//! Pacing (`rateLimit`): the client stays inside the sandbox's rate limit from
//! every thread, so steady work sees no 429.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{sandbox_with, TOKEN};
use genesys_presence::{Client, ErrorKind};
use presence_sandbox::Sandbox;
use serde_json::{json, Value};

fn stats(sandbox: &Sandbox) -> Value {
    let mut answer = ureq::get(format!("{}/_sandbox/stats", sandbox.url()))
        .call()
        .unwrap();
    serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap()
}

/// Four threads each reading `users` users at concurrency 4 through one client
/// with `rate_limit`; how long it took and how many 429s the sandbox answered.
fn four_threads_of_bulk_reads(rate_limit: Value, users: usize) -> (Duration, u64) {
    let sandbox = sandbox_with(|options| options.rate_limit = Some("20/2s".parse().unwrap()));
    let config = json!({"basePath": sandbox.url(), "accessToken": TOKEN, "rateLimit": rate_limit,
                        "retry": {"maxRetries": 10}});
    let client = Arc::new(Client::from_json(&config.to_string()).unwrap());
    let started = Instant::now();
    let threads: Vec<_> = (0..4)
        .map(|thread| {
            let client = Arc::clone(&client);
            thread::spawn(move || {
                let ids: Vec<String> = (0..users).map(|n| format!("t{thread}-u{n}")).collect();
                client.bulk_get_presences(None, &ids, 4).unwrap().len()
            })
        })
        .collect();
    for handle in threads {
        assert_eq!(handle.join().unwrap(), users);
    }
    let refused = stats(&sandbox)["statuses"]["429"].as_u64().unwrap_or(0);
    (started.elapsed(), refused)
}

#[test]
fn four_threads_of_bulk_reads_stay_inside_the_announced_limit() {
    // 48 requests at 20 per 2 s: three windows.
    let (took, refused) = four_threads_of_bulk_reads(json!("auto"), 600);
    assert_eq!(refused, 0, "no 429");
    assert!(took < Duration::from_secs(7), "{took:?}");
    // The same work unpaced meets the limit (and retries through it).
    let (_, refused) = four_threads_of_bulk_reads(json!("off"), 600);
    assert!(refused > 0, "unpaced, the sandbox refused some");
}

#[test]
fn a_number_paces_to_that_many_requests_a_minute() {
    let sandbox = sandbox_with(|_| {});
    let config = json!({"basePath": sandbox.url(), "accessToken": TOKEN, "rateLimit": 600});
    let client = Client::from_json(&config.to_string()).unwrap();
    // 600 a minute is 10 a second, in any minute: the 11th request of a burst waits
    // until the first is a minute old.
    let started = Instant::now();
    for _ in 0..10 {
        client.call("getPresenceSettings", json!({})).unwrap();
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    let config = json!({"basePath": sandbox.url(), "accessToken": TOKEN, "rateLimit": "2"});
    let client = Client::from_json(&config.to_string()).unwrap();
    client.call("getPresenceSettings", json!({})).unwrap();
    client.call("getPresenceSettings", json!({})).unwrap();
    let cancel = genesys_presence::Cancel::new();
    cancel.request();
    let options = genesys_presence::CallOptions {
        cancel: Some(&cancel),
        progress: None,
    };
    let started = Instant::now();
    let error = client
        .call_with("getPresenceSettings", "{}", options)
        .unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::Cancelled,
        "a cancel does not wait out a pause"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn bad_rate_limits_are_refused_with_the_key() {
    for (value, expected) in [
        (json!("fast"), "rateLimit"),
        (json!(0), "not from 1 to"),
        (json!(-5), "rateLimit"),
        (json!(true), "rateLimit"),
        (json!("0"), "not from 1 to"),
        (json!(10_000_000), "not from 1 to"),
    ] {
        let error = Client::from_json(&json!({ "rateLimit": value }).to_string()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidArgument);
        assert!(error.message.contains(expected), "{value}: {error}");
    }
    for value in [json!("auto"), json!("off"), json!(300), json!("300")] {
        assert!(Client::from_json(&json!({ "rateLimit": value }).to_string()).is_ok());
    }
}
