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
/// How much later than the true end of a window `inin-ratelimit-reset` (whole
/// seconds, rounded up) may put it.
const RESET_ROUNDING: Duration = Duration::from_secs(1);
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
    /// Which of our windows this is: each reset starts the next.
    window: u64,
    /// `rateLimit: N`: when each of the last N requests started.
    started: VecDeque<Instant>,
}

/// A request let through, and the window it was let through in; give it back
/// with [`Pacer::answered`].
pub struct Permit {
    window: u64,
}

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
        Ok(Permit {
            window: state.window,
        })
    }

    /// Records the answer to a permitted request: what it announced of the
    /// budget, or that it is over (no answer, or a 429's `Retry-After`).
    pub fn answered(
        &self,
        permit: Permit,
        announced: Option<Announced>,
        refused_for: Option<Duration>,
    ) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight = state.in_flight.saturating_sub(1);
        if self.mode == RateLimit::Auto {
            if let Some(announced) = announced {
                state.learn(Instant::now(), announced, permit.window);
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
        if self.window_end.is_some_and(|end| now >= end + RESET_MARGIN) {
            // A new window: nothing counted yet but what is in flight; its end is
            // known from its first answer.
            self.counted = 0;
            self.window_end = None;
            self.window += 1;
        }
        (self.counted + self.in_flight >= allowed).then(|| match self.window_end {
            Some(end) => end + RESET_MARGIN - now,
            None => WAIT_SLICE, // until an answer says where the window stands
        })
    }

    /// Takes in what a response, answered at `now`, announced about the window
    /// it was counted in.
    fn learn(&mut self, now: Instant, announced: Announced, admitted_in: u64) {
        self.allowed = Some(announced.allowed);
        if admitted_in != self.window {
            // Let through before this window began: the server counted it in the
            // last window (its count and reset describe that one, which has ended)
            // or, sent at the edge, in this one. Count it here, but never take this
            // window's end from it.
            self.counted += 1;
            return;
        }
        // Counting `reset` (whole seconds, rounded up by the server) from the answer
        // never ends a window early, whatever the request's time in transit.
        let end = after(now, Duration::from_secs(announced.reset_secs));
        match self.window_end {
            // Our window's first answer; `counted` holds those let through before it
            // (see above).
            None => {
                self.window_end = Some(end);
                self.counted = self.counted.max(announced.count);
            }
            // The server began another window while we counted in the last: this
            // answer is its first, and it ends more than the rounding of `reset`
            // after the end we know. (Answers come in any order: a late first
            // answer of the window we know ends about when it does.) What we
            // counted stays counted: answers of the new window may have come first.
            Some(known) if announced.count <= 1 && end > known + RESET_ROUNDING => {
                self.window_end = Some(end);
            }
            Some(_) => self.counted = self.counted.max(announced.count),
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
    fn an_answer_from_the_last_window_does_not_end_this_one() {
        let pacer = Pacer::new(RateLimit::Auto);
        let control = Control::default();
        let first = pacer.admit(&control).unwrap();
        pacer.answered(first, announced(20, 1, 2), None);
        let late = pacer.admit(&control).unwrap();
        // The window ends while `late` is in flight; the next request starts another.
        pacer.state.lock().unwrap().window_end = Some(Instant::now() - Duration::from_secs(1));
        let next = pacer.admit(&control).unwrap();
        // `late` was the 19th of the last window, which had a second left.
        pacer.answered(late, announced(20, 19, 1), None);
        {
            let state = pacer.state.lock().unwrap();
            assert_eq!(
                state.window_end, None,
                "the last window's end is not this one's"
            );
            assert_eq!(state.counted, 1, "counted here, to be safe");
        }
        let answered_at = Instant::now();
        pacer.answered(next, announced(20, 2, 2), None);
        let state = pacer.state.lock().unwrap();
        assert_eq!(state.counted, 2);
        assert!(state.window_end.unwrap() >= answered_at + Duration::from_secs(2));
    }

    #[test]
    fn a_new_window_lets_through_no_more_than_its_budget_before_its_first_answer() {
        let pacer = Pacer::new(RateLimit::Auto);
        let control = Control::default();
        let first = pacer.admit(&control).unwrap();
        pacer.answered(first, announced(2, 2, 1), None);
        pacer.state.lock().unwrap().window_end = Some(Instant::now() - Duration::from_secs(1));
        let _in_flight = [
            pacer.admit(&control).unwrap(),
            pacer.admit(&control).unwrap(),
        ];
        let mut state = pacer.state.lock().unwrap();
        assert_eq!(state.auto_wait(Instant::now()), Some(WAIT_SLICE));
    }

    #[test]
    fn a_late_first_answer_does_not_uncount_the_window() {
        let pacer = Pacer::new(RateLimit::Auto);
        let control = Control::default();
        let permits: Vec<Permit> = (0..8).map(|_| pacer.admit(&control).unwrap()).collect();
        for (permit, count) in permits.into_iter().zip([8, 3, 1, 2, 7, 6, 4, 5]) {
            pacer.answered(permit, announced(20, count, 2), None);
        }
        assert_eq!(pacer.state.lock().unwrap().counted, 8);
    }

    #[test]
    fn a_first_answer_ending_a_window_later_starts_another() {
        let pacer = Pacer::new(RateLimit::Auto);
        let control = Control::default();
        let first = pacer.admit(&control).unwrap();
        pacer.answered(first, announced(20, 12, 1), None);
        let next = pacer.admit(&control).unwrap();
        pacer.answered(next, announced(20, 1, 3), None);
        let state = pacer.state.lock().unwrap();
        assert!(state.window_end.unwrap() > Instant::now() + Duration::from_secs(2));
        assert_eq!(state.counted, 12, "never fewer than may be counted");
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
