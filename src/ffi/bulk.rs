//! The C side of `bulk`: reads and writes for any number of users, and all
//! pages of a listing, each in one call.

use std::ffi::c_char;

use serde_json::value::RawValue;

use super::boundary::answer_json;
use super::client::gp_client;
use super::gp_status;
use super::pointers::{client_ref, optional_str_arg};
use crate::bulk::DEFAULT_CONCURRENCY;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operations::helpers::helper;
use crate::operations::{parse_params, Params};

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
    unsafe { answer_helper(client, params_json, out_json, function, read_presences) }
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
    unsafe { answer_helper(client, params_json, out_json, function, write_presences) }
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
    unsafe { answer_helper(client, params_json, out_json, function, all_definitions) }
}

fn read_presences(client: &Client, mut params: Params) -> Result<Vec<Box<RawValue>>> {
    let concurrency = take_concurrency(&mut params)?;
    let ids: Vec<String> = match params.remove("id") {
        Some(ids) if ids.get().starts_with('[') => serde_json::from_str(ids.get())
            .map_err(|_| invalid("id must be an array of strings"))?,
        _ => {
            return Err(invalid(
                "missing required parameter id (an array of strings)",
            ))
        }
    };
    let source_id: Option<String> = match params.remove("sourceId") {
        None => None,
        Some(source_id) => serde_json::from_str(source_id.get())
            .map_err(|_| invalid("sourceId must be a string"))?,
    };
    client.bulk_get_presences(source_id.as_deref(), &ids, concurrency)
}

fn write_presences(client: &Client, mut params: Params) -> Result<Vec<Box<RawValue>>> {
    let concurrency = take_concurrency(&mut params)?;
    let entries: Vec<&RawValue> = params
        .remove("body")
        .and_then(|body| serde_json::from_str(body.get()).ok())
        .ok_or_else(|| invalid("body must be an array of MutableUserPresence objects"))?;
    client.bulk_put_presences(&entries, concurrency)
}

fn all_definitions(client: &Client, params: Params) -> Result<Vec<Box<RawValue>>> {
    let params = params
        .into_iter()
        .map(|(name, value)| Ok((name, serde_json::from_str(value.get())?)))
        .collect::<serde_json::Result<_>>()
        .map_err(|error| invalid(&format!("params: {error}")))?;
    client.all_presencedefinitions(params)
}

fn invalid(message: &str) -> Error {
    Error::invalid_argument(message)
}

/// The shared body of the helpers: `run` gets the client and the parameters (keys
/// outside those of `function`'s row in the helper table refused), and its values
/// become one JSON array.
///
/// # Safety
/// As for the exported helpers: NULL or valid pointers.
unsafe fn answer_helper(
    client: *const gp_client,
    params_json: *const c_char,
    out_json: *mut *mut c_char,
    function: &str,
    run: impl FnOnce(&Client, Params) -> Result<Vec<Box<RawValue>>>,
) -> gp_status {
    // SAFETY: see the function's contract.
    unsafe {
        answer_json(out_json, || {
            let client = client_ref(client)?.inner();
            let accepted: Vec<&str> = helper(function)
                .ok_or_else(|| Error::internal(format!("{function} has no helper row")))?
                .params
                .iter()
                .map(|param| param.name)
                .collect();
            let params = helper_params(params_json, &accepted)?;
            let entries = run(client, params)?;
            serde_json::to_string(&entries).map_err(|error| Error::internal(error.to_string()))
        })
    }
}

/// Parses a helper's `params_json`, refusing keys outside `accepted`.
///
/// # Safety
/// `params_json` is NULL or a NUL-terminated string.
unsafe fn helper_params<'a>(params_json: *const c_char, accepted: &[&str]) -> Result<Params<'a>> {
    // SAFETY: see the function's contract.
    let text = unsafe { optional_str_arg(params_json, "params_json") }?.unwrap_or("");
    let mut params = parse_params(text)?;
    if let Some(unknown) = params.keys().find(|key| !accepted.contains(&key.as_str())) {
        return Err(Error::invalid_argument(format!(
            "unknown parameter {unknown:?}; expected {}",
            accepted.join(", ")
        )));
    }
    // As for operations, a null parameter counts as not given.
    params.retain(|_, value| value.get() != "null");
    Ok(params)
}

fn take_concurrency(params: &mut Params) -> Result<usize> {
    match params.remove("concurrency") {
        None => Ok(DEFAULT_CONCURRENCY),
        Some(value) => serde_json::from_str::<u64>(value.get())
            .map(|n| n as usize)
            .map_err(|_| invalid("concurrency must be an integer from 1 to 64")),
    }
}
