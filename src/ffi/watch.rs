//! The C side of watches: presence change notifications.

use std::ffi::c_char;
use std::ptr::null_mut;
use std::time::Duration;

use super::boundary::{answer_json, answer_status, boundary};
use super::gp_status;
use super::pointers::{client_ref, drop_raw_watch, into_raw_watch, str_arg, watch_ref};
use crate::error::Error;
use crate::watch::{Watch, WatchOptions};

use super::handle::gp_client;
pub use super::handle::gp_watch;

/// Starts watching the presence of a set of users.
///
/// `params_json`: `{"userIds": ["...", ...], "initial": false,
/// "heartbeatTimeoutMs": 75000}`: 1 to 20,000 distinct user ids; with
/// `initial`, the presences read at the start are reported too. The watch opens
/// as few notification channels as the ids need (1000 each), subscribes them,
/// connects their websockets through the client's proxy and TLS settings, and
/// reads the users' presences, all before it returns: a change made after that
/// is reported. Events are taken with `gp_watch_next`.
///
/// On `GP_OK`, `*out_watch` is a new watch, to be freed with `gp_watch_free`,
/// and `*out_error` (if `out_error` is not NULL) is NULL. On any other status,
/// `*out_watch` is NULL, nothing is left open, and `*out_error` (if not NULL)
/// is an error JSON to free with `gp_string_free`: `GP_ERROR_INVALID_ARGUMENT`
/// for a NULL `client`, `params_json` or `out_watch` and for bad params; the
/// status of the failed request when the service refuses a channel or a
/// subscription. The watch holds its own reference to the client's
/// configuration, pool and token: the client may be freed before the watch.
/// No pointer is kept after the call. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn gp_watch_new(
    client: *const gp_client,
    params_json: *const c_char,
    out_watch: *mut *mut gp_watch,
    out_error: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_status(out_error, || {
            let out_watch = out_watch
                .as_mut()
                .ok_or_else(|| Error::invalid_argument("out_watch is NULL"))?;
            *out_watch = null_mut();
            let client = client_ref(client)?;
            let options = WatchOptions::from_json(str_arg(params_json, "params_json")?)?;
            let watch = Watch::start(client.shared(), options)?;
            *out_watch = into_raw_watch(gp_watch::new(watch));
            Ok(())
        })
    }
}

/// Waits up to `timeout_ms` for the watch's next event.
///
/// On `GP_OK`, `*out_json` is one event or `null` when none came in time:
/// `{"type": "presence", "userId", "presence": {"source", "presenceDefinition":
/// {"id", "systemPresence"}, "message", "modifiedDate"}, "origin":
/// "notification" | "initial" | "reconcile"}`, `{"type": "reconnected",
/// "reason"}` (`connection_lost`, `heartbeat_timeout`, `socket_closing`,
/// `channel_expired`, `token_renewed`: the watch reconnects by itself and then
/// reports what changed meanwhile as `reconcile`), or, after `gp_watch_close`,
/// `{"type": "closed"}` (every time). A failure no reconnect can mend (revoked
/// credentials) is answered once with its status and error JSON; later calls
/// answer `{"type": "closed"}`. `*out_json` is always written
/// (unless `out_json` is NULL: `GP_ERROR_INVALID_ARGUMENT`) and freed by the
/// caller with `gp_string_free`. NULL `watch` is `GP_ERROR_INVALID_ARGUMENT`.
/// Several threads may wait at once; each event goes to one of them.
#[no_mangle]
pub unsafe extern "C" fn gp_watch_next(
    watch: *const gp_watch,
    timeout_ms: u32,
    out_json: *mut *mut c_char,
) -> gp_status {
    // SAFETY: the caller passes NULL or valid pointers, per the contract.
    unsafe {
        answer_json(out_json, || {
            let watch = watch_ref(watch)?;
            let event = watch
                .inner()
                .next(Duration::from_millis(u64::from(timeout_ms)))?;
            serde_json::to_string(&event).map_err(|error| Error::internal(error.to_string()))
        })
    }
}

/// Ends the watch: a `gp_watch_next` blocked on another thread returns
/// `{"type": "closed"}` at once, as does every later one. Callable from any
/// thread, any number of times; NULL is a no-op. The watch's sockets and
/// threads stay until `gp_watch_free`.
#[no_mangle]
pub unsafe extern "C" fn gp_watch_close(watch: *const gp_watch) {
    // SAFETY: NULL or a live handle, per the contract.
    boundary(
        |_| (),
        || {
            if let Ok(watch) = unsafe { watch_ref(watch) } {
                watch.inner().close();
            }
        },
    );
}

/// Frees a watch: stops its threads, closes its websockets and deletes its
/// channels' subscriptions (one request a channel; returns when done). NULL is
/// a no-op. Call it once, after every other call on the watch has returned
/// (`gp_watch_close` first wakes a blocked `gp_watch_next`); freeing twice is
/// undefined behaviour.
#[no_mangle]
pub unsafe extern "C" fn gp_watch_free(watch: *mut gp_watch) {
    // SAFETY: NULL or a handle from gp_watch_new not used again, per the contract.
    boundary(|_| (), || unsafe { drop_raw_watch(watch) });
}
