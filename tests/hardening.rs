//! Hardening: loaded into someone else's process, the library never crashes it,
//! leaks, hangs past its timeout, or lets hostile data change what it sends.
//!
//! Faults are injected by scripted loopback servers (refused, reset and
//! truncated connections, bodies that are not JSON, gigantic and trickling
//! answers, every kind of `Retry-After`), each followed by a normal call on the
//! same client; hostile input goes through the C ABI and the request target the
//! server received is checked byte for byte; secrets are looked for in every
//! error, log line, `Debug` output and panic message.

mod common;

use std::ffi::CString;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::ptr::null_mut;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use common::scripted::{Reply, ScriptedServer};
use common::{client_new, resident_bytes, take_string, FfiClient};
use genesys_presence::ffi::bulk::{
    gp_get_users_presences_bulk_all, gp_put_users_presences_bulk_all,
};
use genesys_presence::ffi::client::gp_client_set_access_token;
use genesys_presence::ffi::operations::OperationFunction;
use genesys_presence::log::LogLevel;
use genesys_presence::operations::MAX_PARAMS_BYTES;
use genesys_presence::{Client, ErrorKind};
use serde_json::{json, Value};

const INVALID_ARGUMENT: i32 = 1;
const HTTP: i32 = 2;
const TRANSPORT: i32 = 3;
const AUTH: i32 = 4;
const DECODE: i32 = 5;

const MIB: u64 = 1024 * 1024;

/// A C-ABI client of `url` with a static token and `extra` config keys.
fn client_with(url: &str, extra: Value) -> FfiClient {
    let mut config = json!({"basePath": url, "accessToken": common::TOKEN});
    config
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    FfiClient::new(&config)
}

/// A client that reports the first failure instead of retrying it.
fn no_retry_client(url: &str) -> FfiClient {
    client_with(url, json!({"retry": {"maxRetries": 0}}))
}

/// A server answering `replies` in turn, each followed by the `{}` of the
/// normal call that checks the client still works after it.
fn each_then_ok(replies: impl IntoIterator<Item = Reply>) -> ScriptedServer {
    ScriptedServer::sequence(
        replies
            .into_iter()
            .flat_map(|reply| [reply, Reply::json(200, "{}")])
            .collect(),
    )
}

/// The normal call after every fault: scripted servers answer it `{}` once
/// their faults are used up, and it must succeed on the same client.
fn assert_still_works(client: &FfiClient) {
    assert_eq!(client.ok("getPresenceSettings", &json!({})), json!({}));
}

fn get_settings_error(client: &FfiClient, status: i32) -> Value {
    client.err("getPresenceSettings", &json!({}), status)
}

fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap()
}

/// Tests that measure the process's memory take this lock, so that no other
/// large allocation of this test binary runs at the same time.
fn memory_lock() -> MutexGuard<'static, ()> {
    static MEMORY: Mutex<()> = Mutex::new(());
    MEMORY.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn head(status_line: &str, headers: &[&str]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status_line}\r\n");
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

fn with_body(mut head: Vec<u8>, body: &str) -> Vec<u8> {
    head.extend_from_slice(body.as_bytes());
    head
}

#[test]
fn a_refused_connection_is_a_transport_error_and_the_client_works_once_the_server_is_back() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = no_retry_client(&format!("http://127.0.0.1:{port}"));
    let error = get_settings_error(&client, TRANSPORT);
    assert_eq!(error["kind"], "transport");
    assert!(error["status"].is_null(), "{error}");

    let _server = ScriptedServer::start_on(port, |_| Reply::json(200, "{}"));
    assert_still_works(&client);
}

#[test]
fn connections_dropped_before_or_during_the_response_are_transport_errors() {
    let faults: [(&str, Reply, Option<u16>); 9] = [
        ("closed before answering", Reply::HangUp, None),
        ("reset before answering", Reply::Reset(Vec::new()), None),
        (
            "closed inside the status line",
            Reply::Raw(b"HTTP/1.1 20".to_vec()),
            None,
        ),
        (
            "closed inside the headers",
            Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Le".to_vec()),
            None,
        ),
        (
            "closed 10 bytes into a 1000-byte body",
            Reply::Raw(with_body(
                head("200 OK", &["Content-Length: 1000"]),
                r#"{"id": "x"#,
            )),
            Some(200),
        ),
        (
            "reset 10 bytes into a 1000-byte body",
            Reply::Reset(with_body(
                head("200 OK", &["Content-Length: 1000"]),
                r#"{"id": "x"#,
            )),
            Some(200),
        ),
        (
            "closed inside a chunked body",
            Reply::Raw(with_body(
                head("200 OK", &["Transfer-Encoding: chunked"]),
                "20\r\n{\"id\": ",
            )),
            Some(200),
        ),
        (
            "closed inside an error body",
            Reply::Raw(with_body(
                head("500 Internal Server Error", &["Content-Length: 100"]),
                "{\"mess",
            )),
            Some(500),
        ),
        (
            "not HTTP at all",
            Reply::Raw(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()),
            None,
        ),
    ];
    // One client through every fault, each followed by a normal call: a broken
    // connection must never be handed back to the pool.
    let server = each_then_ok(faults.iter().map(|(_, fault, _)| fault.clone()));
    let client = no_retry_client(&server.url);
    for (what, _, status) in &faults {
        let (got, json) = client.call(Some("getPresenceSettings"), Some("{}"));
        assert_eq!(got, TRANSPORT, "{what}: {json}");
        let error: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(error["kind"], "transport", "{what}");
        assert_eq!(
            error["status"].as_u64(),
            status.map(u64::from),
            "{what}: {json}"
        );
        assert_still_works(&client);
    }
}

#[test]
fn two_hundreds_whose_body_is_not_the_documented_json_are_decode_errors() {
    let unclosed = "[".repeat(100_000);
    let cases = [
        (r#"{"id": "trunc"#.to_owned(), "not JSON"),
        ("<html><body>OK</body></html>".to_owned(), "not JSON"),
        ("\u{feff}{}".to_owned(), "not JSON"),
        ("{} {}".to_owned(), "not JSON"),
        (
            "[1, 2]".to_owned(),
            "expected a JSON object (PresenceSettings)",
        ),
        (unclosed, "EOF while parsing a list"),
        (
            deep_json(100_000),
            "expected a JSON object (PresenceSettings)",
        ),
    ];
    let server =
        each_then_ok(cases.iter().map(|(body, _)| {
            Reply::json(200, body).with_header("inin-correlation-id", "corr-decode")
        }));
    let client = no_retry_client(&server.url);
    for (body, expected) in &cases {
        let error = get_settings_error(&client, DECODE);
        let start: String = body.chars().take(20).collect();
        assert!(message(&error).contains(expected), "{start}: {error}");
        assert_eq!(
            (error["status"].as_u64(), error["correlationId"].as_str()),
            (Some(200), Some("corr-decode"))
        );
        assert_still_works(&client);
    }
}

#[test]
fn a_deeply_nested_2xx_list_is_checked_without_recursion() {
    // Syntax is checked without building the value (no recursion, so no stack
    // to overflow) and the text is handed over as the server sent it.
    let deep = deep_json(100_000);
    let server = ScriptedServer::sequence(vec![Reply::json(200, &deep)]);
    let client = no_retry_client(&server.url);
    let (status, json) = client.call(Some("getSystempresences"), Some("{}"));
    assert_eq!((status, json == deep), (0, true));
    assert_still_works(&client);
}

#[test]
fn error_pages_that_are_not_json_still_give_a_readable_message() {
    let html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n";
    let long_page = format!("<html><body>{}</body></html>", "x".repeat(50_000));
    let cases: Vec<(Reply, u16, String)> = vec![
        (
            Reply::Respond {
                status: 502,
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: html.as_bytes().to_vec(),
                delay: Duration::ZERO,
            },
            502,
            "HTTP 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body> \
             <center><h1>502 Bad Gateway</h1></center> </body> </html>"
                .to_owned(),
        ),
        (
            Reply::json(404, &long_page),
            404,
            format!(
                "HTTP 404 Not Found: {}",
                long_page.chars().take(200).collect::<String>()
            ),
        ),
        (
            Reply::json(500, ""),
            500,
            "HTTP 500 Internal Server Error: empty body".to_owned(),
        ),
        (
            Reply::json(503, "\r\n  \t"),
            503,
            "HTTP 503 Service Unavailable: empty body".to_owned(),
        ),
        (
            Reply::json(400, "[1, 2]"),
            400,
            "HTTP 400 Bad Request: [1, 2]".to_owned(),
        ),
        (
            Reply::json(418, &"[".repeat(100_000)),
            418,
            format!("HTTP 418 I'm a teapot: {}", "[".repeat(200)),
        ),
        (
            Reply::json(599, r#"{"message": "custom status"}"#),
            599,
            "HTTP 599 : custom status".to_owned(),
        ),
    ];
    let server = each_then_ok(cases.iter().map(|(reply, _, _)| reply.clone()));
    let client = no_retry_client(&server.url);
    for (_, status, expected) in &cases {
        let error = get_settings_error(&client, HTTP);
        assert_eq!(message(&error), expected);
        assert_eq!(error["status"].as_u64(), Some(u64::from(*status)));
        assert!(error["code"].is_null(), "{error}");
        assert_still_works(&client);
    }
}

#[test]
fn a_gigantic_body_stops_at_max_response_bytes_with_memory_bounded() {
    let _memory = memory_lock();
    let offered = 512 * MIB;
    let framings = [
        head("200 OK", &[&format!("Content-Length: {offered}")]),
        head("200 OK", &["Transfer-Encoding: chunked"]),
        // Neither: the body runs until the connection closes.
        head("200 OK", &[]),
        head(
            "500 Internal Server Error",
            &[&format!("Content-Length: {offered}")],
        ),
    ];
    let chunk = |chunked: bool| {
        let data = "x".repeat(64 * 1024);
        if chunked {
            format!("{:x}\r\n{data}\r\n", data.len()).into_bytes()
        } else {
            data.into_bytes()
        }
    };
    let server = each_then_ok(
        framings
            .iter()
            .enumerate()
            .map(|(index, head)| Reply::Stream {
                head: head.clone(),
                chunk: chunk(index == 1),
                total: offered,
            }),
    );
    let client = client_with(
        &server.url,
        json!({"maxResponseBytes": MIB, "retry": {"maxRetries": 0}}),
    );
    let before = resident_bytes();
    for _ in &framings {
        let started = Instant::now();
        let error = get_settings_error(&client, DECODE);
        assert_eq!(message(&error), "response body larger than 1048576 bytes");
        assert!(started.elapsed() < Duration::from_secs(10), "{error}");
        assert_still_works(&client);
    }
    let grown = resident_bytes().saturating_sub(before);
    assert!(
        grown < 64 * MIB,
        "memory grew by {} MiB for 4 × 512 MiB offered",
        grown / MIB
    );
}

#[test]
fn the_default_response_limit_is_32_mib() {
    let _memory = memory_lock();
    let server = ScriptedServer::sequence(vec![Reply::Stream {
        head: head("200 OK", &[]),
        chunk: vec![b' '; 1024 * 1024],
        total: 128 * MIB,
    }]);
    let client = no_retry_client(&server.url);
    let before = resident_bytes();
    let error = get_settings_error(&client, DECODE);
    assert_eq!(message(&error), "response body larger than 33554432 bytes");
    let grown = resident_bytes().saturating_sub(before);
    assert!(grown < 100 * MIB, "memory grew by {} MiB", grown / MIB);
    assert_still_works(&client);
}

#[test]
fn endless_headers_are_refused_without_exhausting_memory() {
    let _memory = memory_lock();
    let server = ScriptedServer::sequence(vec![Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\n".to_vec(),
        chunk: format!("X-Filler: {}\r\n", "a".repeat(1000)).into_bytes(),
        total: 256 * MIB,
    }]);
    let client = no_retry_client(&server.url);
    let before = resident_bytes();
    let error = get_settings_error(&client, TRANSPORT);
    assert!(message(&error).contains("header"), "{error}");
    let grown = resident_bytes().saturating_sub(before);
    assert!(grown < 32 * MIB, "memory grew by {} MiB", grown / MIB);
    assert_still_works(&client);
}

/// A complete, valid response, written one byte per 100 ms (about 9 s).
fn trickled_response() -> Reply {
    Reply::Trickle {
        bytes: with_body(
            head("200 OK", &["Content-Length: 40"]),
            r#"{"id": "trickled", "name": "slow......"}"#,
        ),
        every: Duration::from_millis(100),
    }
}

#[test]
fn a_server_trickling_one_byte_per_100_ms_never_holds_a_call_past_its_timeout() {
    let server = ScriptedServer::sequence(vec![trickled_response()]);
    let client = client_with(
        &server.url,
        json!({"timeoutMs": 1000, "retry": {"maxRetries": 0}}),
    );
    let started = Instant::now();
    let error = get_settings_error(&client, TRANSPORT);
    let took = started.elapsed();
    assert!(message(&error).contains("timed out"), "{error}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2000),
        "{took:?}"
    );
    assert_still_works(&client);

    // With retries on, the whole call, waits included, stays within
    // maxRetryTimeMs: the last attempt's timeout is cut to what is left.
    let server = ScriptedServer::start(|_| trickled_response());
    let client = client_with(
        &server.url,
        json!({"timeoutMs": 1000, "retry": {"maxRetries": 5, "maxRetryTimeMs": 1500}}),
    );
    let started = Instant::now();
    let error = get_settings_error(&client, TRANSPORT);
    let took = started.elapsed();
    assert!(message(&error).contains("timed out"), "{error}");
    assert!(took < Duration::from_millis(2500), "{took:?}");
}

/// Where a `429` with some `Retry-After` leaves a call: retried once the wait
/// is between the two bounds, or returned at once with `retryAfterSeconds`.
enum Expect {
    RetriedWithin(Duration, Duration),
    Returned(u64),
}

#[test]
fn every_kind_of_retry_after_gives_the_documented_outcome() {
    let date_in =
        |seconds| httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(seconds));
    let millis = Duration::from_millis;
    let at_once = || Expect::RetriedWithin(Duration::ZERO, millis(300));
    // The first backoff: between 100 and 200 ms.
    let backoff = || Expect::RetriedWithin(millis(90), millis(600));
    // Dates are formatted now; the cases before one take time (more so under a
    // sanitizer), which its expected seconds must allow for.
    let formatted = Instant::now();
    let cases = [
        ("0".to_owned(), at_once()),
        ("-5".to_owned(), backoff()),
        ("1.5".to_owned(), backoff()),
        ("soon".to_owned(), backoff()),
        ("".to_owned(), backoff()),
        ("99999999999999999999999".to_owned(), backoff()),
        ("Wed, 21 Oct 2015 07:28:00 GMT".to_owned(), at_once()),
        (
            date_in(1),
            Expect::RetriedWithin(Duration::ZERO, millis(1300)),
        ),
        // Beyond the default maxRetryAfterSec of 180.
        ("181".to_owned(), Expect::Returned(181)),
        (
            "18446744073709551615".to_owned(),
            Expect::Returned(u64::MAX),
        ),
        (date_in(3600), Expect::Returned(3600)),
    ];
    for (retry_after, expect) in cases {
        let server = ScriptedServer::sequence(vec![
            Reply::json(429, r#"{"message": "slow down"}"#)
                .with_header("Retry-After", &retry_after),
            Reply::json(200, "{}"),
            Reply::json(200, "{}"),
        ]);
        let client = client_with(&server.url, json!({"retry": {"maxRetries": 1}}));
        let started = Instant::now();
        match expect {
            Expect::RetriedWithin(at_least, at_most) => {
                assert_still_works(&client);
                let received = server.received();
                assert_eq!(received.len(), 2, "{retry_after:?}");
                let gap = received[1].at - received[0].at;
                assert!(
                    gap >= at_least && gap <= at_most,
                    "{retry_after:?}: waited {gap:?}"
                );
            }
            Expect::Returned(seconds) => {
                let error = get_settings_error(&client, HTTP);
                assert!(
                    started.elapsed() < Duration::from_millis(500),
                    "{retry_after:?}"
                );
                assert_eq!(error["status"], 429);
                let got = error["retryAfterSeconds"].as_u64().unwrap();
                // A date is rounded up to whole seconds from a clock that moved on.
                let slack = match retry_after.parse::<u64>() {
                    Ok(_) => 0,
                    Err(_) => 1 + formatted.elapsed().as_secs(),
                };
                assert!(got.abs_diff(seconds) <= slack, "{retry_after:?}: {error}");
                assert_eq!(server.received().len(), 1);
                assert_still_works(&client);
            }
        }
    }
}

#[test]
fn a_huge_retry_after_cap_does_not_overflow_the_time_budget() {
    // A first wait makes the call older than a second, then the largest
    // Retry-After there is, below an equally huge cap: the budget check must
    // not overflow (it used to panic, i.e. GP_ERROR_INTERNAL).
    let server = ScriptedServer::sequence(vec![
        Reply::json(429, "{}").with_header("Retry-After", "1"),
        Reply::json(429, "{}").with_header("Retry-After", "18446744073709551615"),
    ]);
    let client = client_with(
        &server.url,
        json!({"retry": {"maxRetryAfterSec": u64::MAX}}),
    );
    let error = get_settings_error(&client, HTTP);
    assert_eq!(
        error["retryAfterSeconds"].as_u64(),
        Some(u64::MAX),
        "{error}"
    );
    assert_still_works(&client);
}

#[test]
fn extreme_config_values_do_not_overflow_any_deadline() {
    let server = ScriptedServer::sequence(vec![]);
    let client = client_with(
        &server.url,
        json!({
            "timeoutMs": u64::MAX, "connectTimeoutMs": u64::MAX, "maxResponseBytes": u64::MAX,
            "retry": {"maxRetries": u32::MAX, "maxRetryTimeMs": u64::MAX, "maxRetryAfterSec": u64::MAX}
        }),
    );
    assert_still_works(&client);
}

/// Calls `getUserPresence` with `user_id` and returns the request target the
/// server received.
fn target_for_user_id(user_id: &str) -> String {
    let server = ScriptedServer::sequence(vec![]);
    let client = no_retry_client(&server.url);
    client.ok(
        "getUserPresence",
        &json!({"userId": user_id, "sourceId": "src"}),
    );
    let received = server.received();
    assert_eq!(received.len(), 1);
    received[0].target.clone()
}

#[test]
fn hostile_ids_stay_inside_their_path_segment_on_the_wire() {
    for (user_id, encoded) in [
        ("a/b", "a%2Fb"),
        ("../../oauth/token", "..%2F..%2Foauth%2Ftoken"),
        ("a?admin=true", "a%3Fadmin%3Dtrue"),
        ("a#fragment", "a%23fragment"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("%00", "%2500"),
        ("a\r\nHost: evil.example", "a%0D%0AHost%3A%20evil.example"),
        // A NUL is a valid character of a JSON string: it is sent encoded,
        // inside its segment, like every other byte that is not unreserved.
        ("a\u{0}b", "a%00b"),
        ("a\u{7f}\u{1b}[31m", "a%7F%1B%5B31m"),
        ("é 日本", "%C3%A9%20%E6%97%A5%E6%9C%AC"),
        ("a;b,c&d=e+f", "a%3Bb%2Cc%26d%3De%2Bf"),
        ("\\..\\", "%5C..%5C"),
        ("...", "..."),
        (" ", "%20"),
    ] {
        assert_eq!(
            target_for_user_id(user_id),
            format!("/api/v2/users/{encoded}/presences/src"),
            "{user_id:?}"
        );
    }
}

#[test]
fn hostile_query_values_stay_inside_their_value_on_the_wire() {
    let server = ScriptedServer::sequence(vec![Reply::json(200, "[]")]);
    let client = no_retry_client(&server.url);
    let ids = json!(["a&id=injected", "b,c", "#", "d\r\ne", "é"]);
    client.ok("getUsersPresencesPurecloudBulk", &json!({"id": ids}));
    assert_eq!(
        server.received()[0].target,
        "/api/v2/users/presences/purecloud/bulk?id=a%26id%3Dinjected,b%2Cc,%23,d%0D%0Ae,%C3%A9"
    );
}

#[test]
fn dot_segments_and_hostile_operation_ids_are_refused_before_sending() {
    let server = ScriptedServer::sequence(vec![]);
    let client = no_retry_client(&server.url);
    for user_id in [".", ".."] {
        let error = client.err(
            "getUserPresencesPurecloud",
            &json!({"userId": user_id}),
            INVALID_ARGUMENT,
        );
        assert!(message(&error).contains("userId must not be"), "{error}");
    }
    for operation in [
        "getUserPresence/../x",
        "getPresenceSettings\r\nX-Evil: 1",
        "getPresenceSettings ",
        "",
    ] {
        let (status, json) = client.call(Some(operation), Some("{}"));
        assert_eq!(status, INVALID_ARGUMENT, "{operation:?}");
        assert!(json.contains("unknown operation"), "{json}");
    }
    assert!(server.received().is_empty());
}

#[test]
fn header_values_with_control_characters_are_refused() {
    for (key, value) in [
        ("userAgent", "INJECTED\r\nX-Evil: 1"),
        ("userAgent", "INJECTED\u{0}"),
        ("accessToken", "INJECTED\r\nX-Evil: 1"),
        ("accessToken", "INJECTED\n"),
        ("accessToken", "INJECTED\u{0}b"),
        ("accessToken", "INJECTED\u{7f}"),
    ] {
        let config = json!({ key: value });
        let (status, handle, error) = client_new(Some(&config.to_string()));
        assert_eq!((status, handle), (INVALID_ARGUMENT, null_mut()), "{config}");
        let error = error.unwrap();
        assert!(error.contains(key), "{error}");
        assert!(!error.contains("INJECTED"), "echoes the value: {error}");
    }

    let server = ScriptedServer::sequence(vec![]);
    let client = no_retry_client(&server.url);
    for token in ["new\r\nX-Evil: 1", "new\n", "new\u{7f}", ""] {
        let token = CString::new(token).unwrap();
        let mut error = null_mut();
        let status = unsafe { gp_client_set_access_token(client.0, token.as_ptr(), &mut error) };
        assert_eq!(status, INVALID_ARGUMENT, "{token:?}");
        let error = take_string(error).unwrap();
        assert!(error.contains("access token"), "{error}");
    }
    // The old token is still in use.
    assert_still_works(&client);
    assert_eq!(
        server.received()[0].header("authorization"),
        Some(&*format!("Bearer {}", common::TOKEN))
    );
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused_unless_allowed() {
    for url in [
        "http://api.example.com",
        "HTTP://api.example.com",
        "http://127.0.0.1.nip.io",
        "http://localhost.example.com",
        "http://127.0.0.1@evil.example.com",
        "http://10.0.0.1:8080",
        "http://[::ffff:127.0.0.1]:8080",
    ] {
        for key in ["basePath", "authBasePath"] {
            let config = json!({ key: url });
            let (status, _, error) = client_new(Some(&config.to_string()));
            assert_eq!(status, INVALID_ARGUMENT, "{config}");
            assert!(error.unwrap().contains("allowInsecureHttp"), "{config}");
            let allowed = json!({ key: url, "allowInsecureHttp": true });
            let (status, handle, error) = client_new(Some(&allowed.to_string()));
            assert_eq!(status, 0, "{allowed}: {error:?}");
            drop(FfiClient(handle));
        }
    }
    for url in [
        "http://127.0.0.1:1/\r\nX-Evil: 1",
        "http://evil.example.com\\@127.0.0.1",
        "ftp://127.0.0.1",
    ] {
        let (status, _, _) = client_new(Some(&json!({"basePath": url}).to_string()));
        assert_eq!(status, INVALID_ARGUMENT, "{url:?}");
    }
}

#[test]
fn redirects_are_returned_never_followed_with_the_token() {
    let elsewhere = ScriptedServer::sequence(vec![]);
    let location = format!("{}/api/v2/presence/settings", elsewhere.url);
    let server = ScriptedServer::sequence(vec![
        Reply::json(307, "").with_header("Location", &location),
        Reply::json(301, "").with_header("Location", &location),
    ]);
    let client = no_retry_client(&server.url);
    for status in [307, 301] {
        let error = get_settings_error(&client, HTTP);
        assert_eq!(error["status"], status);
    }
    assert!(
        elsewhere.received().is_empty(),
        "the token went to the redirect target"
    );
    assert_still_works(&client);
}

#[test]
fn json_nested_100000_deep_is_an_error_not_a_stack_overflow() {
    let deep = deep_json(100_000);
    let server = ScriptedServer::sequence(vec![]);
    let client = no_retry_client(&server.url);
    // Each is refused at its first fault: not an object, a missing userId, a
    // message of the wrong type, and only an unknown field (kept as JSON) goes
    // deep enough to reach the recursion limit.
    for (params, expected) in [
        (deep.clone(), "params: must be a JSON object"),
        (
            format!(r#"{{"body": {deep}}}"#),
            "missing required parameter userId",
        ),
        (
            format!(r#"{{"userId": "u", "body": {{"message": {deep}}}}}"#),
            "body.message: invalid type",
        ),
        (
            format!(r#"{{"userId": "u", "body": {{"futureField": {deep}}}}}"#),
            "recursion limit exceeded",
        ),
    ] {
        let (status, json) = client.call(Some("patchUserPresencesPurecloud"), Some(&params));
        assert_eq!(status, INVALID_ARGUMENT, "{json}");
        assert!(json.contains(expected), "{expected}: {json}");
    }
    // A path or query value that deep is refused by name, not left out of a
    // request that is sent anyway.
    for (operation, params, expected) in [
        (
            "getPresencedefinitions",
            format!(r#"{{"pageSize": {deep}}}"#),
            "pageSize: recursion limit exceeded",
        ),
        (
            "getPresenceSource",
            format!(r#"{{"sourceId": {deep}}}"#),
            "sourceId: recursion limit exceeded",
        ),
    ] {
        let (status, json) = client.call(Some(operation), Some(&params));
        assert_eq!(status, INVALID_ARGUMENT, "{json}");
        assert!(json.contains(expected), "{expected}: {json}");
    }
    // The helpers keep values as text (no recursion): the first ill-typed
    // level is what they refuse.
    for (function, params, expected) in [
        (
            gp_get_users_presences_bulk_all as OperationFunction,
            format!(r#"{{"id": {deep}}}"#),
            "id must be an array of strings",
        ),
        (
            gp_put_users_presences_bulk_all,
            format!(r#"{{"body": {deep}}}"#),
            "body[0]: invalid type: sequence",
        ),
    ] {
        let (status, json) = call_helper(&client, function, &params);
        assert_eq!(status, INVALID_ARGUMENT, "{json}");
        assert!(json.contains(expected), "{expected}: {json}");
    }
    let (status, _, error) = client_new(Some(&format!(r#"{{"retry": {deep}}}"#)));
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(error
        .unwrap()
        .starts_with(r#"{"kind":"invalid_argument","message":"config: "#));
    assert!(server.received().is_empty());
    assert_still_works(&client);
}

/// `[[[...]]]`, `depth` arrays deep.
fn deep_json(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn call_helper(
    client: &FfiClient,
    function: genesys_presence::ffi::operations::OperationFunction,
    params: &str,
) -> (i32, String) {
    let params = CString::new(params).unwrap();
    let mut out = null_mut();
    let status = unsafe { function(client.0, params.as_ptr(), &mut out) };
    (status, take_string(out).unwrap())
}

#[test]
fn a_100_mb_params_string_is_refused_by_its_size() {
    let _memory = memory_lock();
    let server = ScriptedServer::sequence(vec![]);
    let client = no_retry_client(&server.url);
    let size = 100 * 1024 * 1024;
    let params = format!(r#"{{"userId": "{}"}}"#, "a".repeat(size - 14));
    assert_eq!(params.len(), size);
    let expected = format!("params: {size} bytes, more than the {MAX_PARAMS_BYTES} accepted");
    assert_eq!(MAX_PARAMS_BYTES, 16 * 1024 * 1024);
    let (status, json) = client.call(Some("getUserPresencesPurecloud"), Some(&params));
    assert_eq!(status, INVALID_ARGUMENT);
    assert_eq!(message(&serde_json::from_str(&json).unwrap()), expected);
    let (status, json) = call_helper(&client, gp_get_users_presences_bulk_all, &params);
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(json.contains(&expected), "{}", &json[..200]);
    assert!(server.received().is_empty());
}

#[test]
fn a_url_too_long_to_send_is_an_invalid_argument_and_not_retried() {
    let server = ScriptedServer::sequence(vec![]);
    // Retries on: a request that cannot be built must not be retried either.
    let client = client_with(&server.url, json!({}));
    let started = Instant::now();
    let error = client.err(
        "getUserPresencesPurecloud",
        &json!({"userId": "a".repeat(70_000)}),
        INVALID_ARGUMENT,
    );
    assert!(message(&error).contains("uri too long"), "{error}");
    assert!(started.elapsed() < Duration::from_millis(100), "retried");
    assert!(server.received().is_empty());
    assert_still_works(&client);
}

/// Sets `SIGPIPE` back to the default (terminate) that C programs have; Rust's
/// runtime ignores it for its own binaries, which would hide the problem.
fn default_sigpipe_as_in_a_c_host() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    unsafe { signal(SIGPIPE, SIG_DFL) };
}

#[test]
fn a_peer_closing_while_a_body_is_sent_does_not_raise_sigpipe() {
    let _memory = memory_lock();
    default_sigpipe_as_in_a_c_host();
    // Reads the request head, then closes without reading the 8 MB body.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                line.clear();
            }
            let mut some = [0; 1024];
            let _ = reader.read(&mut some);
        }
    });
    let client = no_retry_client(&url);
    let body = json!({"userId": "u", "body": {"message": "m".repeat(8 * 1024 * 1024)}});
    let error = client.err("patchUserPresencesPurecloud", &body, TRANSPORT);
    assert_eq!(error["kind"], "transport");
}

#[test]
fn a_hostile_token_endpoint_cannot_crash_or_inject_headers() {
    for (token_body, expected) in [
        // Used to panic: Instant + u64::MAX seconds overflows.
        (
            r#"{"access_token": "tok-1", "expires_in": 18446744073709551615}"#,
            None,
        ),
        (r#"{"access_token": "tok-1", "expires_in": 0}"#, None),
        (
            r#"{"access_token": "tok\r\nX-Evil: 1", "expires_in": 3600}"#,
            Some("access token"),
        ),
        (
            r#"{"access_token": "", "expires_in": 3600}"#,
            Some("access token"),
        ),
        (r#"{"access_token": 7}"#, Some("not the expected JSON")),
        (r#"{"expires_in": -1}"#, Some("not the expected JSON")),
        (&deep_json(30_000), Some("not the expected JSON")),
        (&"x".repeat(100_000), Some("larger than request limit")),
    ] {
        let token_body = token_body.to_owned();
        let server = ScriptedServer::start(move |request| match request.target.as_str() {
            "/oauth/token" => Reply::json(200, &token_body),
            _ => Reply::json(200, "{}"),
        });
        let client = FfiClient::new(&json!({
            "basePath": server.url, "authBasePath": server.url,
            "clientId": "id", "clientSecret": "secret", "retry": {"maxRetries": 0}
        }));
        match expected {
            None => assert_still_works(&client),
            Some(expected) => {
                let error = get_settings_error(&client, AUTH);
                assert!(message(&error).contains(expected), "{error}");
            }
        }
        for request in server.received() {
            assert!(request.header("x-evil").is_none());
        }
    }
}

const ACCESS_TOKEN: &str = "SECRET-access-token-3f1d";
const REPLACED_TOKEN: &str = "SECRET-replaced-token-77ab";
const CLIENT_SECRET: &str = "SECRET-client-secret-9c2e";
const ISSUED_TOKEN: &str = "SECRET-issued-token-51e0";
const PROXY_PASSWORD: &str = "SECRET-proxy-password-0b8a";

/// Everything a caller can see of the library: error JSONs, log lines, Debug
/// output and panic messages.
#[derive(Default)]
struct Observed {
    texts: Vec<String>,
}

impl Observed {
    fn client(&mut self, config: Value, lines: &Arc<Mutex<Vec<String>>>) -> Client {
        let client = Client::from_json(&config.to_string()).unwrap();
        let sink = Arc::clone(lines);
        client.set_log_sink(Some(Arc::new(move |level: LogLevel, line: &str| {
            sink.lock()
                .unwrap()
                .push(format!("{}: {line}", level.as_str()));
        })));
        self.texts.push(format!("{client:?}"));
        client
    }

    fn call(&mut self, client: &Client, operation: &str, params: Value) {
        match client.call(operation, params) {
            Ok(value) => self.texts.push(value.to_string()),
            Err(error) => {
                assert_ne!(error.kind, ErrorKind::Internal, "{error}");
                self.texts.push(format!("{error:?}"));
                self.texts.push(error.to_json());
            }
        }
    }
}

#[test]
fn no_secret_in_any_error_log_line_debug_output_or_panic_message() {
    // Panics on this test's thread (where the library runs) are recorded;
    // other threads' go to the usual hook.
    let panics = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&panics);
    let this_test = thread::current().id();
    let previous: Arc<dyn Fn(&std::panic::PanicHookInfo) + Send + Sync> =
        Arc::from(std::panic::take_hook());
    let usual = Arc::clone(&previous);
    std::panic::set_hook(Box::new(move |info| {
        if thread::current().id() == this_test {
            seen.lock().unwrap().push(info.to_string());
        } else {
            usual(info);
        }
    }));

    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut observed = Observed::default();
    let faults = vec![
        Reply::json(200, "{}"),
        Reply::json(
            401,
            r#"{"message": "bad token", "code": "bad.credentials"}"#,
        ),
        Reply::json(404, "<html>not found</html>"),
        Reply::json(429, "{}").with_header("Retry-After", "0"),
        Reply::json(429, "{}").with_header("Retry-After", "999999"),
        Reply::HangUp,
        Reply::Reset(Vec::new()),
        Reply::Raw(with_body(head("200 OK", &["Content-Length: 100"]), "{")),
        Reply::json(200, "not json"),
        Reply::Stall(Duration::from_millis(600)),
        Reply::json(307, "").with_header("Location", "http://127.0.0.1:1/"),
    ];
    let server = ScriptedServer::sequence(faults.clone());
    let client = observed.client(
        json!({"basePath": server.url, "accessToken": ACCESS_TOKEN, "logLevel": "trace",
               "timeoutMs": 300, "retry": {"maxRetries": 1}}),
        &lines,
    );
    for _ in &faults {
        observed.call(&client, "getPresenceSettings", json!({}));
    }
    observed.call(
        &client,
        "getUserPresencesPurecloud",
        json!({"userId": ".."}),
    );
    observed.call(
        &client,
        "patchUserPresencesPurecloud",
        json!({"userId": "u", "body": []}),
    );
    observed
        .texts
        .push(client.set_access_token("bad\r\n").unwrap_err().to_json());
    client.set_access_token(REPLACED_TOKEN).unwrap();
    observed.call(&client, "getPresenceSettings", json!({}));
    observed.texts.push(format!("{client:?}"));

    // Client credentials: a token endpoint that refuses, then one that issues.
    let refusals = ScriptedServer::sequence(vec![
        Reply::json(
            401,
            r#"{"error": "invalid_client", "description": "bad secret"}"#,
        ),
        Reply::HangUp,
        Reply::json(200, "garbage"),
    ]);
    let client = observed.client(
        json!({"basePath": refusals.url, "authBasePath": refusals.url, "clientId": "id",
               "clientSecret": CLIENT_SECRET, "logLevel": "trace", "retry": {"maxRetries": 0}}),
        &lines,
    );
    for _ in 0..3 {
        observed.call(&client, "getPresenceSettings", json!({}));
    }
    let issuer = ScriptedServer::start(|request| match request.target.as_str() {
        "/oauth/token" => Reply::token(ISSUED_TOKEN, 3600),
        _ => Reply::json(401, "{}"),
    });
    let client = observed.client(
        json!({"basePath": issuer.url, "authBasePath": issuer.url, "clientId": "id",
               "clientSecret": CLIENT_SECRET, "logLevel": "trace"}),
        &lines,
    );
    observed.call(&client, "getPresenceSettings", json!({}));

    // A proxy with a password, refusing the connection.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = observed.client(
        json!({"basePath": "https://api.example.com", "accessToken": ACCESS_TOKEN,
               "proxy": format!("http://user:{PROXY_PASSWORD}@127.0.0.1:{port}"),
               "logLevel": "trace", "retry": {"maxRetries": 0}}),
        &lines,
    );
    observed.call(&client, "getPresenceSettings", json!({}));

    // The C ABI's own answers for the same secrets.
    let (_, _, error) = client_new(Some(
        &json!({"accessToken": ACCESS_TOKEN, "clientSecret": CLIENT_SECRET}).to_string(),
    ));
    observed.texts.extend(error);

    std::panic::set_hook(Box::new(move |info| previous(info)));
    observed.texts.extend(lines.lock().unwrap().iter().cloned());
    let panics = panics.lock().unwrap();
    observed.texts.extend(panics.iter().cloned());
    assert!(panics.is_empty(), "the library panicked: {panics:?}");
    assert!(observed.texts.len() > 40, "{}", observed.texts.len());
    for text in &observed.texts {
        for secret in [
            ACCESS_TOKEN,
            REPLACED_TOKEN,
            CLIENT_SECRET,
            ISSUED_TOKEN,
            PROXY_PASSWORD,
        ] {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
        for header in ["Bearer", "Basic ", "authorization:", "Authorization:"] {
            assert!(!text.contains(header), "{header} in: {text}");
        }
    }
}

#[test]
fn freeing_a_client_right_after_a_failed_call_is_clean() {
    // The handle owns its pool: dropping it with broken connections in flight
    // (here, a server that stalls) must not hang or touch freed memory.
    let server = ScriptedServer::start(|_| Reply::Stall(Duration::from_secs(5)));
    for _ in 0..3 {
        let client = client_with(
            &server.url,
            json!({"timeoutMs": 100, "retry": {"maxRetries": 0}}),
        );
        let started = Instant::now();
        get_settings_error(&client, TRANSPORT);
        drop(client);
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
