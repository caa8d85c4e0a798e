//! The only place raw pointers become Rust values and back.

use std::ffi::{c_char, CStr, CString};

use super::handle::{gp_client, gp_watch};
use crate::error::{Error, Result};

/// Borrows a NUL-terminated UTF-8 argument; NULL and bad UTF-8 are errors
/// naming the argument.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string that outlives the returned borrow.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str> {
    // SAFETY: see the function's contract.
    unsafe { optional_str_arg(ptr, name) }?
        .ok_or_else(|| Error::invalid_argument(format!("{name} is NULL")))
}

/// As [`str_arg`], but NULL is `None`.
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn optional_str_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes
        .to_str()
        .map(Some)
        .map_err(|error| Error::invalid_argument(format!("{name} is not valid UTF-8: {error}")))
}

/// Borrows the client behind a handle; NULL is an error.
///
/// # Safety
/// `ptr` is NULL or a live handle from `gp_client_new`.
pub(crate) unsafe fn client_ref<'a>(ptr: *const gp_client) -> Result<&'a gp_client> {
    // SAFETY: see the function's contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid_argument("client is NULL"))
}

/// Hands a client to C.
pub(crate) fn into_raw_client(client: gp_client) -> *mut gp_client {
    Box::into_raw(Box::new(client))
}

/// Takes a client back from C and drops it; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw_client`] and is not used again.
pub(crate) unsafe fn drop_raw_client(ptr: *mut gp_client) {
    if !ptr.is_null() {
        // SAFETY: see the function's contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Borrows the watch behind a handle; NULL is an error.
///
/// # Safety
/// `ptr` is NULL or a live handle from `gp_watch_new`.
pub(crate) unsafe fn watch_ref<'a>(ptr: *const gp_watch) -> Result<&'a gp_watch> {
    // SAFETY: see the function's contract.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid_argument("watch is NULL"))
}

/// Hands a watch to C.
pub(crate) fn into_raw_watch(watch: gp_watch) -> *mut gp_watch {
    Box::into_raw(Box::new(watch))
}

/// Takes a watch back from C and drops it; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`into_raw_watch`] and is not used again.
pub(crate) unsafe fn drop_raw_watch(ptr: *mut gp_watch) {
    if !ptr.is_null() {
        // SAFETY: see the function's contract.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Hands a string to C, to be freed with `gp_string_free`.
pub(crate) fn into_c_string(text: String) -> *mut c_char {
    // CString::new's own scan is a tenth the speed of memchr's on a bulk answer.
    let c_string = if memchr::memchr(0, text.as_bytes()).is_none() {
        // SAFETY: just checked: no NUL byte.
        unsafe { CString::from_vec_unchecked(text.into_bytes()) }
    } else {
        // Unreachable: JSON text escapes NUL. Keep the contract regardless.
        CString::from(c"{\"kind\":\"internal\",\"message\":\"output contained a NUL byte\"}")
    };
    c_string.into_raw()
}

/// Takes a string back from C and drops it; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or came from [`into_c_string`] and is not used again.
pub(crate) unsafe fn drop_c_string(ptr: *mut c_char) {
    if !ptr.is_null() {
        // SAFETY: see the function's contract.
        drop(unsafe { CString::from_raw(ptr) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let ptr = into_c_string(text.to_owned());
        // SAFETY: from into_c_string, freed right after.
        let back = unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned();
        unsafe { drop_c_string(ptr) };
        back
    }

    #[test]
    fn strings_reach_c_whole_or_as_an_error_if_they_hold_a_nul() {
        let long = format!("[{}]", r#""é","#.repeat(5000));
        assert_eq!(round_trip(&long), long);
        assert_eq!(round_trip(""), "");
        let refused = round_trip(&format!("{long}\0tail"));
        assert!(refused.contains("NUL byte"), "{refused}");
    }
}
