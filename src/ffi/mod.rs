//! The C ABI. All `extern "C"` code of the crate lives here; the rest of the
//! crate never sees a raw pointer.
//!
//! Conventions (also in the README's "API conventions"): inputs are
//! NUL-terminated UTF-8 and never kept after a call; every string handed out is
//! freed with `gp_string_free`; outputs are written on every return that has an
//! output parameter to write to; no panic crosses the boundary.

// Each exported function's doc comment states its pointer contract in the
// words C readers see in the header, rather than in a Rust `# Safety` section.
#![allow(clippy::missing_safety_doc)]

mod boundary;
pub mod bulk;
pub mod cancel;
pub mod client;
mod handle;
pub mod log;
pub mod operations;
mod pointers;
pub mod strings;
pub mod token;
pub mod watch;

use crate::error::ErrorKind;

/// A status code returned by every fallible function. The numbers are stable
/// and only ever appended to.
#[allow(non_camel_case_types)]
pub type gp_status = i32;

/// Success: the output holds the result.
pub const GP_OK: gp_status = 0;
/// NULL pointer, bad UTF-8, malformed JSON, unknown operation, missing or
/// ill-typed parameter, bad config. Nothing was sent.
pub const GP_ERROR_INVALID_ARGUMENT: gp_status = 1;
/// The API answered with a non-2xx status.
pub const GP_ERROR_HTTP: gp_status = 2;
/// Connect, DNS or TLS failure, timeout, connection reset.
pub const GP_ERROR_TRANSPORT: gp_status = 3;
/// No token could be obtained.
pub const GP_ERROR_AUTH: gp_status = 4;
/// A 2xx whose body is not the documented JSON.
pub const GP_ERROR_DECODE: gp_status = 5;
/// A bug in the library, such as a caught panic.
pub const GP_ERROR_INTERNAL: gp_status = 6;
/// The caller cancelled the call.
pub const GP_ERROR_CANCELLED: gp_status = 7;

/// The status code of an error kind.
pub(crate) const fn status_of(kind: ErrorKind) -> gp_status {
    match kind {
        ErrorKind::InvalidArgument => GP_ERROR_INVALID_ARGUMENT,
        ErrorKind::Http => GP_ERROR_HTTP,
        ErrorKind::Transport => GP_ERROR_TRANSPORT,
        ErrorKind::Auth => GP_ERROR_AUTH,
        ErrorKind::Decode => GP_ERROR_DECODE,
        ErrorKind::Internal => GP_ERROR_INTERNAL,
        ErrorKind::Cancelled => GP_ERROR_CANCELLED,
    }
}
