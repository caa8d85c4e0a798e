//! The C ABI called as C would call it: NULLs, bad UTF-8, bad JSON, unknown
//! operations, every per-operation function, HTTP and decode errors, threads.

mod common;

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::Arc;

use common::{client_new, mock_echo, take_string, FfiClient, Seen};
use genesys_presence::ffi::client::{gp_call, gp_client_free, gp_client_set_access_token};
use genesys_presence::ffi::operations::OPERATION_FUNCTIONS;
use genesys_presence::ffi::strings::{gp_operations_json, gp_string_free, gp_version};
use genesys_presence::operations::{Payload, OPERATIONS};
use serde_json::{json, Value};

const INVALID_ARGUMENT: i32 = 1;
const HTTP: i32 = 2;
const TRANSPORT: i32 = 3;
const AUTH: i32 = 4;
const DECODE: i32 = 5;

/// A client of a server that must receive nothing.
fn unreachable_server() -> (mockito::ServerGuard, mockito::Mock, FfiClient) {
    let mut server = mockito::Server::new();
    let mock = server.mock("GET", mockito::Matcher::Any).expect(0).create();
    let client = FfiClient::for_url(&server.url());
    (server, mock, client)
}

fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap()
}

#[test]
fn null_pointers_are_invalid_arguments() {
    let (_server, mock, client) = unreachable_server();

    let (status, json) = FfiClient(null_mut()).call(Some("getSystempresences"), None);
    assert_eq!(
        (status, json.contains("client is NULL")),
        (INVALID_ARGUMENT, true),
        "{json}"
    );
    let (status, json) = client.call(None, None);
    assert_eq!(
        (status, json.contains("operation_id is NULL")),
        (INVALID_ARGUMENT, true)
    );
    let operation = CString::new("getSystempresences").unwrap();
    let status = unsafe { gp_call(client.0, operation.as_ptr(), null(), null_mut()) };
    assert_eq!(status, INVALID_ARGUMENT, "NULL out_json: nowhere to answer");

    let (status, handle, error) = client_new(None);
    assert_eq!((status, handle), (INVALID_ARGUMENT, null_mut()));
    assert!(error.unwrap().contains("config_json is NULL"));
    let config = CString::new("{}").unwrap();
    let mut error = null_mut();
    let status = unsafe {
        genesys_presence::ffi::client::gp_client_new(config.as_ptr(), null_mut(), &mut error)
    };
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(take_string(error).unwrap().contains("out_client is NULL"));
    let mut handle = null_mut();
    let status =
        unsafe { genesys_presence::ffi::client::gp_client_new(null(), &mut handle, null_mut()) };
    assert_eq!(
        (status, handle),
        (INVALID_ARGUMENT, null_mut()),
        "out_error may be NULL"
    );

    let mut error = null_mut();
    let status = unsafe { gp_client_set_access_token(client.0, null(), &mut error) };
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(take_string(error).unwrap().contains("access_token is NULL"));

    unsafe {
        gp_client_free(null_mut());
        gp_string_free(null_mut());
    }
    mock.assert();
}

#[test]
fn invalid_utf8_is_refused_never_decoded_lossily() {
    let (_server, mock, client) = unreachable_server();
    let bad = b"getSystem\xffpresences\0";
    let mut out = null_mut();
    let status = unsafe { gp_call(client.0, bad.as_ptr().cast(), null(), &mut out) };
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(take_string(out)
        .unwrap()
        .contains("operation_id is not valid UTF-8"));

    let operation = CString::new("getUserPresencesPurecloud").unwrap();
    let params = b"{\"userId\": \"\xc3\x28\"}\0";
    let status = unsafe {
        gp_call(
            client.0,
            operation.as_ptr(),
            params.as_ptr().cast(),
            &mut out,
        )
    };
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(take_string(out)
        .unwrap()
        .contains("params_json is not valid UTF-8"));

    let mut handle = null_mut();
    let mut error = null_mut();
    let config = b"{\"userAgent\": \"\xff\"}\0";
    let status = unsafe {
        genesys_presence::ffi::client::gp_client_new(
            config.as_ptr().cast(),
            &mut handle,
            &mut error,
        )
    };
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(take_string(error)
        .unwrap()
        .contains("config_json is not valid UTF-8"));
    mock.assert();
}

#[test]
fn invalid_calls_never_reach_the_server() {
    let (_server, mock, client) = unreachable_server();
    let cases: &[(&str, &str, &str)] = &[
        (
            "getUserPresencesPurecloud",
            "{",
            "params: EOF while parsing",
        ),
        (
            "getUserPresencesPurecloud",
            "[1]",
            "params: must be a JSON object",
        ),
        (
            "getUserPresencesPurecloud",
            "null",
            "params: must be a JSON object",
        ),
        (
            "getUserPresencesPurecloud",
            "{}",
            "missing required parameter userId",
        ),
        (
            "getUserPresencesPurecloud",
            r#"{"userId": ""}"#,
            "userId must not be empty",
        ),
        (
            "getUserPresencesPurecloud",
            r#"{"userId": 42}"#,
            "userId must be a string",
        ),
        (
            "getUserPresencesPurecloud",
            r#"{"userId": "u", "user": 1}"#,
            "unknown parameter \"user\"",
        ),
        (
            "getPresencedefinitions",
            r#"{"pageSize": "ten"}"#,
            "pageSize must be an integer",
        ),
        (
            "getUsersPresencesPurecloudBulk",
            r#"{"id": "a,b"}"#,
            "id must be an array of strings, not a string",
        ),
        (
            "getUsersPresencesPurecloudBulk",
            r#"{"id": [1, 2]}"#,
            "id must be an array of strings",
        ),
        (
            "patchUserPresencesPurecloud",
            r#"{"userId": "u", "body": {"primary": "yes"}}"#,
            "body.primary",
        ),
        (
            "patchUserPresencesPurecloud",
            r#"{"userId": "u"}"#,
            "missing required parameter body",
        ),
        (
            "putUsersPresencesBulk",
            r#"{"body": {"id": "u"}}"#,
            "body: invalid type: map, expected a sequence",
        ),
        (
            "putUsersPresencesBulk",
            r#"{"body": [{"id": 5}]}"#,
            "body[0].id",
        ),
        (
            "getPresenceSettings",
            r#"{"body": {}}"#,
            "unknown parameter \"body\"",
        ),
        (
            "noSuchOperation",
            "{}",
            "unknown operation \"noSuchOperation\"",
        ),
        (
            "getuserpresencespurecloud",
            "{}",
            "did you mean getUserPresencesPurecloud?",
        ),
    ];
    for (operation, params, expected) in cases {
        let (status, json) = client.call(Some(operation), Some(params));
        assert_eq!(status, INVALID_ARGUMENT, "{operation} {params}: {json}");
        let error: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(error["kind"], "invalid_argument");
        assert!(
            message(&error).contains(expected),
            "{operation} {params}: {json}"
        );
    }
    // Deeply nested input is an error, not a stack overflow.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep = format!(r#"{{"userId": "u", "body": {{"someNewField": {nested}}}}}"#);
    let (status, json) = client.call(Some("patchUserPresencesPurecloud"), Some(&deep));
    assert_eq!(status, INVALID_ARGUMENT, "{json}");
    assert!(json.contains("recursion limit exceeded"), "{json}");
    mock.assert();
}

#[test]
fn bad_configs_name_the_key() {
    for (config, expected) in [
        (
            r#"{"basePth": "http://127.0.0.1:1"}"#,
            "unknown field `basePth`",
        ),
        (r#"{"timeoutMs": "fast"}"#, "timeoutMs"),
        (r#"{"environment": "not a host"}"#, "environment"),
        (r#"{"basePath": "http://example.com"}"#, "allowInsecureHttp"),
        (r#"{"accessToken": "a\nb"}"#, "accessToken"),
        ("[", "config: "),
    ] {
        let (status, handle, error) = client_new(Some(config));
        assert_eq!((status, handle), (INVALID_ARGUMENT, null_mut()), "{config}");
        let error: Value = serde_json::from_str(&error.unwrap()).unwrap();
        assert_eq!(error["kind"], "invalid_argument");
        assert!(message(&error).contains(expected), "{config}: {error}");
    }
    let (status, handle, error) = client_new(Some(""));
    assert_eq!((status, error), (0, None), "\"\" means all defaults");
    unsafe { gp_client_free(handle) };
}

/// A valid params object for every operation, from the official SDK fixture.
fn sample_params() -> Vec<(String, Value)> {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("fixtures/official_sdk_requests.json")).unwrap();
    OPERATIONS
        .iter()
        .map(|operation| {
            let case = cases
                .iter()
                .find(|case| case["operationId"] == operation.id)
                .unwrap();
            (operation.id.to_owned(), case["params"].clone())
        })
        .collect()
}

#[test]
fn every_operation_function_calls_its_own_operation() {
    let mut server = mockito::Server::new();
    let client = FfiClient::for_url(&server.url());
    assert_eq!(OPERATION_FUNCTIONS.len(), OPERATIONS.len());
    for ((operation_id, function), (sample_id, params)) in
        OPERATION_FUNCTIONS.iter().zip(sample_params())
    {
        assert_eq!(*operation_id, sample_id);
        let operation = OPERATIONS
            .iter()
            .find(|operation| operation.id == *operation_id)
            .unwrap();
        server.reset();
        let _mocks = mock_echo(
            &mut server,
            matches!(operation.response, Some(Payload::List(_))),
        );

        let params = CString::new(params.to_string()).unwrap();
        let mut out = null_mut();
        let status = unsafe { function(client.0, params.as_ptr(), &mut out) };
        let direct = take_string(out).unwrap();
        assert_eq!(status, 0, "{operation_id}: {direct}");
        let via_call = client.ok(
            operation_id,
            &serde_json::from_str(params.to_str().unwrap()).unwrap(),
        );
        let direct: Value = serde_json::from_str(&direct).unwrap();
        let (direct, via_call) = (Seen::from_echo(&direct), Seen::from_echo(&via_call));
        assert_eq!(direct.method, operation.method.as_str(), "{operation_id}");
        assert_eq!(
            direct.path_and_query, via_call.path_and_query,
            "{operation_id}"
        );
        assert_eq!(direct.body, via_call.body, "{operation_id}");
    }
    // NULL params_json means {}.
    let (_, function) = OPERATION_FUNCTIONS
        .iter()
        .find(|(id, _)| *id == "getSystempresences")
        .unwrap();
    server.reset();
    let _mocks = mock_echo(&mut server, true);
    let mut out = null_mut();
    assert_eq!(unsafe { function(client.0, null(), &mut out) }, 0);
    take_string(out);
}

#[test]
fn responses_are_returned_verbatim_and_empty_ones_as_null() {
    let mut server = mockito::Server::new();
    let client = FfiClient::for_url(&server.url());
    let body = r#"{"id":"u1","presenceDefinition":{"id":"d","systemPresence":"Busy"},"futureField":[1,{"x":null}]}"#;
    server
        .mock("GET", "/api/v2/users/u1/presences/purecloud")
        .match_header("authorization", "Bearer test-token")
        .match_header("accept", "application/json")
        .match_header("content-type", "application/json")
        .with_body(body)
        .create();
    let (status, json) = client.call(
        Some("getUserPresencesPurecloud"),
        Some(r#"{"userId":"u1"}"#),
    );
    assert_eq!((status, json.as_str()), (0, body));

    server
        .mock("DELETE", "/api/v2/presence/sources/s1")
        .with_status(204)
        .create();
    let (status, json) = client.call(Some("deletePresenceSource"), Some(r#"{"sourceId":"s1"}"#));
    assert_eq!((status, json.as_str()), (0, "null"));
}

#[test]
fn http_errors_carry_status_code_correlation_id_and_body() {
    let mut server = mockito::Server::new();
    let client = FfiClient::new(&json!({
        "basePath": server.url(), "accessToken": "t", "retry": {"maxRetries": 0}
    }));
    let error_body = json!({
        "message": "User not found", "code": "not.found", "status": 404,
        "contextId": "ctx-1", "details": [], "errors": []
    });
    server
        .mock("GET", "/api/v2/users/ghost/presences/purecloud")
        .with_status(404)
        .with_header("inin-correlation-id", "corr-404")
        .with_body(error_body.to_string())
        .create();
    let error = client.err(
        "getUserPresencesPurecloud",
        &json!({"userId": "ghost"}),
        HTTP,
    );
    assert_eq!(error["kind"], "http");
    assert_eq!(error["status"], 404);
    assert_eq!(error["code"], "not.found");
    assert_eq!(error["correlationId"], "corr-404");
    assert_eq!(error["body"], error_body);
    assert_eq!(error["retryAfterSeconds"], Value::Null);
    assert!(message(&error).contains("User not found"), "{error}");

    server
        .mock("GET", "/api/v2/presence/settings")
        .with_status(502)
        .with_header("content-type", "text/html")
        .with_body("<html><body><h1>502 Bad Gateway</h1>\n</body></html>")
        .create();
    let error = client.err("getPresenceSettings", &json!({}), HTTP);
    assert_eq!(
        (error["status"].as_u64(), &error["body"]),
        (Some(502), &Value::Null)
    );
    assert!(
        message(&error).contains("HTTP 502 Bad Gateway")
            && message(&error).contains("502 Bad Gateway</h1>")
    );

    server
        .mock("GET", "/api/v2/presence/sources")
        .with_status(500)
        .create();
    let error = client.err("getPresenceSources", &json!({}), HTTP);
    assert!(
        message(&error).contains("HTTP 500 Internal Server Error: empty body"),
        "{error}"
    );
}

#[test]
fn bodies_that_are_not_the_documented_json_are_decode_errors() {
    let mut server = mockito::Server::new();
    let client = FfiClient::for_url(&server.url());
    for (body, expected) in [
        (&b"{\"id\": \"u1\", \"name\""[..], "not JSON"),
        (b"<html>ok</html>", "not JSON"),
        (b"[]", "expected a JSON object (UserPresence)"),
        (b"\"text\"", "expected a JSON object (UserPresence)"),
        (b"{\"id\": \"\xff\"}", "not UTF-8"),
    ] {
        server.reset();
        server
            .mock("GET", "/api/v2/users/u1/presences/purecloud")
            .with_header("inin-correlation-id", "corr-bad")
            .with_body(body)
            .create();
        let error = client.err(
            "getUserPresencesPurecloud",
            &json!({"userId": "u1"}),
            DECODE,
        );
        assert_eq!(error["kind"], "decode");
        assert_eq!(
            (error["status"].as_u64(), error["correlationId"].as_str()),
            (Some(200), Some("corr-bad"))
        );
        assert!(message(&error).contains(expected), "{body:?}: {error}");
    }
}

#[test]
fn transport_and_auth_failures() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = FfiClient::new(&json!({
        "basePath": format!("http://127.0.0.1:{port}"), "accessToken": "t", "retry": {"maxRetries": 0}
    }));
    let error = client.err("getSystempresences", &json!({}), TRANSPORT);
    assert_eq!(error["kind"], "transport");

    let mut server = mockito::Server::new();
    let mock = server
        .mock("GET", mockito::Matcher::Any)
        .expect(1)
        .with_body("[]")
        .create();
    let client = FfiClient::new(&json!({"basePath": server.url()}));
    let error = client.err("getSystempresences", &json!({}), AUTH);
    assert!(message(&error).contains("no access token"), "{error}");

    let token = CString::new("fresh-token").unwrap();
    let mut out_error = null_mut();
    let status = unsafe { gp_client_set_access_token(client.0, token.as_ptr(), &mut out_error) };
    assert_eq!((status, out_error), (0, null_mut()));
    assert_eq!(client.ok("getSystempresences", &json!({})), json!([]));
    mock.assert();
}

#[test]
fn one_client_serves_many_threads_at_once() {
    let mut server = mockito::Server::new();
    let _mocks = mock_echo(&mut server, false);
    let client = Arc::new(FfiClient::for_url(&server.url()));
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let client = Arc::clone(&client);
            std::thread::spawn(move || {
                for call in 0..25 {
                    let user = format!("user-{thread}-{call}");
                    let echo = client.ok("getUserPresencesPurecloud", &json!({"userId": user}));
                    let seen = Seen::from_echo(&echo);
                    assert_eq!(
                        seen.path_and_query,
                        format!("/api/v2/users/{user}/presences/purecloud")
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
}

#[test]
fn version_and_operation_table_are_static_strings() {
    let version = unsafe { CStr::from_ptr(gp_version()) };
    assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    let table: Value = serde_json::from_str(
        unsafe { CStr::from_ptr(gp_operations_json()) }
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let table = table.as_array().unwrap();
    assert_eq!(table.len(), OPERATIONS.len());
    let bulk = table
        .iter()
        .find(|op| op["operationId"] == "putUsersPresencesBulk")
        .unwrap();
    assert_eq!(
        bulk["body"],
        json!({"model": "MutableUserPresence", "list": true})
    );
    assert_eq!(bulk["method"], "PUT");
    let old = table
        .iter()
        .find(|op| op["operationId"] == "getPresencedefinitions")
        .unwrap();
    assert_eq!(
        (
            old["deprecated"].as_bool(),
            old["params"].as_array().unwrap().len()
        ),
        (Some(true), 4)
    );
    // Same pointer every time: nothing to free.
    assert_eq!(gp_operations_json(), gp_operations_json());
    let _: *const c_char = gp_version();
}

extern "C" fn collect_line(user_data: *mut std::ffi::c_void, level: i32, message: *const c_char) {
    let lines = unsafe { &*(user_data as *const std::sync::Mutex<Vec<(i32, String)>>) };
    let message = unsafe { CStr::from_ptr(message) }
        .to_str()
        .unwrap()
        .to_owned();
    lines.lock().unwrap().push((level, message));
}

#[test]
fn log_lines_reach_a_c_callback_with_its_user_data() {
    use genesys_presence::ffi::log::{gp_client_set_log_callback, GP_LOG_INFO};
    let mut server = mockito::Server::new();
    let _mocks = mock_echo(&mut server, true);
    let client =
        FfiClient::new(&json!({"basePath": server.url(), "accessToken": "t", "logLevel": "info"}));
    let lines = std::sync::Mutex::new(Vec::<(i32, String)>::new());
    let user_data = &lines as *const _ as *mut std::ffi::c_void;
    let status =
        unsafe { gp_client_set_log_callback(client.0, Some(collect_line), user_data, null_mut()) };
    assert_eq!(status, 0);
    client.ok("getSystempresences", &json!({}));
    let status = unsafe { gp_client_set_log_callback(client.0, None, null_mut(), null_mut()) };
    assert_eq!(status, 0, "NULL callback: back to stderr");
    client.ok("getSystempresences", &json!({}));

    let lines = lines.lock().unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].0, GP_LOG_INFO);
    assert!(
        lines[0]
            .1
            .starts_with("GET /api/v2/systempresences -> 200 in "),
        "{lines:?}"
    );
    let mut error = null_mut();
    let status = unsafe {
        gp_client_set_log_callback(null_mut(), Some(collect_line), null_mut(), &mut error)
    };
    assert_eq!(status, INVALID_ARGUMENT);
    assert!(take_string(error).unwrap().contains("client is NULL"));
}
