//! The C side of the refresh-token grant's rotation: `gp_client_set_token_callback`.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use super::boundary::answer_status;
use super::gp_status;
use super::handle::gp_client;
use super::log::UserData;
use super::pointers::client_ref;
use crate::auth::{TokenCallback, TokenGrant};

/// Receives each token the refresh-token grant brings: `token_json` is
/// `{"refreshToken": "...", "accessToken": "...", "expiresIn": 86399}`, a
/// NUL-terminated string borrowed for the call (copy what you keep). Called on
/// the thread that renewed the token, never two at once for one client; it must
/// not unwind (throw, longjmp) into the library. The refresh token it names is
/// the one to persist: the one before it is spent.
#[allow(non_camel_case_types)]
pub type gp_token_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, token_json: *const c_char)>;

/// With `refreshToken` in the config, tells `callback` (with `user_data`) of every
/// token a renewal brings, the rotated refresh token among them, so that the
/// application can persist it. A NULL `callback` removes it. `user_data` is passed
/// back untouched and must stay valid, and usable from any thread, until the
/// callback is replaced or the client freed. Returns `GP_OK`, or
/// `GP_ERROR_INVALID_ARGUMENT` for a NULL client. Safe while other threads make
/// calls.
#[no_mangle]
pub unsafe extern "C" fn gp_client_set_token_callback(
    client: *const gp_client,
    callback: gp_token_fn,
    user_data: *mut c_void,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_status(std::ptr::null_mut(), || {
            let client = client_ref(client)?;
            let callback = callback.map(|callback| token_callback(callback, UserData(user_data)));
            client.inner().set_token_callback(callback);
            Ok(())
        })
    }
}

/// A token callback calling `callback`; its caller vouched for both arguments.
fn token_callback(
    callback: unsafe extern "C" fn(*mut c_void, *const c_char),
    user_data: UserData,
) -> TokenCallback {
    Arc::new(move |grant: &TokenGrant| {
        // The bytes hold tokens: zeroed once the callback returns.
        let mut json = zeroize::Zeroizing::new(serde_json::to_vec(grant).unwrap_or_default());
        json.push(0);
        // SAFETY: gp_client_set_token_callback's caller vouched for both; the
        // JSON has no NUL inside (serde_json escapes it) and one at the end.
        unsafe { callback(user_data.get(), json.as_ptr().cast()) };
    })
}
