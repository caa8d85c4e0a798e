//! The sandbox as a service: OAuth tokens, correlation ids, injected faults and
//! latency, its lifecycle in-process, and the binary (its first line, its flags, its
//! `--help` as the README shows it).

mod common;

use std::io::{BufRead, BufReader, ErrorKind};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::client::{assert_error, Client};
use common::{default_sandbox, sandbox_with, TOKEN};
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::json;
use ureq::Agent;

#[test]
fn oauth_tokens_are_required_and_expire() {
    let sandbox = sandbox_with(|o| {
        o.static_token = None;
        o.token_ttl_secs = 1;
    });
    let anonymous = Client::with_token(&sandbox, None);
    assert_error(
        &anonymous.get("/api/v2/systempresences"),
        401,
        "bad.credentials",
    );
    assert_error(
        &Client::with_token(&sandbox, Some(TOKEN)).get("/api/v2/systempresences"),
        401,
        "bad.credentials",
    );

    let bad = anonymous.token_request("sandbox-client", "wrong", "grant_type=client_credentials");
    assert_eq!(
        (bad.status, bad.body["error"].clone()),
        (400, json!("invalid_client"))
    );
    assert!(bad.body["description"].is_string());
    let grant = anonymous.token_request("sandbox-client", "sandbox-secret", "grant_type=password");
    assert_eq!(
        (grant.status, grant.body["error"].clone()),
        (400, json!("unsupported_grant_type"))
    );

    let issued = anonymous.token_request(
        "sandbox-client",
        "sandbox-secret",
        "grant_type=client_credentials",
    );
    assert_eq!(issued.status, 200, "{}", issued.raw_body);
    assert_eq!(
        (
            issued.body["token_type"].clone(),
            issued.body["expires_in"].clone()
        ),
        (json!("bearer"), json!(1))
    );
    let client = Client::with_token(&sandbox, issued.body["access_token"].as_str());
    assert_eq!(client.get("/api/v2/systempresences").status, 200);
    thread::sleep(Duration::from_millis(1100));
    assert_error(
        &client.get("/api/v2/systempresences"),
        401,
        "bad.credentials",
    );
}

#[test]
fn every_response_has_a_fresh_correlation_id() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);
    let answers = [
        client.get("/api/v2/systempresences"),
        client.get("/api/v2/systempresences"),
        client.get("/api/v2/nowhere"),
        client.delete("/api/v2/systempresences"),
        Client::with_token(&sandbox, None).get("/api/v2/systempresences"),
        client.token_request("x", "y", "grant_type=client_credentials"),
    ];
    let mut ids: Vec<&str> = answers
        .iter()
        .map(|a| a.correlation_id.as_deref().expect("inin-correlation-id"))
        .collect();
    assert!(ids
        .iter()
        .all(|id| id.len() == 36 && id.matches('-').count() == 4));
    assert!(answers
        .iter()
        .all(|a| a.content_type.as_deref() == Some("application/json")));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), answers.len());
}

#[test]
fn faults_are_injected_on_api_routes_only() {
    let sandbox = sandbox_with(|o| {
        o.fault_429_rate = 1.0;
        o.retry_after_secs = 7;
    });
    let client = Client::new(&sandbox);
    let limited = client.get("/api/v2/systempresences");
    assert_error(&limited, 429, "too.many.requests");
    assert_eq!(limited.retry_after.as_deref(), Some("7"));
    let token = client.token_request(
        "sandbox-client",
        "sandbox-secret",
        "grant_type=client_credentials",
    );
    assert_eq!(token.status, 200);

    let sandbox = sandbox_with(|o| o.fault_503_rate = 1.0);
    assert_error(
        &Client::new(&sandbox).get("/api/v2/systempresences"),
        503,
        "service.unavailable",
    );
}

#[test]
fn latency_is_added_and_requests_run_concurrently() {
    let sandbox = sandbox_with(|o| o.latency_ms = 200);
    let started = Instant::now();
    thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                assert_eq!(
                    Client::new(&sandbox).get("/api/v2/systempresences").status,
                    200
                )
            });
        }
    });
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(1000),
        "served one at a time: {elapsed:?}"
    );
}

#[test]
fn dropping_the_sandbox_stops_it() {
    let sandbox = default_sandbox();
    let address = sandbox.address();
    assert_eq!(sandbox.port(), address.port());
    assert_eq!(
        sandbox.url(),
        format!("http://127.0.0.1:{}", sandbox.port())
    );
    drop(sandbox);
    // Drop joins the server's thread, so the listener is already closed.
    assert!(
        TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_err(),
        "still listening after drop"
    );
}

#[test]
fn bad_options_and_taken_ports_are_refused() {
    let refused = Sandbox::start(SandboxOptions {
        fault_429_rate: 1.5,
        ..SandboxOptions::default()
    });
    assert_eq!(
        refused.err().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );

    let first = default_sandbox();
    let second = Sandbox::start(SandboxOptions {
        port: first.port(),
        ..SandboxOptions::default()
    });
    assert_eq!(second.err().map(|e| e.kind()), Some(ErrorKind::AddrInUse));
}

#[test]
fn binary_announces_its_address_first() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_presence-sandbox"))
        .args(["--port", "0", "--token", "cli-token", "--latency-ms=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let url = first_line
        .trim_end()
        .strip_prefix("listening on ")
        .map(str::to_owned);
    let answer = url.as_ref().map(|url| {
        Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .new_agent()
            .get(format!("{url}/api/v2/systempresences"))
            .header("Authorization", "Bearer cli-token")
            .call()
            .map(|r| r.status().as_u16())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let url = url.unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url["http://127.0.0.1:".len()..]
        .parse::<u16>()
        .is_ok_and(|port| port > 0));
    assert_eq!(answer.unwrap().unwrap(), 200);
}

#[test]
fn binary_rejects_bad_flags() {
    for args in [
        &["--bogus"][..],
        &["--port", "x"],
        &["--fault-429-rate", "2"],
        &["--port"],
        &["--rate-limit", "300"],
        &["--rate-limit=0/60s"],
        &["--rate-limit", "20/2h"],
        &["--refresh-token="],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_presence-sandbox"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        // One line that names what was wrong.
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        let flag = args[0].split('=').next().unwrap();
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn the_readme_shows_what_help_prints() {
    let output = Command::new(env!("CARGO_BIN_EXE_presence-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("--workers"), "{help}");
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&format!("```text\n{help}```")),
        "README's sandbox section does not show `presence-sandbox --help` as it prints:\n{help}"
    );
}

#[test]
fn user_faults_fail_every_request_that_names_the_user_until_cleared() {
    use common::call;
    use ureq::http::Method;
    let sandbox = default_sandbox();
    let set = call(
        &sandbox,
        Method::POST,
        "/_sandbox/faults/users",
        Some(&json!({"userIds": ["bad-1", "bad-2"], "status": 500})),
    );
    assert_eq!((set.status, &set.body), (200, &json!({"users": 2})));
    let by_path = call(
        &sandbox,
        Method::GET,
        "/api/v2/users/bad-1/presences/purecloud",
        None,
    );
    assert_eq!(
        (by_path.status, &by_path.body["code"]),
        (500, &json!("internal.server.error"))
    );
    let bulk = "/api/v2/users/presences/purecloud/bulk?id=ok-1,bad-2";
    assert_eq!(
        call(&sandbox, Method::GET, bulk, None).status,
        500,
        "a query item"
    );
    let body = json!([{"id": "ok-1", "presenceDefinition": {"id": "x"}}, {"id": "bad-1"}]);
    let put = call(
        &sandbox,
        Method::PUT,
        "/api/v2/users/presences/bulk",
        Some(&body),
    );
    assert_eq!(put.status, 500, "a JSON string in the body");
    let fine = "/api/v2/users/presences/purecloud/bulk?id=ok-1,bad-10";
    assert_eq!(
        call(&sandbox, Method::GET, fine, None).status,
        200,
        "whole ids only"
    );

    let refused = json!({"userIds": ["x"], "status": 200});
    assert_eq!(
        call(
            &sandbox,
            Method::POST,
            "/_sandbox/faults/users",
            Some(&refused)
        )
        .status,
        400
    );
    let cleared = call(&sandbox, Method::DELETE, "/_sandbox/faults/users", None);
    assert_eq!(cleared.body, json!({"users": 0}));
    assert_eq!(call(&sandbox, Method::GET, bulk, None).status, 200);
}
