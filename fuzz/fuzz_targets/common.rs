//! Shared by the fuzz targets: reading the strings the C ABI hands out, and
//! the checks every answer must pass whatever the input was.
#![allow(dead_code)] // each target uses a different subset

use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;
use std::sync::OnceLock;

use genesys_presence::ffi::client::{gp_client, gp_client_new};
use genesys_presence::ffi::strings::gp_string_free;
use genesys_presence::ffi::GP_ERROR_INTERNAL;
use serde_json::Value;

/// One client for the whole run, made on first use from the config JSON that
/// `config` returns; never freed.
pub fn shared_client(config: impl FnOnce() -> String) -> *const gp_client {
    struct Handle(*mut gp_client);
    // SAFETY: gp_client is documented thread-safe; the handle is never freed.
    unsafe impl Send for Handle {}
    unsafe impl Sync for Handle {}
    static CLIENT: OnceLock<Handle> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            let config = CString::new(config()).expect("config JSON without NUL");
            let mut client = null_mut();
            // SAFETY: valid pointers; out_error may be NULL.
            let status = unsafe { gp_client_new(config.as_ptr(), &mut client, null_mut()) };
            assert_eq!(status, 0);
            Handle(client)
        })
        .0
}

/// The fuzz input as a C string: up to its first NUL, as C would see it.
pub fn c_string(data: &[u8]) -> CString {
    let text = data.split(|&byte| byte == 0).next().unwrap_or_default();
    CString::new(text).expect("cut at the first NUL")
}

/// Copies and frees a string the library returned; it must be UTF-8.
pub fn take_string(ptr: *mut c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string from the library, freed right after.
    let text = unsafe { CStr::from_ptr(ptr) }
        .to_str()
        .expect("the library hands out UTF-8")
        .to_owned();
    unsafe { gp_string_free(ptr) };
    Some(text)
}

/// Checks an answer of the C ABI: never an internal error (the panic boundary
/// turns a panic into one, so this is where a panic becomes a fuzzer crash),
/// and an error JSON object with the documented keys whenever the call failed.
pub fn check_answer(status: i32, json: &str) -> Option<Value> {
    assert_ne!(
        status, GP_ERROR_INTERNAL,
        "a panic or internal error: {json}"
    );
    let value: Value = serde_json::from_str(json).expect("the library hands out JSON");
    if status == 0 {
        return None;
    }
    let kind = value["kind"].as_str().expect("error JSON has a kind");
    let expected_kind = match status {
        1 => "invalid_argument",
        2 => "http",
        3 => "transport",
        4 => "auth",
        5 => "decode",
        other => panic!("undocumented status {other}: {json}"),
    };
    assert_eq!(kind, expected_kind, "{json}");
    assert!(value["message"].is_string(), "{json}");
    for key in [
        "status",
        "code",
        "correlationId",
        "retryAfterSeconds",
        "body",
    ] {
        assert!(value.get(key).is_some(), "error JSON lacks {key}: {json}");
    }
    Some(value)
}
