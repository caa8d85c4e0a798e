//! Routing the library's log lines to the host program.

use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

use super::boundary::answer_status;
use super::client::gp_client;
use super::gp_status;
use super::pointers::client_ref;
use crate::log::{LogLevel, LogSink};

/// Log levels, as passed to a `gp_log_callback`; also the order of the
/// config's `logLevel` values.
pub const GP_LOG_ERROR: i32 = 1;
pub const GP_LOG_WARN: i32 = 2;
pub const GP_LOG_INFO: i32 = 3;
pub const GP_LOG_DEBUG: i32 = 4;
pub const GP_LOG_TRACE: i32 = 5;

/// Receives one log line: `level` is a `GP_LOG_*` constant and `message` a
/// NUL-terminated UTF-8 line, valid only during the call (copy it to keep it).
/// Called on whichever thread made the call that logs, possibly several at
/// once; it must not unwind (throw, longjmp) into the library.
#[allow(non_camel_case_types)]
pub type gp_log_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, level: i32, message: *const c_char)>;

/// The caller's `user_data`, which it promises may be used from any thread.
pub(crate) struct UserData(pub(crate) *mut c_void);
// SAFETY: gp_client_set_log_callback's contract makes this the caller's promise.
unsafe impl Send for UserData {}
unsafe impl Sync for UserData {}

impl UserData {
    // A method, so closures capture the whole (Send + Sync) wrapper.
    pub(crate) fn get(&self) -> *mut c_void {
        self.0
    }
}

/// Sends the client's log lines to `callback` (with `user_data`) instead of
/// stderr; a NULL `callback` goes back to stderr. Which lines is set by the
/// config's `logLevel` (`off` by default: set it to receive anything). Lines
/// never contain tokens, secrets or `Authorization` values.
///
/// `user_data` is passed back untouched and must stay valid, and usable from any
/// thread, until the callback is replaced or the client freed. Returns `GP_OK`,
/// or `GP_ERROR_INVALID_ARGUMENT` for a NULL client (then `*out_error`, if
/// `out_error` is not NULL, is an error JSON to free with `gp_string_free`).
/// Safe while other threads make calls.
#[no_mangle]
pub unsafe extern "C" fn gp_client_set_log_callback(
    client: *const gp_client,
    callback: gp_log_callback,
    user_data: *mut c_void,
    out_error: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_status(out_error, || {
            let client = client_ref(client)?;
            let sink = callback.map(|callback| callback_sink(callback, UserData(user_data)));
            client.inner().set_log_sink(sink);
            Ok(())
        })
    }
}

/// A log sink calling `callback`; its caller vouched for both arguments.
fn callback_sink(
    callback: unsafe extern "C" fn(*mut c_void, i32, *const c_char),
    user_data: UserData,
) -> LogSink {
    Arc::new(move |level: LogLevel, line: &str| {
        let line = CString::new(line.replace('\0', "\\0")).unwrap_or_default();
        // SAFETY: gp_client_set_log_callback's caller vouched for both.
        unsafe { callback(user_data.get(), level_code(level), line.as_ptr()) };
    })
}

fn level_code(level: LogLevel) -> i32 {
    match level {
        LogLevel::Off | LogLevel::Error => GP_LOG_ERROR,
        LogLevel::Warn => GP_LOG_WARN,
        LogLevel::Info => GP_LOG_INFO,
        LogLevel::Debug => GP_LOG_DEBUG,
        LogLevel::Trace => GP_LOG_TRACE,
    }
}
