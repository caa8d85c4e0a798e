//! The C side of cancellation and progress: `gp_cancel` and `gp_call_with`.

use std::ffi::{c_char, c_void};

use super::boundary::{answer_json, boundary};
use super::gp_status;
use super::handle::gp_client;
use super::pointers::{client_ref, optional_str_arg, str_arg};
use crate::cancel::{CallOptions, Cancel};

/// A cancel request: made with `gp_cancel_new`, given to calls through
/// `gp_call_options`, requested from any thread with `gp_cancel_request`, freed
/// with `gp_cancel_free`. Opaque; safe to use from many threads at once.
#[allow(non_camel_case_types)]
pub struct gp_cancel {
    cancel: Cancel,
}

/// Called after each request of a `gp_call_with` call with what is done so
/// far and the total (users for the bulk helpers, pages for
/// `getPresencedefinitionsAll`, 1 for an operation). It may be called from any
/// thread, but never by two at once; it must not call back into the library
/// with the same options.
#[allow(non_camel_case_types)]
pub type gp_progress_fn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, done: u64, total: u64)>;

/// What may go with a call: a cancel and a progress callback, each optional.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gp_call_options {
    /// NULL: the call cannot be cancelled.
    pub cancel: *const gp_cancel,
    /// NULL: no progress reports.
    pub progress: gp_progress_fn,
    /// Passed to `progress` as is.
    pub progress_user_data: *mut c_void,
}

/// A new cancel request, not yet requested. Free it with `gp_cancel_free`
/// once no call uses it. Never NULL. Thread-safe.
#[no_mangle]
pub extern "C" fn gp_cancel_new() -> *mut gp_cancel {
    Box::into_raw(Box::new(gp_cancel {
        cancel: Cancel::new(),
    }))
}

/// Requests the cancel: every call given it stops starting requests, ends any
/// wait between retries, and answers `GP_ERROR_CANCELLED` once its requests in
/// flight are back (at most one round trip). Any thread, any number of times;
/// NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn gp_cancel_request(cancel: *const gp_cancel) {
    // SAFETY: NULL or a live handle, per the contract.
    boundary(
        |_| (),
        || {
            if let Some(cancel) = unsafe { cancel.as_ref() } {
                cancel.cancel.request();
            }
        },
    );
}

/// Frees a cancel request. NULL is a no-op. Call it once, after every call
/// given it has returned; the library never frees it.
#[no_mangle]
pub unsafe extern "C" fn gp_cancel_free(cancel: *mut gp_cancel) {
    // SAFETY: NULL or a handle from gp_cancel_new not used again, per the contract.
    boundary(
        |_| (),
        || {
            if !cancel.is_null() {
                drop(unsafe { Box::from_raw(cancel) });
            }
        },
    );
}

/// Calls an operation of the table by its `operationId`, or a bulk helper by
/// its name (`getUsersPresencesBulkAll`, `putUsersPresencesBulkAll`,
/// `getPresencedefinitionsAll`, taking the params of `gp_get_users_presences_bulk_all`
/// and friends), with the cancel and progress callback of `options`.
///
/// `options` may be NULL (no cancel, no progress), as may each of its fields.
/// A requested cancel answers `GP_ERROR_CANCELLED` (error kind `cancelled`);
/// for the bulk helpers its error JSON names each user not read or not set
/// (`failures`) and carries what was (`presences` / `succeeded`). Otherwise as
/// `gp_call` (and the bulk helpers): `*out_json` is always written unless
/// `out_json` is NULL, and freed with `gp_string_free`. No pointer is kept
/// after the call. Many threads may call at once, with the same cancel or not.
#[no_mangle]
pub unsafe extern "C" fn gp_call_with(
    client: *const gp_client,
    operation_id: *const c_char,
    params_json: *const c_char,
    options: *const gp_call_options,
    out_json: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_json(out_json, || {
            let client = client_ref(client)?.inner();
            let name = str_arg(operation_id, "operation_id")?;
            let params_json = optional_str_arg(params_json, "params_json")?.unwrap_or("");
            let options = options.as_ref();
            let cancel = options
                .and_then(|options| options.cancel.as_ref())
                .map(|cancel| &cancel.cancel);
            let progress = options.and_then(|options| {
                options.progress.map(|function| CProgress {
                    function,
                    user_data: options.progress_user_data,
                })
            });
            let report = |done: u64, total: u64| {
                if let Some(progress) = &progress {
                    // SAFETY (of the enclosing block): the caller's callback, with
                    // the caller's data.
                    (progress.function)(progress.user_data, done, total)
                }
            };
            let options = CallOptions {
                cancel,
                progress: progress.is_some().then_some(&report as _),
            };
            client.call_with(name, params_json, options)
        })
    }
}

/// The caller's progress callback and its data.
struct CProgress {
    function: unsafe extern "C" fn(*mut c_void, u64, u64),
    user_data: *mut c_void,
}

// SAFETY: the contract of `gp_progress_fn` lets the library call it from any
// thread, one call at a time (the library's lock ensures that), with its data.
unsafe impl Sync for CProgress {}
