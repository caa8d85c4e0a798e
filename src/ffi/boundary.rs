//! The one panic boundary of the C ABI: no panic unwinds into C.

use std::any::Any;
use std::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::pointers::into_c_string;
use super::{gp_status, status_of, GP_ERROR_INVALID_ARGUMENT, GP_OK};
use crate::error::{Error, Result};

/// Runs `body`; if it panics, returns `on_panic(message)` instead.
pub(crate) fn boundary<R>(on_panic: impl FnOnce(String) -> R, body: impl FnOnce() -> R) -> R {
    // The state `body` touches is either its own or behind locks that recover
    // from poisoning, so observing it after a panic is sound.
    catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| on_panic(panic_message(&*payload)))
}

/// The boundary of every function that answers through a `char **out_json`:
/// runs `body`, writes its JSON (or the error JSON) to `*out_json`, and returns
/// the status. With `out_json` NULL there is nowhere to answer: nothing runs.
///
/// # Safety
/// `out_json` is NULL or valid for one pointer write.
pub(crate) unsafe fn answer_json(
    out_json: *mut *mut c_char,
    body: impl FnOnce() -> Result<String>,
) -> gp_status {
    if out_json.is_null() {
        return GP_ERROR_INVALID_ARGUMENT;
    }
    let result = boundary(|message| Err(Error::internal(message)), body);
    let (status, json) = match result {
        Ok(json) => (GP_OK, json),
        Err(error) => (status_of(error.kind), error.to_json()),
    };
    // SAFETY: non-NULL and valid for a write, per this function's contract.
    unsafe { *out_json = into_c_string(json) };
    status
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message");
    format!("internal error (a bug in genesys-presence, please report it): {detail}")
}

/// The boundary of every function that answers with a status and an optional
/// `char **out_error`: `*out_error` becomes the error JSON, or NULL on success.
///
/// # Safety
/// `out_error` is NULL or valid for one pointer write.
pub(crate) unsafe fn answer_status(
    out_error: *mut *mut c_char,
    body: impl FnOnce() -> Result<()>,
) -> gp_status {
    let result = boundary(|message| Err(Error::internal(message)), body);
    let (status, error_json) = match result {
        Ok(()) => (GP_OK, std::ptr::null_mut()),
        Err(error) => (status_of(error.kind), into_c_string(error.to_json())),
    };
    if out_error.is_null() {
        // SAFETY: NULL or from into_c_string, not used again.
        unsafe { super::pointers::drop_c_string(error_json) };
    } else {
        // SAFETY: non-NULL and valid for a write, per this function's contract.
        unsafe { *out_error = error_json };
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::pointers::drop_c_string;
    use crate::ffi::GP_ERROR_INTERNAL;
    use std::ffi::CStr;

    fn take(ptr: *mut c_char) -> String {
        let text = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        unsafe { drop_c_string(ptr) };
        text
    }

    #[test]
    fn a_panic_becomes_an_internal_error_json() {
        let mut out = std::ptr::null_mut();
        let status = unsafe { answer_json(&mut out, || panic!("kaboom {}", 42)) };
        assert_eq!(status, GP_ERROR_INTERNAL);
        let error: serde_json::Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(error["kind"], "internal");
        assert!(error["message"].as_str().unwrap().contains("kaboom 42"));

        let mut out_error = std::ptr::null_mut();
        let status = unsafe { answer_status(&mut out_error, || panic!("static message")) };
        assert_eq!(status, GP_ERROR_INTERNAL);
        assert!(take(out_error).contains("static message"));
        let status = unsafe { answer_status(std::ptr::null_mut(), || panic!("unseen")) };
        assert_eq!(
            status, GP_ERROR_INTERNAL,
            "a NULL out_error still gets the status"
        );
    }
}
