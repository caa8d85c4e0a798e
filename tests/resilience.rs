//! Tokens, retries, timeouts, proxies and logs, against scripted local servers.

mod common;

use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::proxy::connect_proxy;
use common::scripted::{Received, Reply, ScriptedServer};
use genesys_presence::log::LogLevel;
use genesys_presence::{Client, Error, ErrorKind};
use serde_json::{json, Value};

const SECRET: &str = "s3cret-never-logged";

fn client_of(config: Value) -> Client {
    Client::from_json(&config.to_string()).unwrap()
}

/// A client-credentials client of `server` (API and login on the same URL).
fn credentials_client(server: &ScriptedServer, extra: Value) -> Client {
    let mut config = json!({
        "basePath": server.url, "authBasePath": server.url,
        "clientId": "client-1", "clientSecret": SECRET,
    });
    config
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    client_of(config)
}

fn get_settings(client: &Client) -> Result<Value, Error> {
    client.call("getPresenceSettings", json!({}))
}

fn is_token_request(request: &Received) -> bool {
    request.target == "/oauth/token"
}

/// Answers token requests with numbered tokens (`tok-1`, ...) valid for
/// `expires_in`, and API requests with `api`.
fn login_and_api(
    expires_in: u64,
    api: impl Fn(&Received) -> Reply + Send + Sync + 'static,
) -> ScriptedServer {
    let issued = Mutex::new(0);
    ScriptedServer::start(move |request| {
        if is_token_request(request) {
            let mut issued = issued.lock().unwrap();
            *issued += 1;
            Reply::token(&format!("tok-{issued}"), expires_in).after(Duration::from_millis(200))
        } else {
            api(request)
        }
    })
}

#[test]
fn client_credentials_token_is_fetched_once_and_reused() {
    let server = login_and_api(3600, |_| Reply::json(200, "{}"));
    let client = credentials_client(&server, json!({}));
    for _ in 0..3 {
        get_settings(&client).unwrap();
    }
    let received = server.received();
    assert_eq!(received.len(), 4);
    let token_request = &received[0];
    assert_eq!(
        (token_request.method.as_str(), token_request.target.as_str()),
        ("POST", "/oauth/token")
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("client-1:{SECRET}"));
    assert_eq!(
        token_request.header("authorization"),
        Some(&*format!("Basic {basic}"))
    );
    assert_eq!(
        token_request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token_request.body_text(), "grant_type=client_credentials");
    for api_request in &received[1..] {
        assert_eq!(api_request.header("authorization"), Some("Bearer tok-1"));
    }
}

#[test]
fn token_is_renewed_before_it_expires() {
    let server = login_and_api(1, |_| Reply::json(200, "{}"));
    let client = credentials_client(&server, json!({}));
    get_settings(&client).unwrap();
    thread::sleep(Duration::from_millis(1000));
    get_settings(&client).unwrap();
    let bearers: Vec<_> = server
        .received()
        .iter()
        .filter(|request| !is_token_request(request))
        .map(|request| request.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(bearers, ["Bearer tok-1", "Bearer tok-2"]);
}

#[test]
fn a_401_renews_the_token_and_replays_once_never_in_a_loop() {
    let server = login_and_api(3600, |request| match request.header("authorization") {
        Some("Bearer tok-1") => Reply::json(
            401,
            r#"{"message":"expired","code":"bad.credentials","status":401}"#,
        ),
        _ => Reply::json(200, r#"{"id":"settings"}"#),
    });
    let client = credentials_client(&server, json!({}));
    assert_eq!(get_settings(&client).unwrap()["id"], "settings");
    assert_eq!(server.received().len(), 4, "token, 401, token, replay");

    let server = login_and_api(3600, |_| {
        Reply::json(
            401,
            r#"{"message":"nope","code":"bad.credentials","status":401}"#,
        )
    });
    let client = credentials_client(&server, json!({}));
    let error = get_settings(&client).unwrap_err();
    assert_eq!(
        (error.kind, error.details.status),
        (ErrorKind::Http, Some(401))
    );
    assert_eq!(
        server.received().len(),
        4,
        "one renewal, one replay, then the 401 is returned"
    );

    // A static token cannot be renewed: the 401 is returned at once.
    let server = ScriptedServer::sequence(vec![Reply::json(401, "{}")]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "static"}));
    assert_eq!(get_settings(&client).unwrap_err().details.status, Some(401));
    assert_eq!(server.received().len(), 1);
}

#[test]
fn first_calls_from_eight_threads_fetch_one_token() {
    let server = login_and_api(3600, |_| Reply::json(200, "{}"));
    let client = Arc::new(credentials_client(&server, json!({})));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = Arc::clone(&client);
            thread::spawn(move || get_settings(&client).unwrap())
        })
        .collect();
    threads.into_iter().for_each(|thread| {
        thread.join().unwrap();
    });
    let received = server.received();
    assert_eq!(
        received
            .iter()
            .filter(|request| is_token_request(request))
            .count(),
        1
    );
    assert_eq!(received.len(), 9);
}

#[test]
fn bad_credentials_are_an_auth_error_with_the_reason_and_never_the_secret() {
    let server = ScriptedServer::sequence(vec![Reply::json(
        401,
        r#"{"error":"invalid_client","description":"client authentication failed"}"#,
    )]);
    let client = credentials_client(&server, json!({}));
    let error = get_settings(&client).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Auth);
    assert!(
        error
            .message
            .contains("invalid_client: client authentication failed"),
        "{error}"
    );
    assert!(!error.to_json().contains(SECRET));
    assert_eq!(server.received().len(), 1, "no API call without a token");
}

#[test]
fn a_429_waits_for_retry_after_then_succeeds() {
    let server = ScriptedServer::sequence(vec![
        Reply::json(429, r#"{"message":"slow down"}"#).with_header("Retry-After", "1"),
        Reply::json(200, r#"{"ok":true}"#),
    ]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    let method_is_post = client
        .call("postPresenceSources", json!({"body": {"name": "Teams"}}))
        .unwrap();
    assert_eq!(method_is_post["ok"], true, "429 is retried even for a POST");
    let received = server.received();
    assert_eq!(received.len(), 2);
    let gap = received[1].at - received[0].at;
    assert!(gap >= Duration::from_millis(950), "waited {gap:?}");
}

#[test]
fn a_retry_after_beyond_the_configured_cap_is_returned_at_once() {
    // Every form of Retry-After against the default cap: hardening_faults.rs.
    let server = ScriptedServer::sequence(vec![
        Reply::json(429, "{}").with_header("Retry-After", "600")
    ]);
    let client = client_of(
        json!({"basePath": server.url, "accessToken": "t", "retry": {"maxRetryAfterSec": 5}}),
    );
    let started = Instant::now();
    let error = get_settings(&client).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        (error.details.status, error.details.retry_after_seconds),
        (Some(429), Some(600))
    );
    assert!(error.to_json().contains(r#""retryAfterSeconds":600"#));
    assert_eq!(server.received().len(), 1);
}

#[test]
fn transient_503s_are_retried_until_success() {
    let server = ScriptedServer::sequence(vec![
        Reply::json(503, "{}").with_header("Retry-After", "0"),
        Reply::json(503, "{}"),
        Reply::json(200, r#"{"id":"s"}"#),
    ]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    assert_eq!(get_settings(&client).unwrap()["id"], "s");
    assert_eq!(server.received().len(), 3);
}

#[test]
fn a_502_replays_idempotent_calls_only() {
    let server = ScriptedServer::sequence(vec![Reply::json(502, "{}")]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    let error = client
        .call("postPresenceSources", json!({"body": {"name": "x"}}))
        .unwrap_err();
    assert_eq!(error.details.status, Some(502));
    assert_eq!(
        server.received().len(),
        1,
        "a POST is never replayed after a 502"
    );

    let server = ScriptedServer::sequence(vec![Reply::json(502, "{}"), Reply::json(504, "{}")]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    client
        .call(
            "putPresenceSource",
            json!({"sourceId": "s", "body": {"name": "x"}}),
        )
        .unwrap();
    assert_eq!(server.received().len(), 3);
}

#[test]
fn retries_stop_at_max_retries_and_within_max_retry_time() {
    let server = ScriptedServer::start(|_| Reply::json(503, "{}").with_header("Retry-After", "0"));
    let client =
        client_of(json!({"basePath": server.url, "accessToken": "t", "retry": {"maxRetries": 2}}));
    assert_eq!(get_settings(&client).unwrap_err().details.status, Some(503));
    assert_eq!(server.received().len(), 3);

    let server = ScriptedServer::start(|_| Reply::json(503, "{}").with_header("Retry-After", "1"));
    let client = client_of(json!({
        "basePath": server.url, "accessToken": "t", "retry": {"maxRetries": 10, "maxRetryTimeMs": 1500}
    }));
    let started = Instant::now();
    assert_eq!(get_settings(&client).unwrap_err().details.status, Some(503));
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received().len(), 2);
}

#[test]
fn a_stalled_server_times_out() {
    let server = ScriptedServer::start(|_| Reply::Stall(Duration::from_secs(30)));
    let client = client_of(json!({
        "basePath": server.url, "accessToken": "t", "timeoutMs": 500, "retry": {"maxRetries": 0}
    }));
    let started = Instant::now();
    let error = get_settings(&client).unwrap_err();
    let took = started.elapsed();
    assert_eq!(error.kind, ErrorKind::Transport, "{error}");
    assert!(error.message.contains("timed out"), "{error}");
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn a_dropped_connection_is_replayed_only_when_idempotent() {
    // Which drops are transport errors: hardening_faults.rs.
    let server = ScriptedServer::sequence(vec![Reply::HangUp, Reply::json(200, r#"{"id":"s"}"#)]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    assert_eq!(get_settings(&client).unwrap()["id"], "s");
    assert_eq!(server.received().len(), 2, "the GET was replayed");

    let server = ScriptedServer::sequence(vec![Reply::HangUp]);
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    let error = client
        .call("postPresenceSources", json!({"body": {"name": "x"}}))
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Transport);
    assert_eq!(
        server.received().len(),
        1,
        "a POST that may have landed is not replayed"
    );
}

/// A whole HTTP/1.1 answer with a JSON body, as raw bytes.
fn answer(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

// The library skips one of ureq's two probes of a pooled connection (see
// transport.rs): these hold with the one left, and fail without either.

/// Two calls on one client, `pause` apart, never retried: `first` answers the
/// first (whose answer must be `{"id":"first"}`); returns the second's `id`.
fn second_answer_after(first: Reply, pause: Duration) -> Value {
    let server = ScriptedServer::sequence(vec![first, Reply::json(200, r#"{"id":"second"}"#)]);
    let client =
        client_of(json!({"basePath": server.url, "accessToken": "t", "retry": {"maxRetries": 0}}));
    assert_eq!(get_settings(&client).unwrap()["id"], "first");
    thread::sleep(pause);
    let second = get_settings(&client).unwrap()["id"].clone();
    assert_eq!(server.received().len(), 2);
    second
}

#[test]
fn a_connection_the_server_closed_after_answering_is_not_reused() {
    let closes = Reply::Raw(answer(r#"{"id":"first"}"#));
    assert_eq!(
        second_answer_after(closes, Duration::from_millis(100)),
        "second"
    );
}

#[test]
fn bytes_sent_after_an_answer_are_never_taken_for_the_next_answer() {
    let smuggles = Reply::Late {
        now: answer(r#"{"id":"first"}"#),
        later: answer(r#"{"id":"smuggled"}"#),
        after: Duration::from_millis(50),
    };
    assert_eq!(
        second_answer_after(smuggles, Duration::from_millis(200)),
        "second"
    );
}

#[test]
fn bodies_around_the_size_of_the_output_buffer_arrive_whole() {
    // The library sends a request's head with its body in one write when both
    // fit ureq's 128 KiB output buffer, and one after the other when not.
    let server = ScriptedServer::start(|_| Reply::json(200, r#"{"id":"s"}"#));
    let client = client_of(json!({"basePath": server.url, "accessToken": "t"}));
    let sizes = [0, 1, 130_000, 131_000, 131_072, 300_000];
    for size in sizes {
        let body = json!({"name": "x".repeat(size)}).to_string();
        let params = format!(r#"{{"body": {body}}}"#);
        client.call_json("postPresenceSources", &params).unwrap();
        let received = server.received().pop().unwrap();
        assert_eq!(received.body_text(), body, "a body of {size} bytes");
    }
    assert_eq!(server.received().len(), sizes.len());
}

#[test]
fn requests_go_through_a_configured_connect_proxy_with_credentials() {
    let server = ScriptedServer::sequence(vec![Reply::json(200, r#"{"via":"proxy"}"#)]);
    let (proxy, seen) = connect_proxy();
    let client = client_of(json!({"basePath": server.url, "accessToken": "t", "proxy": proxy}));
    assert_eq!(get_settings(&client).unwrap()["via"], "proxy");
    let target = server.url.trim_start_matches("http://");
    assert_eq!(
        seen.lock().unwrap()[0],
        format!("CONNECT {target} HTTP/1.1")
    );

    let bad = proxy.replace("user:pass", "user:wrong");
    let client = client_of(
        json!({"basePath": server.url, "accessToken": "t", "proxy": bad, "retry": {"maxRetries": 0}}),
    );
    assert_eq!(
        get_settings(&client).unwrap_err().kind,
        ErrorKind::Transport
    );
}

#[test]
fn one_log_line_per_request_with_its_status_retries_and_correlation_id() {
    // Secrets in log lines at every level: hardening_secrets.rs.
    let server = ScriptedServer::start(|request| {
        if is_token_request(request) {
            Reply::token("tok-SECRET-VALUE", 3600)
        } else if request.target.contains("flaky") {
            Reply::json(503, "{}")
                .with_header("Retry-After", "0")
                .with_header("inin-correlation-id", "corr-9")
        } else {
            Reply::json(200, "{}").with_header("inin-correlation-id", "corr-1")
        }
    });
    let client = credentials_client(
        &server,
        json!({"logLevel": "trace", "retry": {"maxRetries": 1}}),
    );
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    client.set_log_sink(Some(Arc::new(move |level: LogLevel, line: &str| {
        sink.lock()
            .unwrap()
            .push(format!("{}: {line}", level.as_str()));
    })));
    get_settings(&client).unwrap();
    let error = client
        .call("getPresenceSource", json!({"sourceId": "flaky"}))
        .unwrap_err();
    let lines = lines.lock().unwrap().clone();

    assert!(
        lines.iter().any(
            |line| line.starts_with("info: GET /api/v2/presence/settings -> 200 in ")
                && line.ends_with("(retries 0, correlation id corr-1)")
        ),
        "{lines:#?}"
    );
    assert!(lines
        .iter()
        .any(|line| line.starts_with("warn: retrying GET /api/v2/presence/sources/flaky")));
    assert!(lines
        .iter()
        .any(|line| line.contains("-> 503") && line.contains("retries 1, correlation id corr-9")));
    assert!(lines
        .iter()
        .any(|line| line.starts_with("debug: fetched a token")));
    assert!(
        error.to_json().contains("corr-9"),
        "the error carries the correlation id"
    );
}
