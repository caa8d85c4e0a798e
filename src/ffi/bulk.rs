//! The C side of `bulk`: reads and writes for any number of users, and all
//! pages of a listing, each in one call.

use std::ffi::c_char;

use super::boundary::answer_json;
use super::client::gp_client;
use super::gp_status;
use super::pointers::{client_ref, optional_str_arg};
use crate::cancel::Control;
use crate::error::Error;
use crate::operations::helpers::helper;

/// Reads the presence of any number of users in one call: the ids are sent
/// 50 per `getUsersPresencesPurecloudBulk` request (or `getUsersPresenceBulk`
/// with a `sourceId`), several requests at once over the client's pooled
/// connections, each retried as the config allows (429s included).
///
/// `params_json`: `{"id": ["...", ...], "sourceId": "..." (optional),
/// "concurrency": 8 (optional, 1 to 64)}`. On `GP_OK`, `*out_json` is one JSON
/// array of `UcUserPresence` objects in the order of `id` (users the API did
/// not return are absent). Every request is tried, and one the API refuses
/// with 400 is split down to the ids refused; when any user is not read,
/// `*out_json` is the error JSON of the first request that failed (its message
/// prefixed with which one) with `"failures": [{"userId", "error"}, ...]`, one
/// per user not read, and `"presences"`, those read. Same ownership, NULL and
/// thread rules as `gp_call`.
#[no_mangle]
pub unsafe extern "C" fn gp_get_users_presences_bulk_all(
    client: *const gp_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_status {
    let function = "gp_get_users_presences_bulk_all";
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe { answer_helper(client, params_json, out_json, function) }
}

/// Sets the presence of any number of users in one call: `body` is sent 50
/// entries per `putUsersPresencesBulk` request, several at once.
///
/// `params_json`: `{"body": [MutableUserPresence, ...], "concurrency": 8
/// (optional, 1 to 64)}`. On `GP_OK`, `*out_json` is one JSON array of the
/// `UserPresence` objects the API returned, in the order of the requests.
/// Every request is tried, and one the API refuses with 400 is split down to
/// the entries refused; when any user is not set, `*out_json` is the error
/// JSON of the first request that failed with `"failures": [{"userId",
/// "error"}, ...]`, one per entry not set, and `"succeeded"`, the answers for
/// the others. Same ownership, NULL and thread rules as `gp_call`.
#[no_mangle]
pub unsafe extern "C" fn gp_put_users_presences_bulk_all(
    client: *const gp_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_status {
    let function = "gp_put_users_presences_bulk_all";
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe { answer_helper(client, params_json, out_json, function) }
}

/// Every organization presence definition, following all pages of the
/// deprecated `getPresencedefinitions` in one call.
///
/// `params_json`: its parameters but `pageNumber`: `pageSize` (default 100),
/// `deleted`, `localeCode`; NULL or `""` means `{}`. On `GP_OK`, `*out_json` is
/// one JSON array of `OrganizationPresence` objects. Same ownership, NULL and
/// thread rules as `gp_call`.
#[no_mangle]
pub unsafe extern "C" fn gp_get_presencedefinitions_all(
    client: *const gp_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
) -> gp_status {
    let function = "gp_get_presencedefinitions_all";
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe { answer_helper(client, params_json, out_json, function) }
}

/// The shared body of the helpers: the helper of C function `function` on the
/// client, with `params_json`.
///
/// # Safety
/// As for the exported helpers: NULL or valid pointers.
unsafe fn answer_helper(
    client: *const gp_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    function: &str,
) -> gp_status {
    // SAFETY: see the function's contract.
    unsafe {
        answer_json(out_json, || {
            let client = client_ref(client)?.inner();
            let helper = helper(function)
                .ok_or_else(|| Error::internal(format!("{function} has no helper row")))?;
            let params_json = optional_str_arg(params_json, "params_json")?.unwrap_or("");
            client.call_helper(helper, params_json, &Control::default())
        })
    }
}
