//! Helpers shared by the integration tests: calling the C ABI from Rust, and a
//! mock API that answers with a JSON echo of the request it received.
#![allow(dead_code)] // each test crate uses a different subset

pub mod hardening;
pub mod notifications;
pub mod proxy;
pub mod scripted;
pub mod watching;

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};

use genesys_presence::ffi::client::{gp_call, gp_client, gp_client_free, gp_client_new};
use genesys_presence::ffi::strings::gp_string_free;
use serde_json::{json, Value};

pub const TOKEN: &str = "test-token";

/// A sandbox that accepts [`TOKEN`], with options adjusted by `tweak`.
pub fn sandbox_with(
    tweak: impl FnOnce(&mut presence_sandbox::SandboxOptions),
) -> presence_sandbox::Sandbox {
    use presence_sandbox::{Sandbox, SandboxOptions};
    let mut options = SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        ..SandboxOptions::default()
    };
    tweak(&mut options);
    Sandbox::start(options).expect("sandbox starts")
}

/// A client handle made through the C ABI, freed on drop.
pub struct FfiClient(pub *mut gp_client);

// The handle is documented Send + Sync; the raw pointer hides that from Rust.
unsafe impl Send for FfiClient {}
unsafe impl Sync for FfiClient {}

impl FfiClient {
    pub fn new(config: &Value) -> FfiClient {
        let (status, client, error) = client_new(Some(&config.to_string()));
        assert_eq!(status, 0, "gp_client_new failed: {error:?}");
        FfiClient(client)
    }

    /// A client of `base_url` with a static token.
    pub fn for_url(base_url: &str) -> FfiClient {
        FfiClient::new(&json!({"basePath": base_url, "accessToken": TOKEN}))
    }

    /// `gp_call` with Rust strings; `None` passes NULL.
    pub fn call(&self, operation_id: Option<&str>, params_json: Option<&str>) -> (i32, String) {
        let operation_id = operation_id.map(|text| CString::new(text).unwrap());
        let params_json = params_json.map(|text| CString::new(text).unwrap());
        let mut out = null_mut();
        let status = unsafe {
            gp_call(
                self.0,
                operation_id.as_ref().map_or(null(), |text| text.as_ptr()),
                params_json.as_ref().map_or(null(), |text| text.as_ptr()),
                &mut out,
            )
        };
        (
            status,
            take_string(out).expect("gp_call always writes out_json"),
        )
    }

    /// `gp_call` that must succeed; the parsed response.
    /// The id of the organization's presence definition for `system_presence`.
    pub fn definition_id(&self, system_presence: &str) -> Value {
        let definitions = self.ok("getPresenceDefinitions", &json!({}));
        definitions["entities"]
            .as_array()
            .expect("a listing")
            .iter()
            .find(|definition| definition["systemPresence"] == system_presence)
            .unwrap_or_else(|| panic!("no {system_presence} definition"))["id"]
            .clone()
    }

    pub fn ok(&self, operation_id: &str, params: &Value) -> Value {
        let (status, json) = self.call(Some(operation_id), Some(&params.to_string()));
        assert_eq!(status, 0, "{operation_id} failed: {json}");
        serde_json::from_str(&json).unwrap()
    }

    /// `gp_call` that must fail with `status`; the parsed error JSON.
    pub fn err(&self, operation_id: &str, params: &Value, status: i32) -> Value {
        let (got, json) = self.call(Some(operation_id), Some(&params.to_string()));
        assert_eq!(got, status, "{operation_id}: {json}");
        serde_json::from_str(&json).unwrap()
    }
}

impl Drop for FfiClient {
    fn drop(&mut self) {
        unsafe { gp_client_free(self.0) };
    }
}

/// `gp_client_new` with a Rust string; `None` passes NULL. Returns the status,
/// the handle and the error JSON.
pub fn client_new(config_json: Option<&str>) -> (i32, *mut gp_client, Option<String>) {
    let config_json = config_json.map(|text| CString::new(text).unwrap());
    let mut client = null_mut();
    let mut error = null_mut();
    let status = unsafe {
        gp_client_new(
            config_json.as_ref().map_or(null(), |text| text.as_ptr()),
            &mut client,
            &mut error,
        )
    };
    (status, client, take_string(error))
}

/// Copies and frees a string the library returned.
pub fn take_string(ptr: *mut c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
    unsafe { gp_string_free(ptr) };
    Some(text)
}

/// The process's resident memory (`VmRSS` of `/proc/self/status`), in bytes.
pub fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse::<u64>().ok())
        .expect("VmRSS in /proc/self/status");
    kib * 1024
}

/// A request as the mock server saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub headers: Value,
    pub body: Option<Value>,
}

impl Seen {
    pub fn from_echo(echo: &Value) -> Seen {
        let echo = if echo.is_array() { &echo[0] } else { echo };
        Seen {
            method: echo["method"].as_str().unwrap().to_owned(),
            path_and_query: echo["pathAndQuery"].as_str().unwrap().to_owned(),
            headers: echo["headers"].clone(),
            body: match &echo["body"] {
                Value::String(text) if text.is_empty() => None,
                Value::String(text) => Some(serde_json::from_str(text).expect("body is JSON")),
                other => panic!("unexpected echo body {other}"),
            },
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers[name].as_str()
    }
}

/// Mocks every method and path with an echo of the request: a JSON object, or
/// an array holding it when `as_array`.
pub fn mock_echo(server: &mut mockito::Server, as_array: bool) -> Vec<mockito::Mock> {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .into_iter()
        .map(|method| {
            server
                .mock(method, mockito::Matcher::Any)
                .with_header("content-type", "application/json")
                .with_header("inin-correlation-id", "corr-echo")
                .with_body_from_request(move |request| {
                    let headers: serde_json::Map<String, Value> = request
                        .headers()
                        .iter()
                        .map(|(name, value)| {
                            (
                                name.as_str().to_owned(),
                                json!(value.to_str().unwrap_or("<binary>")),
                            )
                        })
                        .collect();
                    let echo = json!({
                        "method": request.method(),
                        "pathAndQuery": request.path_and_query(),
                        "headers": headers,
                        "body": request.utf8_lossy_body().unwrap(),
                    });
                    let echo = if as_array { json!([echo]) } else { echo };
                    echo.to_string().into_bytes()
                })
                .create()
        })
        .collect()
}
