//! Arbitrary bytes as the config JSON of `gp_client_new`: it either makes a
//! client or refuses with an `invalid_argument` error naming the config, and
//! never panics, leaks or crashes.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ptr::null_mut;

use common::{c_string, check_answer, take_string};
use genesys_presence::ffi::client::{gp_client_free, gp_client_new};
use genesys_presence::ffi::{GP_ERROR_INVALID_ARGUMENT, GP_OK};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = c_string(data);
    let mut client = null_mut();
    let mut error = null_mut();
    // SAFETY: valid pointers for the call.
    let status = unsafe { gp_client_new(config.as_ptr(), &mut client, &mut error) };
    let error = take_string(error);
    match status {
        GP_OK => {
            assert!(error.is_none() && !client.is_null());
            // SAFETY: a live handle, freed once.
            unsafe { gp_client_free(client) };
        }
        GP_ERROR_INVALID_ARGUMENT => {
            assert!(client.is_null(), "no client on error");
            let error = error.expect("an error JSON on error");
            let value = check_answer(status, &error).expect("an error object");
            let message = value["message"].as_str().unwrap_or_default();
            // "config: ..." or "config_json is not valid UTF-8".
            assert!(message.starts_with("config"), "{message}");
        }
        other => panic!("gp_client_new returned {other}: {error:?}"),
    }
});
