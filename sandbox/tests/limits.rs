//! `--rate-limit` and `GET /_sandbox/stats`, over real HTTP.

use std::thread;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use presence_sandbox::{RateLimit, Sandbox, SandboxOptions};
use serde_json::{json, Value};
use ureq::Agent;

const TOKEN: &str = "test-token";
const USER: &str = "/api/v2/users/u/presences/purecloud";

fn sandbox(rate_limit: Option<&str>) -> Sandbox {
    Sandbox::start(SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        rate_limit: rate_limit.map(|text| text.parse::<RateLimit>().unwrap()),
        ..SandboxOptions::default()
    })
    .expect("sandbox starts")
}

fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .new_agent()
}

/// One answer: status, the headers asked about, and the body as JSON (`null` if none).
struct Answer {
    status: u16,
    headers: Vec<(String, Option<String>)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, value)| value.as_deref())
    }

    /// `inin-ratelimit-allowed`, `-count`, `-reset`, parsed.
    fn standing(&self) -> Option<(u64, u64, u64)> {
        let number = |name| self.header(name)?.parse().ok();
        Some((
            number("inin-ratelimit-allowed")?,
            number("inin-ratelimit-count")?,
            number("inin-ratelimit-reset")?,
        ))
    }
}

fn get(sandbox: &Sandbox, path: &str, token: Option<&str>) -> Answer {
    let mut request = agent().get(format!("{}{path}", sandbox.url()));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = request.call().expect("the sandbox answers");
    let headers = [
        "inin-ratelimit-allowed",
        "inin-ratelimit-count",
        "inin-ratelimit-reset",
        "retry-after",
    ]
    .iter()
    .map(|name| {
        let value = response.headers().get(*name);
        (
            name.to_string(),
            value.and_then(|v| v.to_str().ok()).map(str::to_owned),
        )
    })
    .collect();
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// A token from `POST /oauth/token` with the default client's credentials.
fn issued_token(sandbox: &Sandbox) -> String {
    let credentials = STANDARD.encode("sandbox-client:sandbox-secret");
    let mut response = agent()
        .post(format!("{}/oauth/token", sandbox.url()))
        .header("Authorization", format!("Basic {credentials}"))
        .content_type("application/x-www-form-urlencoded")
        .send("grant_type=client_credentials")
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn a_window_counts_refuses_and_resets() {
    let sandbox = sandbox(Some("3/1s"));
    let mut window_started_by = None;
    for count in 1..=3 {
        let answer = get(&sandbox, USER, Some(TOKEN));
        window_started_by.get_or_insert_with(Instant::now);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.standing(), Some((3, count, 1)), "request {count}");
    }
    let refused = get(&sandbox, USER, Some(TOKEN));
    assert_eq!(refused.status, 429);
    assert_eq!(refused.body["code"], "too.many.requests");
    assert_eq!(refused.body["status"], 429);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.standing(), Some((3, 3, 1)));
    // Refused requests are not counted: the window still holds 3.
    assert_eq!(get(&sandbox, USER, Some(TOKEN)).standing(), Some((3, 3, 1)));

    let window_ended = window_started_by.unwrap() + Duration::from_millis(1050);
    thread::sleep(window_ended.saturating_duration_since(Instant::now()));
    let next = get(&sandbox, USER, Some(TOKEN));
    assert_eq!(next.status, 200);
    assert_eq!(next.standing(), Some((3, 1, 1)));
}

#[test]
fn retry_after_and_reset_are_whole_seconds_up_to_the_window() {
    let sandbox = sandbox(Some("1/60s"));
    assert_eq!(
        get(&sandbox, USER, Some(TOKEN)).standing(),
        Some((1, 1, 60))
    );
    let refused = get(&sandbox, USER, Some(TOKEN));
    assert_eq!(refused.status, 429);
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((59..=60).contains(&retry_after), "{retry_after}");
}

#[test]
fn tokens_are_counted_apart_and_token_requests_not_at_all() {
    let sandbox = sandbox(Some("2/60s"));
    let issued = issued_token(&sandbox);
    let issued_again = issued_token(&sandbox);
    for count in 1..=2 {
        assert_eq!(
            get(&sandbox, USER, Some(TOKEN)).standing().unwrap().1,
            count
        );
    }
    assert_eq!(get(&sandbox, USER, Some(TOKEN)).status, 429);
    for count in 1..=2 {
        assert_eq!(
            get(&sandbox, USER, Some(&issued)).standing().unwrap().1,
            count
        );
    }
    assert_eq!(get(&sandbox, USER, Some(&issued)).status, 429);
    assert_eq!(get(&sandbox, USER, Some(&issued_again)).status, 200);
}

#[test]
fn every_api_answer_carries_the_headers_and_others_do_not() {
    let limited = sandbox(Some("300/60s"));
    let not_found = get(&limited, "/api/v2/presencedefinitions/nope", Some(TOKEN));
    assert_eq!(not_found.status, 404);
    assert_eq!(not_found.standing(), Some((300, 1, 60)));
    // Without a valid token there is nothing to count against.
    let unauthorized = get(&limited, USER, Some("wrong"));
    assert_eq!(unauthorized.status, 401);
    assert_eq!(unauthorized.standing(), None);
    assert_eq!(get(&limited, "/_sandbox/stats", None).standing(), None);

    let unlimited = sandbox(None);
    let answer = get(&unlimited, USER, Some(TOKEN));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.standing(), None);
}

#[test]
fn stats_count_what_was_served() {
    let sandbox = sandbox(Some("2/60s"));
    let empty = json!({"requests": 0, "statuses": {}, "channels": 0, "websockets": 0});
    assert_eq!(get(&sandbox, "/_sandbox/stats", None).body, empty);

    issued_token(&sandbox);
    get(&sandbox, USER, Some(TOKEN));
    get(&sandbox, "/api/v2/presencedefinitions/nope", Some(TOKEN));
    get(&sandbox, USER, Some(TOKEN));
    get(&sandbox, USER, None);
    get(&sandbox, "/nowhere", None);

    let stats = get(&sandbox, "/_sandbox/stats", None);
    assert_eq!(stats.status, 200);
    let expected = json!({
        "requests": 6,
        "statuses": {"200": 2, "401": 1, "404": 2, "429": 1},
        "channels": 0,
        "websockets": 0,
    });
    assert_eq!(stats.body, expected);
    // The controls themselves are not counted.
    assert_eq!(get(&sandbox, "/_sandbox/stats", None).body, expected);
}

#[test]
fn unknown_controls_and_methods_are_refused() {
    let sandbox = sandbox(None);
    let unknown = get(&sandbox, "/_sandbox/nothing", None);
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["code"], "not.found");
    let mut wrong = agent()
        .post(format!("{}/_sandbox/stats", sandbox.url()))
        .send_empty()
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 405);
    let body: Value = serde_json::from_str(&wrong.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["code"], "method.not.allowed");
}
