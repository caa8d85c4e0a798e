//! Bulk reads and writes past the 50-id limit, and all pages in one call.

mod common;

use common::scripted::{Reply, ScriptedServer};
use common::{sandbox_with, FfiClient, TOKEN};
use genesys_presence::ffi::bulk::{
    gp_get_presencedefinitions_all, gp_get_users_presences_bulk_all,
    gp_put_users_presences_bulk_all,
};
use genesys_presence::ffi::operations::OperationFunction;
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

fn call(client: &FfiClient, function: OperationFunction, params: &Value) -> (i32, Value) {
    let params = std::ffi::CString::new(params.to_string()).unwrap();
    let mut out = std::ptr::null_mut();
    let status = unsafe { function(client.0, params.as_ptr(), &mut out) };
    (
        status,
        serde_json::from_str(&common::take_string(out).unwrap()).unwrap(),
    )
}

fn sandbox_client(tweak: impl FnOnce(&mut SandboxOptions)) -> (Sandbox, FfiClient) {
    let sandbox = sandbox_with(tweak);
    let client = FfiClient::new(
        &json!({"basePath": sandbox.url(), "accessToken": TOKEN, "retry": {"maxRetries": 10}}),
    );
    (sandbox, client)
}

fn user_ids(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("user-{n:05}")).collect()
}

#[test]
fn writes_and_reads_past_fifty_users_keep_their_order() {
    let (sandbox, client) = sandbox_client(|_| {});
    let definitions = client.ok("getPresenceDefinitions", &json!({}));
    let meal = definitions["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|definition| definition["systemPresence"] == "Meal")
        .unwrap()["id"]
        .clone();
    let ids = user_ids(230);
    let entries: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "source": "PURECLOUD", "presenceDefinition": {"id": meal}}))
        .collect();
    let (status, written) = call(
        &client,
        gp_put_users_presences_bulk_all,
        &json!({"body": entries, "concurrency": 4}),
    );
    assert_eq!(status, 0, "{written}");
    assert_eq!(written.as_array().unwrap().len(), 230);

    let mut shuffled = ids.clone();
    shuffled.reverse();
    let (status, read) = call(
        &client,
        gp_get_users_presences_bulk_all,
        &json!({"id": shuffled}),
    );
    assert_eq!(status, 0, "{read}");
    let read = read.as_array().unwrap();
    let order: Vec<&str> = read
        .iter()
        .map(|presence| presence["userId"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        shuffled.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(read
        .iter()
        .all(|presence| presence["presenceDefinition"]["systemPresence"] == "Meal"));
    drop(sandbox);
}

#[test]
fn each_request_carries_at_most_fifty_ids_and_429s_are_honoured() {
    let (_sandbox, client) = sandbox_client(|options| {
        options.fault_429_rate = 0.3;
        options.retry_after_secs = 0;
    });
    let (status, read) = call(
        &client,
        gp_get_users_presences_bulk_all,
        &json!({"id": user_ids(500), "concurrency": 8}),
    );
    assert_eq!(status, 0, "{read}");
    assert_eq!(read.as_array().unwrap().len(), 500);

    let server = ScriptedServer::start(|request| {
        if request.target.contains("bad") {
            Reply::json(404, r#"{"message":"no such user","code":"not.found"}"#)
        } else {
            Reply::json(200, "[]")
        }
    });
    let client = FfiClient::for_url(&server.url);
    let mut ids = user_ids(120);
    let (status, _) = call(
        &client,
        gp_get_users_presences_bulk_all,
        &json!({"id": ids, "concurrency": 1}),
    );
    assert_eq!(status, 0);
    let sizes: Vec<usize> = server
        .received()
        .iter()
        .map(|request| {
            request
                .target
                .split_once("id=")
                .unwrap()
                .1
                .split(',')
                .count()
        })
        .collect();
    assert_eq!(sizes, [50, 50, 20]);

    ids[60] = "bad".into();
    let (status, error) = call(
        &client,
        gp_get_users_presences_bulk_all,
        &json!({"id": ids, "concurrency": 1}),
    );
    assert_eq!((status, error["status"].as_u64()), (2, Some(404)));
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("request 2 of 3: "),
        "{error}"
    );
    assert_eq!(
        server.received().len(),
        5,
        "nothing was sent after the failing request"
    );
}

#[test]
fn answers_are_ordered_by_user_and_passed_on_as_sent() {
    // Out of order, one user named only by `id`, one by an escaped `userId`,
    // and two naming no requested user (one with a non-string `userId`).
    let answer = r#"[{"userId":"zz","n":1},{"userId":"u2","n":2},{"id":"u0","n":3},{"userId":"u\/1","n":4.50},{"userId":5,"id":"nobody","n":5}]"#;
    let server = ScriptedServer::start(move |_| Reply::json(200, answer));
    let client = FfiClient::for_url(&server.url);
    let params = std::ffi::CString::new(json!({"id": ["u0", "u/1", "u2"]}).to_string()).unwrap();
    let mut out = std::ptr::null_mut();
    let status = unsafe { gp_get_users_presences_bulk_all(client.0, params.as_ptr(), &mut out) };
    assert_eq!(status, 0);
    assert_eq!(
        common::take_string(out).unwrap(),
        r#"[{"id":"u0","n":3},{"userId":"u\/1","n":4.50},{"userId":"u2","n":2},{"userId":"zz","n":1},{"userId":5,"id":"nobody","n":5}]"#
    );
}

#[test]
fn all_pages_in_one_call() {
    let (_sandbox, client) = sandbox_client(|_| {});
    let (status, all) = call(
        &client,
        gp_get_presencedefinitions_all,
        &json!({"pageSize": 3}),
    );
    assert_eq!(status, 0, "{all}");
    assert_eq!(all.as_array().unwrap().len(), 10);
    let (status, all) = call(&client, gp_get_presencedefinitions_all, &json!({}));
    assert_eq!((status, all.as_array().unwrap().len()), (0, 10));
}

#[test]
fn helpers_validate_their_parameters() {
    let (_sandbox, client) = sandbox_client(|_| {});
    for (function, params, expected) in [
        (
            gp_get_users_presences_bulk_all as OperationFunction,
            json!({}),
            "missing required parameter id",
        ),
        (
            gp_get_users_presences_bulk_all,
            json!({"id": "a,b"}),
            "missing required parameter id",
        ),
        (
            gp_get_users_presences_bulk_all,
            json!({"id": [1]}),
            "id must be an array of strings",
        ),
        (
            gp_get_users_presences_bulk_all,
            json!({"id": ["a"], "concurrency": 0}),
            "concurrency must be between 1 and 64",
        ),
        (
            gp_get_users_presences_bulk_all,
            json!({"id": ["a"], "concurrency": 65}),
            "concurrency must be between 1 and 64",
        ),
        (
            gp_get_users_presences_bulk_all,
            json!({"id": ["a"], "ids": []}),
            "unknown parameter \"ids\"",
        ),
        (
            gp_put_users_presences_bulk_all,
            json!({"body": {}}),
            "body must be an array",
        ),
        (
            gp_put_users_presences_bulk_all,
            json!({"body": [{"primary": "yes"}]}),
            "body[0].primary",
        ),
        (
            gp_get_presencedefinitions_all,
            json!({"pageNumber": 2}),
            "unknown parameter \"pageNumber\"",
        ),
    ] {
        let (status, error) = call(&client, function, &params);
        assert_eq!(status, 1, "{params}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{params}: {error}"
        );
    }
}
