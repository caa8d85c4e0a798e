//! Helpers of the hardening tests: C-ABI clients of scripted servers, status codes,
//! raw HTTP answers, and the lock that memory-measuring tests take.

use std::sync::{Mutex, MutexGuard};

use serde_json::{json, Value};

use super::scripted::{Reply, ScriptedServer};
use super::FfiClient;

pub const INVALID_ARGUMENT: i32 = 1;
pub const HTTP: i32 = 2;
pub const TRANSPORT: i32 = 3;
pub const AUTH: i32 = 4;
pub const DECODE: i32 = 5;

pub const MIB: u64 = 1024 * 1024;

/// A C-ABI client of `url` with a static token and `extra` config keys.
pub fn client_with(url: &str, extra: Value) -> FfiClient {
    let mut config = json!({"basePath": url, "accessToken": super::TOKEN});
    config
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    FfiClient::new(&config)
}

/// A client that reports the first failure instead of retrying it.
pub fn no_retry_client(url: &str) -> FfiClient {
    client_with(url, json!({"retry": {"maxRetries": 0}}))
}

/// A server answering `replies` in turn, each followed by the `{}` of the
/// normal call that checks the client still works after it.
pub fn each_then_ok(replies: impl IntoIterator<Item = Reply>) -> ScriptedServer {
    ScriptedServer::sequence(
        replies
            .into_iter()
            .flat_map(|reply| [reply, Reply::json(200, "{}")])
            .collect(),
    )
}

/// The normal call after every fault: scripted servers answer it `{}` once
/// their faults are used up, and it must succeed on the same client.
pub fn assert_still_works(client: &FfiClient) {
    assert_eq!(client.ok("getPresenceSettings", &json!({})), json!({}));
}

pub fn get_settings_error(client: &FfiClient, status: i32) -> Value {
    client.err("getPresenceSettings", &json!({}), status)
}

pub fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap()
}

/// Tests that measure the process's memory take this lock, so that no other
/// large allocation of this test binary runs at the same time.
pub fn memory_lock() -> MutexGuard<'static, ()> {
    static MEMORY: Mutex<()> = Mutex::new(());
    MEMORY.lock().unwrap_or_else(|poison| poison.into_inner())
}

pub fn head(status_line: &str, headers: &[&str]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status_line}\r\n");
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

pub fn with_body(mut head: Vec<u8>, body: &str) -> Vec<u8> {
    head.extend_from_slice(body.as_bytes());
    head
}

/// JSON nested `depth` arrays deep.
pub fn deep_json(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}
