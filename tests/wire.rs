//! Every operation sends what the official Python SDK sends for the same
//! inputs: each case of `tests/fixtures/official_sdk_requests.json` (captured
//! from PureCloudPlatformClientV2 269.0.0 by `tests/official_sdk/`) is replayed
//! through `gp_call` against an echo server and compared.
//!
//! Deliberate differences, asserted as such:
//! - `/` inside an id is sent as `%2F` (one segment), where the SDK leaves it raw;
//! - ids that are empty, `.` or `..` are refused before sending (the SDK sends
//!   them, and its HTTP stack resolves `..` to another endpoint);
//! - an empty list parameter is omitted (the SDK sends `id=`);
//! - `null` body fields are sent as given (the SDK drops a model's `None`s);
//! - query spaces are `%20` and list commas literal (the SDK: `+`, `%2C`):
//!   queries are compared after form decoding.

mod common;

use common::{mock_echo, FfiClient, Seen, TOKEN};
use genesys_presence::operations::{find, Location, Payload, OPERATIONS};
use serde_json::Value;

fn fixture() -> Vec<Value> {
    let text = include_str!("fixtures/official_sdk_requests.json");
    serde_json::from_str(text).unwrap()
}

fn decoded_path(path: &str) -> String {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn decoded_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(_, value)| !value.is_empty())
        .collect()
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key.clone(), without_nulls(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Whether the case gives a path parameter we refuse (empty, `.`, `..`).
fn has_unsendable_id(case: &Value) -> bool {
    let operation = find(case["operationId"].as_str().unwrap()).unwrap();
    operation
        .params
        .iter()
        .filter(|param| param.location == Location::Path)
        .any(|param| matches!(case["params"][param.name].as_str(), Some("" | "." | "..")))
}

#[test]
fn every_operation_sends_what_the_official_sdk_sends() {
    let cases = fixture();
    let mut server = mockito::Server::new();
    let client = FfiClient::for_url(&server.url());
    let mut covered = std::collections::BTreeSet::new();
    let mut refused = 0;

    for case in &cases {
        let operation_id = case["operationId"].as_str().unwrap();
        let name = format!("{operation_id} / {}", case["case"]);
        let operation = find(operation_id).unwrap();
        let sdk = &case["sent"];
        server.reset();
        let as_array = matches!(operation.response, Some(Payload::List(_)));
        let mocks = mock_echo(&mut server, as_array);
        let (status, output) = client.call(Some(operation_id), Some(&case["params"].to_string()));

        if has_unsendable_id(case) {
            assert_eq!(status, 1, "{name}: {output}");
            assert!(output.contains("\"kind\":\"invalid_argument\""), "{name}");
            mocks
                .iter()
                .for_each(|mock| assert!(!mock.matched(), "{name}: sent"));
            refused += 1;
            continue;
        }
        assert_eq!(status, 0, "{name}: {output}");
        let echo: Value = serde_json::from_str(&output).unwrap();
        let seen = Seen::from_echo(&echo);

        assert_eq!(seen.method, sdk["method"], "{name}");
        let (path, query) = seen
            .path_and_query
            .split_once('?')
            .unwrap_or((&seen.path_and_query, ""));
        assert_eq!(
            decoded_path(path),
            decoded_path(sdk["path"].as_str().unwrap()),
            "{name}"
        );
        assert_eq!(
            path.matches('/').count(),
            operation.path.matches('/').count(),
            "{name}: every id stays in its own segment"
        );
        assert_eq!(
            decoded_query(query),
            decoded_query(sdk["query"].as_str().unwrap()),
            "{name}"
        );
        for header in ["authorization", "accept", "content-type"] {
            assert_eq!(
                seen.header(header),
                sdk["headers"][header].as_str(),
                "{name}: {header}"
            );
        }
        assert_eq!(
            seen.header("authorization"),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert!(seen
            .header("user-agent")
            .unwrap()
            .starts_with("genesys-presence/"));
        let sdk_body = (!sdk["body"].is_null()).then(|| sdk["body"].clone());
        assert_eq!(seen.body.as_ref().map(without_nulls), sdk_body, "{name}");
        covered.insert(operation_id);
    }

    assert_eq!(
        covered.len(),
        OPERATIONS.len(),
        "every operation has a sendable case"
    );
    assert!(
        refused >= 3,
        "the fixture's '.', '..' and empty ids were refused"
    );
}

#[test]
fn exact_bytes_on_the_wire_for_reserved_characters() {
    let mut server = mockito::Server::new();
    let client = FfiClient::for_url(&server.url());
    let _mocks = mock_echo(&mut server, true);
    let echo = client.ok(
        "getUsersPresenceBulk",
        &serde_json::json!({"sourceId": "a/b?c#d", "id": ["x y", "1,2", "é"]}),
    );
    assert_eq!(
        Seen::from_echo(&echo).path_and_query,
        "/api/v2/users/presences/a%2Fb%3Fc%23d/bulk?id=x%20y,1%2C2,%C3%A9"
    );
}
