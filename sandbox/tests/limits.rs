//! The sandbox's limits, over real HTTP: `--rate-limit`, the refresh-token grant
//! (`--refresh-token`), and `GET /_sandbox/stats`.

mod common;

use std::thread;
use std::time::{Duration, Instant};

use common::client::Client;
use common::{call_as, Answer, TOKEN};
use presence_sandbox::{RateLimit, Sandbox, SandboxOptions};
use serde_json::{json, Value};
use ureq::http::Method;
const USER: &str = "/api/v2/users/u/presences/purecloud";

fn sandbox(rate_limit: Option<&str>) -> Sandbox {
    Sandbox::start(SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        rate_limit: rate_limit.map(|text| text.parse::<RateLimit>().unwrap()),
        refresh_token: Some(REFRESH_TOKEN.to_owned()),
        ..SandboxOptions::default()
    })
    .expect("sandbox starts")
}

const REFRESH_TOKEN: &str = "seeded-refresh-token";

/// `inin-ratelimit-allowed`, `-count`, `-reset` of an answer, parsed.
trait Standing {
    fn standing(&self) -> Option<(u64, u64, u64)>;
}

impl Standing for Answer {
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
    call_as(sandbox, token, Method::GET, path, None)
}

/// `POST /oauth/token` with `client` (`id:secret`) as Basic credentials and `form`.
fn token_request(sandbox: &Sandbox, client: &str, form: &str) -> (u16, Value) {
    let (id, secret) = client.split_once(':').unwrap();
    let answer = Client::with_token(sandbox, None).token_request(id, secret, form);
    (answer.status, answer.body)
}

const CLIENT: &str = "sandbox-client:sandbox-secret";

/// A token from the client-credentials grant.
fn issued_token(sandbox: &Sandbox) -> String {
    let (status, body) = token_request(sandbox, CLIENT, "grant_type=client_credentials");
    assert_eq!(status, 200);
    assert!(body.get("refresh_token").is_none(), "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

/// The refresh grant with `refresh_token`.
fn refresh(sandbox: &Sandbox, refresh_token: &str) -> (u16, Value) {
    token_request(
        sandbox,
        CLIENT,
        &format!("grant_type=refresh_token&refresh_token={refresh_token}"),
    )
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
    let wrong = call_as(&sandbox, None, Method::POST, "/_sandbox/stats", None);
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.body["code"], "method.not.allowed");
}

#[test]
fn refresh_tokens_rotate_and_a_used_one_is_refused() {
    let sandbox = sandbox(None);
    let (status, first) = refresh(&sandbox, REFRESH_TOKEN);
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["token_type"], "bearer");
    assert_eq!(first["expires_in"], 3600);
    let access_token = first["access_token"].as_str().unwrap();
    let next = first["refresh_token"].as_str().unwrap();
    assert_ne!(next, REFRESH_TOKEN);
    assert_eq!(get(&sandbox, USER, Some(access_token)).status, 200);

    // The seeded token is retired: using it again is refused, and changes nothing.
    let (status, reused) = refresh(&sandbox, REFRESH_TOKEN);
    assert_eq!((status, &reused["error"]), (400, &json!("invalid_grant")));

    let (status, second) = refresh(&sandbox, next);
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(refresh(&sandbox, next).0, 400);
    // Both access tokens stay good until they expire.
    assert_eq!(get(&sandbox, USER, Some(access_token)).status, 200);
    let second_access = second["access_token"].as_str().unwrap();
    assert_eq!(get(&sandbox, USER, Some(second_access)).status, 200);
}

#[test]
fn bad_refresh_requests_get_oauth_errors() {
    let sandbox = sandbox(None);
    for (client, form, error) in [
        (CLIENT, "grant_type=refresh_token", "invalid_request"),
        (
            CLIENT,
            "grant_type=refresh_token&refresh_token=",
            "invalid_request",
        ),
        (
            CLIENT,
            "grant_type=refresh_token&refresh_token=made-up",
            "invalid_grant",
        ),
        (
            "sandbox-client:wrong",
            "grant_type=refresh_token&refresh_token=seeded-refresh-token",
            "invalid_client",
        ),
        (
            CLIENT,
            "grant_type=refresh_token&refresh_token=%FF",
            "invalid_request",
        ),
    ] {
        let (status, body) = token_request(&sandbox, client, form);
        assert_eq!((status, &body["error"]), (400, &json!(error)), "{form}");
        assert!(body["error_description"].is_string(), "{body}");
    }
    // None of those used up the seeded token.
    assert_eq!(refresh(&sandbox, REFRESH_TOKEN).0, 200);
}

#[test]
fn without_a_seed_no_refresh_token_is_accepted() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let (status, body) = refresh(&sandbox, REFRESH_TOKEN);
    assert_eq!((status, &body["error"]), (400, &json!("invalid_grant")));
}
