//! Hardening, server faults: loaded into someone else's process, the library never
//! crashes it, leaks, or hangs past its timeout, whatever the server does. Faults are
//! injected by scripted loopback servers (refused, reset and truncated connections,
//! bodies that are not JSON, gigantic and trickling answers, every kind of
//! `Retry-After`), each followed by a normal call on the same client.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use common::hardening::*;
use common::resident_bytes;
use common::scripted::{Reply, ScriptedServer};
use serde_json::{json, Value};

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
