//! The client handle and the generic call.

use std::ffi::c_char;
use std::ptr::null_mut;

use super::boundary::{answer_json, answer_status};
use super::gp_status;
use super::pointers::{client_ref, drop_raw_client, into_raw_client, optional_str_arg, str_arg};
use crate::client::Client;
use crate::error::Error;
use crate::operations::{self, Operation};

pub use super::handle::gp_client;

/// Creates a client from a JSON config object (keys in the README; `""` means
/// all defaults; an unknown key is an error).
///
/// On `GP_OK`, `*out_client` is a new client, to be freed with
/// `gp_client_free`, and `*out_error` (if `out_error` is not NULL) is NULL. On
/// any other status, `*out_client` is NULL and `*out_error` (if not NULL) is an
/// error JSON object to free with `gp_string_free`.
///
/// NULL `config_json` or `out_client` is `GP_ERROR_INVALID_ARGUMENT`;
/// `out_error` may be NULL. No pointer is kept after the call. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn gp_client_new(
    config_json: *const c_char,
    out_client: *mut *mut gp_client,
    out_error: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_status(out_error, || {
            let out_client = out_client
                .as_mut()
                .ok_or_else(|| Error::invalid_argument("out_client is NULL"))?;
            *out_client = null_mut();
            let config_json = str_arg(config_json, "config_json")?;
            // The C ABI's lines go to each client's callback, or stderr.
            crate::log::install();
            let client = Client::from_json(config_json)?;
            *out_client = into_raw_client(gp_client::new(client));
            Ok(())
        })
    }
}

/// Frees a client. NULL is a no-op. Call it once, after every call using the
/// client has returned (on every thread); freeing twice is undefined behaviour.
#[no_mangle]
pub unsafe extern "C" fn gp_client_free(client: *mut gp_client) {
    // SAFETY: NULL or a handle from gp_client_new not used again, per the contract.
    super::boundary::boundary(|_| (), || unsafe { drop_raw_client(client) });
}

/// Replaces the client's bearer token, for callers that run their own OAuth
/// flow (authorization code, PKCE, SAML). Takes effect for calls that start
/// after it returns; safe while other threads make calls.
///
/// Returns `GP_OK`, or `GP_ERROR_INVALID_ARGUMENT` for a NULL client, a NULL,
/// empty or non-UTF-8 token, or one with characters not allowed in an HTTP
/// header; then `*out_error` (if `out_error` is not NULL) is an error JSON to
/// free with `gp_string_free`, else NULL. The token is copied.
#[no_mangle]
pub unsafe extern "C" fn gp_client_set_access_token(
    client: *const gp_client,
    access_token: *const c_char,
    out_error: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_status(out_error, || {
            let client = client_ref(client)?;
            let token = str_arg(access_token, "access_token")?;
            client.inner().set_access_token(token)
        })
    }
}

/// Calls any operation by its `operationId` (e.g. `"getUserPresencesPurecloud"`).
///
/// `params_json` is a JSON object of the operation's parameters by their API
/// names, e.g. `{"userId": "...", "body": {...}}`; NULL or `""` means `{}`.
/// Nothing is sent unless every parameter is valid.
///
/// Always writes `*out_json` (unless `out_json` is NULL, which returns
/// `GP_ERROR_INVALID_ARGUMENT`): on `GP_OK` the response body as JSON (`null`
/// when the API returns none), otherwise an error JSON object. Either way the
/// caller frees it with `gp_string_free`. No pointer is kept after the call.
/// Many threads may call at once on one client.
#[no_mangle]
pub unsafe extern "C" fn gp_call(
    client: *const gp_client,
    operation_id: *const c_char,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_json(out_json, || {
            let client = client_ref(client)?;
            let operation = operations::find(str_arg(operation_id, "operation_id")?)?;
            call_with_params(client, operation, params_json)
        })
    }
}

/// The body of `gp_call` and of every per-operation function.
///
/// # Safety
/// `params_json` is NULL or a NUL-terminated string.
pub(crate) unsafe fn call_with_params(
    client: &gp_client,
    operation: &Operation,
    params_json: *const c_char,
) -> crate::Result<String> {
    // SAFETY: see the function's contract.
    let params_json = unsafe { optional_str_arg(params_json, "params_json") }?.unwrap_or("");
    let params = operations::parse_params(params_json)?;
    client.inner().execute(operation, &params)
}

/// The per-operation functions' shared body.
///
/// # Safety
/// As for the per-operation functions: NULL or valid pointers.
pub(crate) unsafe fn call_operation(
    client: *const gp_client,
    operation: &Operation,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_status {
    // SAFETY: see the function's contract.
    unsafe {
        answer_json(out_json, || {
            call_with_params(client_ref(client)?, operation, params_json)
        })
    }
}
