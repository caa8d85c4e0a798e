//! Pacing: a client keeps its own requests, from every thread and bulk worker,
//! inside the API's rate limit, so that steady work sees no 429 (`rateLimit`).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::cancel::Control;
use crate::config::RateLimit;
use crate::error::Result;
use crate::transport::Announced;

/// A sliding window for `rateLimit` as a number: any minute.
const MINUTE: Duration = Duration::from_secs(60);
/// Past an announced reset, a little more: the server's clock and ours differ.
const RESET_MARGIN: Duration = Duration::from_millis(50);
/// The longest one wait lasts before the cancel is looked at again.
const WAIT_SLICE: Duration = Duration::from_millis(50);
/// The furthest ahead a window's end is believed: a server's `reset` or
/// `Retry-After` may be any number, up to u64::MAX seconds.
const LONGEST_WINDOW: Duration = Duration::from_secs(3600);

/// `now + wait`, with `wait` capped at [`LONGEST_WINDOW`] (never overflows).
fn after(now: Instant, wait: Duration) -> Instant {
    now + wait.min(LONGEST_WINDOW)
}

/// One client's budget.
#[derive(Debug)]
pub struct Pacer {
    mode: RateLimit,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Requests started and not yet answered.
    in_flight: u64,
    /// `rateLimit: auto`: the last budget announced, its window's end, and the
    /// requests counted in that window (the highest count seen).
    allowed: Option<u64>,
    window_end: Option<Instant>,
    counted: u64,
    /// `rateLimit: N`: when each of the last N requests started.
    started: VecDeque<Instant>,
}

/// A request let through; give it back with [`Pacer::answered`].
pub struct Permit(());

impl Pacer {
    pub fn new(mode: RateLimit) -> Pacer {
        Pacer {
            mode,
            state: Mutex::default(),
            changed: Condvar::new(),
        }
    }

    /// Waits until a request may start within the budget (or the call is
    /// stopped), and counts it as in flight.
    pub fn admit(&self, control: &Control) -> Result<Permit> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            control.check()?;
            let now = Instant::now();
            let wait = match self.mode {
                RateLimit::Off => None,
                RateLimit::PerMinute(limit) => {
                    while state.started.front().is_some_and(|at| now - *at >= MINUTE) {
                        state.started.pop_front();
                    }
                    (state.started.len() >= limit as usize)
                        .then(|| MINUTE - (now - state.started[0]))
                }
                RateLimit::Auto => state.auto_wait(now),
            };
            match wait {
                None => break,
                Some(wait) => {
                    state = self
                        .changed
                        .wait_timeout(state, wait.min(WAIT_SLICE))
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
        }
        state.in_flight += 1;
        if let RateLimit::PerMinute(_) = self.mode {
            state.started.push_back(Instant::now());
        }
        Ok(Permit(()))
    }

    /// Records the answer to a permitted request: what it announced of the
    /// budget, or that it is over (no answer, or a 429's `Retry-After`).
    pub fn answered(
        &self,
        _permit: Permit,
        announced: Option<Announced>,
        refused_for: Option<Duration>,
    ) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight = state.in_flight.saturating_sub(1);
        if self.mode == RateLimit::Auto {
            if let Some(announced) = announced {
                state.learn(Instant::now(), announced);
            }
            if let Some(wait) = refused_for {
                // Over the limit after all: nothing more until the server's wait is over.
                state.counted = state.allowed.unwrap_or(0);
                state.window_end = Some(after(Instant::now(), wait));
            }
        }
        drop(state);
        self.changed.notify_all();
    }
}

impl State {
    /// How long a request must wait under `rateLimit: auto`; `None`: it may go.
    fn auto_wait(&mut self, now: Instant) -> Option<Duration> {
        let allowed = self.allowed?;
        let end = self.window_end?;
        if now >= end + RESET_MARGIN {
            // A new window: nothing counted yet but what is in flight.
            self.counted = 0;
            self.window_end = None;
            return None;
        }
        (self.counted + self.in_flight >= allowed).then(|| end + RESET_MARGIN - now)
    }

    /// Takes in what a response, answered at `now`, announced about the window
    /// it was counted in.
    fn learn(&mut self, now: Instant, announced: Announced) {
        self.allowed = Some(announced.allowed);
        let reset = Duration::from_secs(announced.reset_secs);
        if announced.count <= 1 || self.window_end.is_none() {
            // The first request of a window starts it when the server takes it:
            // after it was sent, before it was answered. Counting `reset` (whole
            // seconds, rounded up by the server) from the answer never ends the
            // window early, whatever the request's time in transit.
            self.window_end = Some(after(now, reset));
            self.counted = announced.count;
        } else {
            self.counted = self.counted.max(announced.count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announced(allowed: u64, count: u64, reset_secs: u64) -> Option<Announced> {
        Some(Announced {
            allowed,
            count,
            reset_secs,
        })
    }

    #[test]
    fn auto_waits_for_the_window_once_the_budget_is_spent() {
        let pacer = Pacer::new(RateLimit::Auto);
        let control = Control::default();
        for count in 1..=3 {
            let permit = pacer.admit(&control).unwrap();
            pacer.answered(permit, announced(3, count, 1), None);
        }
        let started = Instant::now();
        let permit = pacer.admit(&control).unwrap();
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(900), "{waited:?}");
        pacer.answered(permit, announced(3, 1, 1), None);
        let started = Instant::now();
        pacer.admit(&control).unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "a new window"
        );
    }

    #[test]
    fn huge_resets_and_retry_afters_do_not_overflow() {
        let pacer = Pacer::new(RateLimit::Auto);
        let control = Control::default();
        let permit = pacer.admit(&control).unwrap();
        pacer.answered(
            permit,
            announced(u64::MAX, 1, u64::MAX),
            Some(Duration::MAX),
        );
        let state = pacer.state.lock().unwrap();
        assert!(state.window_end.unwrap() <= Instant::now() + LONGEST_WINDOW);
    }

    #[test]
    fn a_number_is_a_sliding_minute_and_off_never_waits() {
        let pacer = Pacer::new(RateLimit::PerMinute(2));
        let control = Control::default();
        for _ in 0..2 {
            let permit = pacer.admit(&control).unwrap();
            pacer.answered(permit, None, None);
        }
        assert!(pacer
            .state
            .lock()
            .unwrap()
            .auto_wait(Instant::now())
            .is_none());
        let cancel = crate::Cancel::new();
        cancel.request();
        let stopped = Control::new(crate::CallOptions {
            cancel: Some(&cancel),
            progress: None,
        });
        assert!(pacer.admit(&stopped).is_err(), "a cancel ends the wait");
        let off = Pacer::new(RateLimit::Off);
        for _ in 0..1000 {
            off.admit(&control).unwrap();
        }
    }
}
