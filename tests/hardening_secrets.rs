//! Hardening, secrets and the handle: a hostile token endpoint, secrets looked for in
//! every error, log line, `Debug` output and panic message, and freeing a client
//! right after a failure.

mod common;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::hardening::*;
use common::scripted::{Reply, ScriptedServer};
use common::{client_new, FfiClient};
use genesys_presence::log::LogLevel;
use genesys_presence::{Client, ErrorKind};
use serde_json::{json, Value};

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
