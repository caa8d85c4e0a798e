//! Stopping a call from another thread, and hearing how far it got.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// A cancel request, shared by the caller (any thread) and the calls it is
/// given to. Once requested, it stays requested.
#[derive(Debug, Default)]
pub struct Cancel {
    requested: Mutex<bool>,
    changed: Condvar,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks every call given this cancel to stop: no request starts after it, a
    /// wait between retries ends at once, and the call answers
    /// [`ErrorKind::Cancelled`] once its requests in flight are back.
    pub fn request(&self) {
        *self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    pub fn is_requested(&self) -> bool {
        *self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits `wait`, or less if a cancel comes; says whether one came.
    pub(crate) fn sleep(&self, wait: Duration) -> bool {
        let requested = self
            .requested
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (requested, _) = self
            .changed
            .wait_timeout_while(requested, wait, |requested| !*requested)
            .unwrap_or_else(PoisonError::into_inner);
        *requested
    }
}

/// Called after each request of a call with (users or pages done, total).
pub type ProgressFn<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// What a caller may attach to a call ([`crate::Client::call_with`]).
#[derive(Clone, Copy, Default)]
pub struct CallOptions<'a> {
    pub cancel: Option<&'a Cancel>,
    pub progress: Option<ProgressFn<'a>>,
}

/// A call's cancel and progress, as its requests see them.
#[derive(Default)]
pub(crate) struct Control<'a> {
    cancel: Option<&'a Cancel>,
    report: Option<ProgressFn<'a>>,
    /// Done so far, and a panic of the progress callback; one lock, so that
    /// reports never run at the same time.
    progress: Mutex<(u64, Option<String>)>,
}

impl<'a> Control<'a> {
    pub fn new(options: CallOptions<'a>) -> Control<'a> {
        Control {
            cancel: options.cancel,
            report: options.progress,
            progress: Mutex::default(),
        }
    }

    /// Why the call must stop now, if it must: a cancel, or a progress
    /// callback that panicked.
    pub fn stopped(&self) -> Option<Error> {
        if self.cancel.is_some_and(Cancel::is_requested) {
            return Some(Error::new(ErrorKind::Cancelled, "cancelled"));
        }
        let progress = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        progress
            .1
            .as_ref()
            .map(|panic| Error::internal(format!("the progress callback panicked: {panic}")))
    }

    /// `Err` if the call must stop.
    pub fn check(&self) -> Result<()> {
        self.stopped().map_or(Ok(()), Err)
    }

    /// Waits `wait` unless a cancel comes first; `Err` if the call must stop.
    pub fn sleep(&self, wait: Duration) -> Result<()> {
        match self.cancel {
            Some(cancel) => {
                cancel.sleep(wait);
            }
            None => std::thread::sleep(wait),
        }
        self.check()
    }

    /// Adds `count` to what is done and reports it against `total`.
    pub fn advance(&self, count: u64, total: u64) {
        let mut progress = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        progress.0 += count;
        let Some(report) = self.report else { return };
        if progress.1.is_some() {
            return;
        }
        let done = progress.0;
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| report(done, total))) {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            progress.1 = Some(message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    #[test]
    fn a_cancel_ends_a_sleep_at_once_from_another_thread() {
        let cancel = Arc::new(Cancel::new());
        let other = Arc::clone(&cancel);
        let started = Instant::now();
        let handle = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.request();
        });
        assert!(cancel.sleep(Duration::from_secs(10)));
        assert!(started.elapsed() < Duration::from_secs(2));
        handle.join().unwrap();
        let control = Control::new(CallOptions {
            cancel: Some(&cancel),
            progress: None,
        });
        assert_eq!(control.check().unwrap_err().kind, ErrorKind::Cancelled);
    }

    #[test]
    fn progress_adds_up_and_a_panicking_callback_stops_the_call() {
        let seen = Mutex::new(Vec::new());
        let report = |done, total| {
            seen.lock().unwrap().push((done, total));
            if done >= 3 {
                panic!("callback bug");
            }
        };
        let control = Control::new(CallOptions {
            cancel: None,
            progress: Some(&report),
        });
        control.advance(1, 5);
        control.advance(2, 5);
        let error = control.check().unwrap_err();
        assert!(error.message.contains("callback bug"), "{error}");
        control.advance(1, 5);
        assert_eq!(
            *seen.lock().unwrap(),
            [(1, 5), (3, 5)],
            "no report after the panic"
        );
    }
}
