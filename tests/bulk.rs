//! Bulk reads and writes past the 50-id limit, and all pages in one call.

mod common;

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;

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
    let meal = client.definition_id("Meal");
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
        6,
        "the chunk after the failing one was tried too"
    );
    let failed: Vec<&str> = error["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| failure["userId"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        ids[50..100],
        "one failure per user of the failed request"
    );
    assert_eq!(error["failures"][0]["error"]["status"], 404);
    assert_eq!(
        error["presences"],
        json!([]),
        "what the others read (nothing here)"
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

/// `POST /_sandbox/faults/users`: requests naming `users` fail with `status`.
fn fail_users(sandbox: &Sandbox, users: &[&str], status: u16) {
    ureq::post(format!("{}/_sandbox/faults/users", sandbox.url()))
        .header("Content-Type", "application/json")
        .send(json!({"userIds": users, "status": status}).to_string())
        .unwrap();
}

#[test]
fn a_write_with_bad_ids_and_a_failing_chunk_sets_everyone_else_and_names_each_failure() {
    let (sandbox, client) = sandbox_client(|_| {});
    let mut ids = user_ids(500);
    for (position, bad) in [(10, "bad-1"), (260, "bad-2"), (261, "bad-3")] {
        ids[position] = bad.to_owned();
    }
    ids[420] = "broken".to_owned();
    fail_users(&sandbox, &["bad-1", "bad-2", "bad-3"], 400);
    fail_users(&sandbox, &["broken"], 500);
    let busy = client.definition_id("Busy");
    let entries: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "presenceDefinition": {"id": busy}, "message": "shift start"}))
        .collect();
    let client = FfiClient::new(&json!({"basePath": sandbox.url(), "accessToken": TOKEN,
        "retry": {"maxRetries": 1, "maxRetryTimeMs": 2000}}));
    let (status, error) = call(
        &client,
        gp_put_users_presences_bulk_all,
        &json!({"body": entries, "concurrency": 4}),
    );
    assert_eq!(status, 2, "{error}");
    assert_eq!(error["status"], 400, "the first failure: bad-1's chunk");
    let failures = error["failures"].as_array().unwrap();
    let failed: Vec<&str> = failures
        .iter()
        .map(|failure| failure["userId"].as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = vec!["bad-1", "bad-2", "bad-3"];
    expected.extend(ids[400..450].iter().map(String::as_str));
    let mut sorted = failed.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(
        sorted, expected,
        "one failure per user not set, and only those"
    );
    for failure in failures {
        let status = failure["error"]["status"].as_u64().unwrap();
        let user = failure["userId"].as_str().unwrap();
        assert_eq!(
            status,
            if user.starts_with("bad-") { 400 } else { 500 },
            "{failure}"
        );
    }
    let succeeded = error["succeeded"].as_array().unwrap();
    assert_eq!(succeeded.len(), 500 - 53);

    // The sandbox's own state agrees, user by user.
    ureq::delete(format!("{}/_sandbox/faults/users", sandbox.url()))
        .call()
        .unwrap();
    let (status, presences) = call(
        &client,
        gp_get_users_presences_bulk_all,
        &json!({"id": ids, "concurrency": 4}),
    );
    assert_eq!(status, 0, "{presences}");
    for presence in presences.as_array().unwrap() {
        let user = presence["userId"].as_str().unwrap();
        let set = presence["message"] == "shift start";
        assert_eq!(set, !failed.contains(&user), "{user}: {presence}");
    }
}

#[test]
fn a_read_names_the_users_it_could_not_read_and_returns_the_others() {
    let (sandbox, client) = sandbox_client(|_| {});
    let mut ids = user_ids(120);
    ids[70] = "bad-read".to_owned();
    fail_users(&sandbox, &["bad-read"], 400);
    let (status, error) = call(
        &client,
        gp_get_users_presences_bulk_all,
        &json!({"id": ids}),
    );
    assert_eq!(status, 2);
    assert_eq!(
        error["failures"],
        json!([{"userId": "bad-read", "error": error["failures"][0]["error"]}])
    );
    assert_eq!(error["failures"][0]["error"]["status"], 400);
    let read: Vec<&str> = error["presences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|presence| presence["userId"].as_str().unwrap())
        .collect();
    let others: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| *id != "bad-read")
        .collect();
    assert_eq!(read, others, "everyone else, in order");
}

/// A plain TCP forwarder to `target` that counts the connections it accepts.
fn counting_forwarder(target: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            let upstream = TcpStream::connect(target).unwrap();
            let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
            let (mut down_read, mut down_write) = (client.try_clone().unwrap(), client);
            thread::spawn(move || std::io::copy(&mut up_read, &mut down_write));
            thread::spawn(move || std::io::copy(&mut down_read, &mut up_write));
        }
    });
    (url, accepted)
}

#[test]
fn a_bulk_call_right_after_another_opens_no_new_connection() {
    let sandbox = sandbox_with(|_| {});
    let (url, accepted) = counting_forwarder(sandbox.address());
    let client = FfiClient::new(&json!({"basePath": url, "accessToken": TOKEN}));
    let ids = user_ids(2_000);
    for concurrency in [8, 16] {
        let (status, _) = call(
            &client,
            gp_get_users_presences_bulk_all,
            &json!({"id": ids, "concurrency": concurrency}),
        );
        assert_eq!(status, 0);
        let opened = accepted.load(Ordering::SeqCst);
        assert!(
            opened <= concurrency,
            "{opened} connections for {concurrency} at once"
        );
        let (status, _) = call(
            &client,
            gp_get_users_presences_bulk_all,
            &json!({"id": ids, "concurrency": concurrency}),
        );
        assert_eq!(status, 0);
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            opened,
            "the second call at concurrency {concurrency} reused the pool"
        );
    }
}
