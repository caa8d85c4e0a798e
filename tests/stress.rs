//! One client, 8 threads, 10,000 `gp_call`s each through the C ABI against the
//! in-process sandbox: every answer is the right one for its thread, and the
//! process's memory stays flat once warmed up (no leak per call).
//!
//! `GP_STRESS_CALLS` sets the calls per thread (default 10,000): the default
//! takes about 30 s in a debug build on 2 cores.
//!
//! Attempts time out after 2 s and are retried (every call here is
//! idempotent): this test is about the client, not about waiting out the
//! default 30 s timeout should an answer be lost.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use common::{resident_bytes, sandbox_with, FfiClient, TOKEN};
use serde_json::{json, Value};

const THREADS: usize = 8;
const WARM_UP_CALLS: usize = 1_000;
/// Users each thread cycles through: the sandbox's state stays bounded, so any
/// growth is the library's.
const USERS_PER_THREAD: usize = 10;
const MAX_GROWTH_BYTES: u64 = 8 * 1024 * 1024;

fn calls_per_thread() -> usize {
    std::env::var("GP_STRESS_CALLS")
        .ok()
        .map(|calls| calls.parse().expect("GP_STRESS_CALLS is a number"))
        .unwrap_or(10_000)
        .max(2 * WARM_UP_CALLS)
}

/// The ids of the sandbox's active presence definitions.
fn definition_ids(client: &FfiClient) -> Vec<String> {
    let listing = client.ok("getPresenceDefinitions", &json!({}));
    let ids: Vec<String> = listing["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|definition| definition["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() >= 3, "{listing}");
    ids
}

/// Even calls set a user's presence and message, odd calls read them back;
/// both answers must carry exactly what this thread set.
fn run_thread(
    client: &FfiClient,
    thread: usize,
    calls: usize,
    definitions: &[String],
    warmed_up: &AtomicUsize,
    after_warm_up: &Mutex<u64>,
) {
    let mut expected: Vec<Option<(String, String)>> = vec![None; USERS_PER_THREAD];
    for call in 0..calls {
        // The last thread to finish warming up takes the sample; no thread
        // waits for another, so a failing thread fails the test, never hangs it.
        if call == WARM_UP_CALLS && warmed_up.fetch_add(1, Ordering::SeqCst) + 1 == THREADS {
            *after_warm_up.lock().unwrap() = resident_bytes();
        }
        let slot = (call / 2) % USERS_PER_THREAD;
        let user_id = format!("stress-{thread}-{slot}");
        let presence = if call % 2 == 0 {
            let definition = definitions[(call / 2 + thread) % definitions.len()].clone();
            let message = format!("thread {thread} call {call}");
            let presence = client.ok(
                "patchUserPresencesPurecloud",
                &json!({"userId": user_id, "body": {
                    "presenceDefinition": {"id": definition}, "message": message
                }}),
            );
            expected[slot] = Some((definition, message));
            presence
        } else {
            client.ok("getUserPresencesPurecloud", &json!({"userId": user_id}))
        };
        let (definition, message) = expected[slot].as_ref().unwrap();
        assert_eq!(presence["id"], Value::from(user_id.as_str()), "call {call}");
        assert_eq!(
            presence["presenceDefinition"]["id"],
            Value::from(definition.as_str()),
            "{user_id}, call {call}: {presence}"
        );
        assert_eq!(presence["message"], Value::from(message.as_str()));
    }
}

#[test]
fn eight_threads_on_one_client_get_their_own_answers_with_memory_flat() {
    let sandbox = sandbox_with(|_| {});
    let client = Arc::new(FfiClient::new(
        &json!({"basePath": sandbox.url(), "accessToken": TOKEN, "timeoutMs": 2000}),
    ));
    let definitions = Arc::new(definition_ids(&client));
    let calls = calls_per_thread();
    let warmed_up = Arc::new(AtomicUsize::new(0));
    let after_warm_up = Arc::new(Mutex::new(0));

    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let client = Arc::clone(&client);
            let definitions = Arc::clone(&definitions);
            let (warmed_up, after_warm_up) = (Arc::clone(&warmed_up), Arc::clone(&after_warm_up));
            thread::spawn(move || {
                run_thread(
                    &client,
                    thread,
                    calls,
                    &definitions,
                    &warmed_up,
                    &after_warm_up,
                )
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }

    let at_end = resident_bytes();
    let after_warm_up = *after_warm_up.lock().unwrap();
    let growth = at_end.saturating_sub(after_warm_up);
    assert!(
        growth < MAX_GROWTH_BYTES,
        "memory grew by {} KiB from call {WARM_UP_CALLS} to call {calls} of each thread",
        growth / 1024
    );
}
