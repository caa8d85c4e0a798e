//! Hardening, hostile input: ids, query values, operation ids, header values, URLs
//! and JSON built to break out of their place; the request target the server received
//! is checked byte for byte, and nothing is sent for what is refused.

mod common;

use std::ffi::CString;
use std::ptr::null_mut;
use std::time::{Duration, Instant};

use common::hardening::*;
use common::scripted::{Reply, ScriptedServer};
use common::{client_new, take_string, FfiClient};
use genesys_presence::ffi::bulk::{
    gp_get_users_presences_bulk_all, gp_put_users_presences_bulk_all,
};
use genesys_presence::ffi::client::gp_client_set_access_token;
use genesys_presence::ffi::operations::OperationFunction;
use genesys_presence::operations::MAX_PARAMS_BYTES;
use serde_json::json;

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
