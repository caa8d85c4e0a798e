//! The refresh-token grant: renewals with rotation, the token callback, a spent
//! refresh token refused, and bad input.

mod common;

use std::ffi::{c_char, c_void, CStr};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::FfiClient;
use genesys_presence::ffi::token::gp_client_set_token_callback;
use genesys_presence::ffi::{GP_ERROR_INVALID_ARGUMENT, GP_OK};
use genesys_presence::{Client, ErrorKind, TokenGrant};
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

fn sandbox(token_ttl_secs: u64) -> Sandbox {
    Sandbox::start(SandboxOptions {
        refresh_token: Some("first-refresh-token".to_owned()),
        token_ttl_secs,
        ..SandboxOptions::default()
    })
    .unwrap()
}

fn config(sandbox: &Sandbox, refresh_token: &str) -> Value {
    json!({"basePath": sandbox.url(), "authBasePath": sandbox.url(),
           "clientId": "sandbox-client", "clientSecret": "sandbox-secret",
           "refreshToken": refresh_token})
}

/// A client of `sandbox` whose token callback records the refresh tokens it is given.
fn recording_client(sandbox: &Sandbox, refresh_token: &str) -> (Client, Arc<Mutex<Vec<String>>>) {
    let client = Client::from_json(&config(sandbox, refresh_token).to_string()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    client.set_token_callback(Some(Arc::new(move |grant: &TokenGrant| {
        assert!(!grant.access_token.is_empty());
        record.lock().unwrap().push(grant.refresh_token.to_owned());
    })));
    (client, seen)
}

#[test]
fn each_renewal_rotates_the_refresh_token_and_tells_the_callback_once() {
    let sandbox = sandbox(2);
    let (client, seen) = recording_client(&sandbox, "first-refresh-token");
    client.call("getPresenceSettings", json!({})).unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1, "one grant, one callback");
    // The token lives 2 s and is renewed ahead of that: a later call renews it
    // with the rotated refresh token.
    thread::sleep(Duration::from_millis(2100));
    client.call("getPresenceSettings", json!({})).unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_ne!(seen[0], "first-refresh-token");
    assert_ne!(seen[0], seen[1], "rotated again");

    // The spent one is refused, with the login service's reason.
    let stale = Client::from_json(&config(&sandbox, "first-refresh-token").to_string()).unwrap();
    let error = stale.call("getPresenceSettings", json!({})).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Auth);
    assert!(error.message.contains("invalid_grant"), "{error}");
    // The one the callback was last given works in a new client.
    let resumed = Client::from_json(&config(&sandbox, &seen[1]).to_string()).unwrap();
    assert!(resumed.call("getPresenceSettings", json!({})).is_ok());
}

#[test]
fn a_token_callback_that_panics_is_logged_and_the_call_goes_on() {
    let sandbox = sandbox(3600);
    let mut config = config(&sandbox, "first-refresh-token");
    config["logLevel"] = json!("error");
    let client = Client::from_json(&config.to_string()).unwrap();
    client.set_token_callback(Some(Arc::new(|_: &TokenGrant| panic!("cannot persist"))));
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&lines);
    client.set_log_sink(Some(Arc::new(move |_, line: &str| {
        sink.lock().unwrap().push(line.to_owned())
    })));
    assert!(client.call("getPresenceSettings", json!({})).is_ok());
    let lines = lines.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|line| line.contains("token callback panicked")),
        "{lines:?}"
    );
}

#[test]
fn bad_refresh_token_configs_are_refused() {
    for (config, expected) in [
        (
            json!({"refreshToken": "r"}),
            "needs clientId and clientSecret",
        ),
        (
            json!({"refreshToken": "r", "clientId": "c"}),
            "needs clientId and clientSecret",
        ),
        (
            json!({"refreshToken": "", "clientId": "c", "clientSecret": "s"}),
            "refreshToken",
        ),
        (
            json!({"refreshToken": "a\nb", "clientId": "c", "clientSecret": "s"}),
            "refreshToken",
        ),
        (
            json!({"refreshToken": 5, "clientId": "c", "clientSecret": "s"}),
            "refreshToken",
        ),
    ] {
        let error = Client::from_json(&config.to_string()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidArgument, "{config}");
        assert!(error.message.contains(expected), "{config}: {error}");
        assert!(!format!("{error:?}").contains("a\nb"));
    }
}

unsafe extern "C" fn collect(user_data: *mut c_void, token_json: *const c_char) {
    let seen = unsafe { &*(user_data as *const Mutex<Vec<Value>>) };
    let json = unsafe { CStr::from_ptr(token_json) }.to_str().unwrap();
    seen.lock()
        .unwrap()
        .push(serde_json::from_str(json).unwrap());
}

#[test]
fn the_c_token_callback_gets_the_grant_as_json() {
    let sandbox = sandbox(3600);
    let client = FfiClient::new(&config(&sandbox, "first-refresh-token"));
    let seen: Box<Mutex<Vec<Value>>> = Box::default();
    let user_data = &*seen as *const Mutex<Vec<Value>> as *mut c_void;
    assert_eq!(
        unsafe { gp_client_set_token_callback(client.0, Some(collect), user_data) },
        GP_OK
    );
    client.ok("getPresenceSettings", &json!({}));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let grant = &seen[0];
    assert!(grant["refreshToken"]
        .as_str()
        .is_some_and(|t| t != "first-refresh-token"));
    assert!(grant["accessToken"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(grant["expiresIn"], 3600);
    let status =
        unsafe { gp_client_set_token_callback(std::ptr::null(), Some(collect), user_data) };
    assert_eq!(status, GP_ERROR_INVALID_ARGUMENT);
    assert_eq!(
        unsafe { gp_client_set_token_callback(client.0, None, std::ptr::null_mut()) },
        GP_OK
    );
}
