//! Cancellation and progress: `gp_cancel`, `gp_call_with`, and `Client::call_with`.

mod common;

use std::ffi::{c_void, CString};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::scripted::{Reply, ScriptedServer};
use common::{sandbox_with, take_string, FfiClient, TOKEN};
use genesys_presence::ffi::cancel::{
    gp_call_options, gp_call_with, gp_cancel, gp_cancel_free, gp_cancel_new, gp_cancel_request,
};
use genesys_presence::ffi::{GP_ERROR_CANCELLED, GP_ERROR_INVALID_ARGUMENT, GP_OK};
use genesys_presence::{CallOptions, Cancel, Client, ErrorKind};
use presence_sandbox::Sandbox;
use serde_json::{json, Value};

fn stats(sandbox: &Sandbox) -> Value {
    let mut answer = ureq::get(format!("{}/_sandbox/stats", sandbox.url()))
        .call()
        .unwrap();
    serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap()
}

fn requests(sandbox: &Sandbox) -> u64 {
    stats(sandbox)["requests"].as_u64().unwrap()
}

fn user_ids(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("user-{n:05}")).collect()
}

/// What a C progress callback saw, and when to cancel.
struct Watcher {
    reports: Mutex<Vec<(u64, u64)>>,
    inside: AtomicBool,
    overlapped: AtomicBool,
    cancel_at: u64,
    cancel: *const gp_cancel,
    cancelled_at: Mutex<Option<Instant>>,
}

unsafe extern "C" fn on_progress(user_data: *mut c_void, done: u64, total: u64) {
    let watcher = unsafe { &*(user_data as *const Watcher) };
    if watcher.inside.swap(true, Ordering::SeqCst) {
        watcher.overlapped.store(true, Ordering::SeqCst);
    }
    watcher.reports.lock().unwrap().push((done, total));
    if done >= watcher.cancel_at && !watcher.cancel.is_null() {
        watcher
            .cancelled_at
            .lock()
            .unwrap()
            .get_or_insert_with(Instant::now);
        unsafe { gp_cancel_request(watcher.cancel) };
    }
    thread::sleep(Duration::from_micros(200)); // widen any overlap
    watcher.inside.store(false, Ordering::SeqCst);
}

fn call_with(
    client: &FfiClient,
    name: &str,
    params: &Value,
    options: Option<&gp_call_options>,
) -> (i32, Value) {
    let (status, answer, _) = call_with_timed(client, name, params, options);
    (status, answer)
}

/// As `call_with`, with the instant the call returned.
fn call_with_timed(
    client: &FfiClient,
    name: &str,
    params: &Value,
    options: Option<&gp_call_options>,
) -> (i32, Value, Instant) {
    let name = CString::new(name).unwrap();
    let params = CString::new(params.to_string()).unwrap();
    let mut out = std::ptr::null_mut();
    let options = options.map_or(std::ptr::null(), |options| options as *const _);
    let status =
        unsafe { gp_call_with(client.0, name.as_ptr(), params.as_ptr(), options, &mut out) };
    let returned = Instant::now();
    let answer = serde_json::from_str(&take_string(out).unwrap()).unwrap();
    (status, answer, returned)
}

fn watcher(cancel_at: u64, cancel: *const gp_cancel) -> Box<Watcher> {
    Box::new(Watcher {
        reports: Mutex::default(),
        inside: AtomicBool::new(false),
        overlapped: AtomicBool::new(false),
        cancel_at,
        cancel,
        cancelled_at: Mutex::new(None),
    })
}

fn options_for(watcher: &Watcher) -> gp_call_options {
    gp_call_options {
        cancel: watcher.cancel,
        progress: Some(on_progress),
        progress_user_data: watcher as *const Watcher as *mut c_void,
    }
}

#[test]
fn a_cancel_at_thirty_percent_of_a_ten_thousand_user_read_comes_back_within_one_round_trip() {
    let sandbox = sandbox_with(|options| options.latency_ms = 50);
    let client = FfiClient::new(&json!({"basePath": sandbox.url(), "accessToken": TOKEN}));
    let cancel = gp_cancel_new();
    let watcher = watcher(3_000, cancel);
    let ids = user_ids(10_000);
    let (status, error, returned) = call_with_timed(
        &client,
        "getUsersPresencesBulkAll",
        &json!({"id": ids, "concurrency": 8}),
        Some(&options_for(&watcher)),
    );
    let cancelled_at = watcher.cancelled_at.lock().unwrap().expect("cancelled");
    assert_eq!(status, GP_ERROR_CANCELLED, "{error}");
    assert_eq!(error["kind"], "cancelled");
    let took = returned - cancelled_at;
    assert!(
        took < Duration::from_millis(250),
        "back {took:?} after the cancel"
    );
    let sent = requests(&sandbox);
    thread::sleep(Duration::from_millis(300));
    assert_eq!(
        requests(&sandbox),
        sent,
        "no request after the call returned"
    );
    assert!(sent < 200, "{sent} of 200 requests");
    let read = error["presences"].as_array().unwrap().len();
    let failed = error["failures"].as_array().unwrap().len();
    assert_eq!(read + failed, 10_000, "every user read or named");
    assert_eq!(read as u64, sent * 50, "one per user of each request sent");
    assert!(
        !watcher.overlapped.load(Ordering::SeqCst),
        "reports never overlap"
    );
    unsafe { gp_cancel_free(cancel) };
}

#[test]
fn progress_rises_to_the_total_one_report_at_a_time() {
    let sandbox = sandbox_with(|_| {});
    let client = FfiClient::new(&json!({"basePath": sandbox.url(), "accessToken": TOKEN}));
    let watcher = watcher(u64::MAX, std::ptr::null());
    let ids = user_ids(1_234);
    let (status, presences) = call_with(
        &client,
        "getUsersPresencesBulkAll",
        &json!({"id": ids, "concurrency": 8}),
        Some(&options_for(&watcher)),
    );
    assert_eq!(status, GP_OK);
    assert_eq!(presences.as_array().unwrap().len(), 1_234);
    let reports = watcher.reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 25, "one per request");
    assert!(
        reports.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "{reports:?}"
    );
    assert_eq!(reports.last(), Some(&(1_234, 1_234)));
    assert!(reports.iter().all(|(_, total)| *total == 1_234));
    assert!(!watcher.overlapped.load(Ordering::SeqCst));

    // An operation of the table: one request, one report.
    let watcher = watcher_for_one();
    let (status, _) = call_with(
        &client,
        "getPresenceSettings",
        &json!({}),
        Some(&options_for(&watcher)),
    );
    assert_eq!(status, GP_OK);
    assert_eq!(*watcher.reports.lock().unwrap(), [(1, 1)]);
    // And the pages of the definitions.
    let watcher = watcher_for_one();
    let (status, definitions) = call_with(
        &client,
        "getPresencedefinitionsAll",
        &json!({"pageSize": 4}),
        Some(&options_for(&watcher)),
    );
    assert_eq!(status, GP_OK);
    let pages = definitions.as_array().unwrap().len().div_ceil(4) as u64;
    assert_eq!(
        watcher.reports.lock().unwrap().last(),
        Some(&(pages, pages))
    );
}

fn watcher_for_one() -> Box<Watcher> {
    watcher(u64::MAX, std::ptr::null())
}

#[test]
fn a_cancelled_write_says_which_users_were_set_and_the_sandbox_agrees() {
    let sandbox = sandbox_with(|options| options.latency_ms = 20);
    let client = FfiClient::new(&json!({"basePath": sandbox.url(), "accessToken": TOKEN}));
    let busy = client.definition_id("Busy");
    let ids = user_ids(2_000);
    let entries: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "presenceDefinition": {"id": busy}, "message": "set"}))
        .collect();
    let cancel = gp_cancel_new();
    let watcher = watcher(500, cancel);
    let (status, error) = call_with(
        &client,
        "putUsersPresencesBulkAll",
        &json!({"body": entries, "concurrency": 4}),
        Some(&options_for(&watcher)),
    );
    assert_eq!(status, GP_ERROR_CANCELLED, "{error}");
    let set: Vec<String> = error["succeeded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|presence| presence["id"].as_str().unwrap().to_owned())
        .collect();
    let failed: Vec<String> = error["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| failure["userId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(set.len() + failed.len(), 2_000);
    assert!(set.len() >= 500 && set.len() < 2_000, "{}", set.len());
    let (status, presences) = call_with(
        &client,
        "getUsersPresencesBulkAll",
        &json!({"id": ids}),
        None,
    );
    assert_eq!(status, GP_OK);
    for presence in presences.as_array().unwrap() {
        let user = presence["userId"].as_str().unwrap().to_owned();
        assert_eq!(presence["message"] == "set", set.contains(&user), "{user}");
    }
    unsafe { gp_cancel_free(cancel) };
}

#[test]
fn a_cancel_ends_a_retry_after_wait_at_once() {
    let server = ScriptedServer::start(|_| Reply::json(429, "{}").with_header("Retry-After", "10"));
    let client =
        Client::from_json(&json!({"basePath": server.url, "accessToken": "t"}).to_string())
            .unwrap();
    let cancel = Arc::new(Cancel::new());
    let other = Arc::clone(&cancel);
    let canceller = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        other.request();
    });
    let started = Instant::now();
    let options = CallOptions {
        cancel: Some(&cancel),
        progress: None,
    };
    let error = client
        .call_with("getPresenceSettings", "{}", options)
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.received().len(), 1, "no request after the cancel");
    canceller.join().unwrap();

    // Requested before the call: nothing is sent.
    let error = client
        .call_with("getPresenceSettings", "{}", options)
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Cancelled);
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_panicking_progress_callback_ends_the_call_with_an_error() {
    let sandbox = sandbox_with(|_| {});
    let client =
        Client::from_json(&json!({"basePath": sandbox.url(), "accessToken": TOKEN}).to_string())
            .unwrap();
    let calls = AtomicU64::new(0);
    let report = |_done: u64, _total: u64| {
        calls.fetch_add(1, Ordering::SeqCst);
        panic!("a bug in the callback");
    };
    let options = CallOptions {
        cancel: None,
        progress: Some(&report),
    };
    let params = json!({"id": user_ids(500), "concurrency": 1}).to_string();
    let error = client
        .call_with("getUsersPresencesBulkAll", &params, options)
        .unwrap_err();
    assert!(error.message.contains("a bug in the callback"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "never called again");
    assert!(requests(&sandbox) < 10, "the call stopped");
}

#[test]
fn bad_input_to_gp_call_with() {
    let sandbox = sandbox_with(|_| {});
    let client = FfiClient::new(&json!({"basePath": sandbox.url(), "accessToken": TOKEN}));
    for (name, params, expected) in [
        (
            "getUsersPresencesBulkAll",
            json!({"id": ["a"], "concurrency": 0}),
            "concurrency",
        ),
        (
            "getUsersPresencesBulkAll",
            json!({"id": ["a"], "concurrency": 65}),
            "concurrency",
        ),
        (
            "getUsersPresencesBulkAll",
            json!({"ids": ["a"]}),
            "unknown parameter",
        ),
        ("noSuchOperation", json!({}), "noSuchOperation"),
    ] {
        let (status, error) = call_with(&client, name, &params, None);
        assert_eq!(status, GP_ERROR_INVALID_ARGUMENT, "{name} {params}");
        assert!(
            error["message"].as_str().unwrap().contains(expected),
            "{error}"
        );
    }
    // NULL options mean none; NULL fields too.
    let empty = gp_call_options {
        cancel: std::ptr::null(),
        progress: None,
        progress_user_data: std::ptr::null_mut(),
    };
    assert_eq!(
        call_with(&client, "getPresenceSettings", &json!({}), Some(&empty)).0,
        GP_OK
    );
    assert_eq!(
        call_with(&client, "getPresenceSettings", &json!({}), None).0,
        GP_OK
    );
    let mut out = std::ptr::null_mut();
    let name = CString::new("getPresenceSettings").unwrap();
    let status = unsafe {
        gp_call_with(
            std::ptr::null(),
            name.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            &mut out,
        )
    };
    assert_eq!(status, GP_ERROR_INVALID_ARGUMENT);
    assert!(take_string(out).unwrap().contains("client is NULL"));
    let status = unsafe {
        gp_call_with(
            client.0,
            name.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(status, GP_ERROR_INVALID_ARGUMENT);
    unsafe {
        gp_cancel_request(std::ptr::null());
        gp_cancel_free(std::ptr::null_mut());
    }
}
