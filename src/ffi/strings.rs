//! Strings the library hands out, and its version.

use std::ffi::{c_char, CString};
use std::sync::LazyLock;

use super::boundary::boundary;
use super::pointers::drop_c_string;
use crate::config_keys::config_keys_json;
use crate::operations::helpers::helpers_json;
use crate::operations::table_json;

/// Frees a string the library returned (`out_json`, `out_error`). NULL is a
/// no-op; freeing twice, or freeing a string the library did not allocate, is
/// undefined behaviour. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn gp_string_free(s: *mut c_char) {
    // SAFETY: NULL or a string from this library not used again, per the contract.
    boundary(|_| (), || unsafe { drop_c_string(s) });
}

/// The library's version, e.g. `"0.1.0"`: a static string, never freed.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn gp_version() -> *const c_char {
    const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
    ) {
        Ok(version) => version,
        Err(_) => panic!("the version has no NUL byte"),
    };
    boundary(|_| VERSION.as_ptr(), || VERSION.as_ptr())
}

/// Every operation the library knows, as a JSON array of objects:
/// `operationId`, `function` (its `gp_` function), `method`, `path`, `summary`, `description`, `params` (each
/// `name`, `in` (`path`/`query`), `type` (`string`/`integer`/`array`),
/// `required`, `description`), `body` and `response` (`{"model", "list"}` or
/// `null`), `permissions` (`{"mode", "list"}`), `deprecated`, `replacedBy`,
/// `idempotent`. A static string, never freed. Thread-safe.
#[no_mangle]
pub extern "C" fn gp_operations_json() -> *const c_char {
    static TABLE: LazyLock<CString> = LazyLock::new(|| {
        CString::new(table_json().to_string()).expect("JSON text has no NUL byte")
    });
    boundary(|_| c"[]".as_ptr(), || TABLE.as_ptr())
}

/// Every key of the config JSON `gp_client_new` takes, as a JSON array of objects:
/// `name` (camelCase), `type` (`string`/`integer`/`boolean`/`object`), `choices` (the
/// strings it may be, or `null`), `keys` (an object's own keys, alike, or `null`),
/// `default` (as documented, or `null`) and `doc`. A static string, never freed.
/// Thread-safe.
#[no_mangle]
pub extern "C" fn gp_config_keys_json() -> *const c_char {
    static TABLE: LazyLock<CString> = LazyLock::new(|| {
        CString::new(config_keys_json().to_string()).expect("JSON text has no NUL byte")
    });
    boundary(|_| c"[]".as_ptr(), || TABLE.as_ptr())
}

/// Every helper past the API's per-request limits (`gp_get_users_presences_bulk_all`
/// and the like), as a JSON array of objects: `name` (camelCase, as an operationId),
/// `function` (the C function), `summary`, `params` (each `name`, `type`
/// (`array`/`body`/`string`/`integer`), `required`, `model` (for `body`: what each
/// entry is) and `description`), `response` (the model of each entry of the array it
/// answers). A static string, never freed. Thread-safe.
#[no_mangle]
pub extern "C" fn gp_helpers_json() -> *const c_char {
    static TABLE: LazyLock<CString> = LazyLock::new(|| {
        CString::new(helpers_json().to_string()).expect("JSON text has no NUL byte")
    });
    boundary(|_| c"[]".as_ptr(), || TABLE.as_ptr())
}
