//! Whether and when to try a call again.
//!
//! 429 and 503 are retried for any operation, after `Retry-After` when the
//! server sends one; 502, 504 and transport failures (timeouts, resets) only
//! for idempotent operations, since a POST may have taken effect. Waits grow
//! exponentially with jitter, and the whole call stays within `maxRetryTime`.

use std::time::{Duration, Instant, SystemTime};

use crate::config::RetryPolicy;
use crate::error::{Error, ErrorKind};
use crate::transport::RawResponse;

const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The attempts of one call.
#[derive(Debug)]
pub struct Attempts {
    policy: RetryPolicy,
    started: Instant,
    retries: u32,
}

impl Attempts {
    pub fn new(policy: RetryPolicy) -> Attempts {
        Attempts {
            policy,
            started: Instant::now(),
            retries: 0,
        }
    }

    /// Retries made so far.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The time the next attempt may take: `timeout`, or less if retrying is
    /// on and less than that is left of the call's budget.
    pub fn attempt_timeout(&self, timeout: Duration) -> Duration {
        if self.policy.max_retries == 0 {
            return timeout;
        }
        let left = self
            .policy
            .max_retry_time
            .saturating_sub(self.started.elapsed());
        timeout.min(left.max(Duration::from_millis(1)))
    }

    /// After an attempt's `outcome`: how long to wait before the next one, or
    /// `None` to return the outcome as it is.
    pub fn next_wait(
        &mut self,
        outcome: &Result<RawResponse, Error>,
        idempotent: bool,
    ) -> Option<Duration> {
        let wait = match outcome {
            Ok(response) if matches!(response.status, 429 | 503) => {
                match response.retry_after.as_deref().and_then(parse_retry_after) {
                    Some(wait) if wait > self.policy.max_retry_after => return None,
                    Some(wait) => wait,
                    None => self.backoff(),
                }
            }
            Ok(response) if matches!(response.status, 502 | 504) && idempotent => self.backoff(),
            Err(error) if error.kind == ErrorKind::Transport && idempotent => self.backoff(),
            _ => return None,
        };
        // Saturating: `wait` may be a server's Retry-After of u64::MAX seconds
        // when maxRetryAfterSec is as large.
        let out_of_budget =
            self.started.elapsed().saturating_add(wait) >= self.policy.max_retry_time;
        if self.retries >= self.policy.max_retries || out_of_budget {
            return None;
        }
        self.retries += 1;
        Some(wait)
    }

    /// Exponential backoff with "equal jitter": between half and all of
    /// 200 ms × 2^retries, at most 10 s.
    fn backoff(&self) -> Duration {
        let ceiling = FIRST_BACKOFF
            .saturating_mul(1 << self.retries.min(16))
            .min(MAX_BACKOFF);
        let half = ceiling / 2;
        let jitter_nanos = fastrand::u64(..=half.as_nanos() as u64);
        half + Duration::from_nanos(jitter_nanos)
    }
}

/// A `Retry-After` value: whole seconds, or an HTTP date (a past date is 0).
/// Negative, fractional or garbage values are `None`: the backoff applies.
pub fn parse_retry_after(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(
        date.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, retry_after: Option<&str>) -> Result<RawResponse, Error> {
        Ok(RawResponse {
            status,
            body: Vec::new(),
            correlation_id: None,
            retry_after: retry_after.map(str::to_owned),
            rate_limit: None,
        })
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let wait = parse_retry_after(&later).unwrap();
        assert!(
            wait > Duration::from_secs(110) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        for garbage in ["-3", "1.5", "soon", "", "99999999999999999999999"] {
            assert_eq!(parse_retry_after(garbage), None, "{garbage:?}");
        }
    }

    #[test]
    fn which_outcomes_are_retried() {
        let mut attempts = Attempts::new(RetryPolicy::default());
        assert_eq!(
            attempts.next_wait(&response(429, Some("2")), false),
            Some(Duration::from_secs(2))
        );
        assert!(
            attempts.next_wait(&response(503, None), false).is_some(),
            "503 for any method"
        );
        assert_eq!(
            attempts.next_wait(&response(502, None), false),
            None,
            "a POST is not replayed"
        );
        assert!(attempts.next_wait(&response(504, None), true).is_some());
        assert_eq!(attempts.retries(), 3);
        assert_eq!(
            attempts.next_wait(&response(503, None), true),
            None,
            "maxRetries reached"
        );

        let mut attempts = Attempts::new(RetryPolicy::default());
        let transport = Err(Error::transport("connection reset"));
        assert!(attempts.next_wait(&transport, true).is_some());
        assert_eq!(attempts.next_wait(&transport, false), None);
        for status in [200, 400, 401, 404, 500] {
            assert_eq!(
                attempts.next_wait(&response(status, None), true),
                None,
                "{status}"
            );
        }
    }

    #[test]
    fn retry_after_beyond_the_cap_and_the_time_budget_stop_retrying() {
        let policy = RetryPolicy {
            max_retry_after: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        let mut attempts = Attempts::new(policy);
        assert_eq!(attempts.next_wait(&response(429, Some("6")), true), None);
        let policy = RetryPolicy {
            max_retry_time: Duration::from_secs(3),
            ..RetryPolicy::default()
        };
        let mut attempts = Attempts::new(policy);
        assert_eq!(attempts.next_wait(&response(429, Some("4")), true), None);
        assert_eq!(
            attempts.attempt_timeout(Duration::from_secs(30)).as_secs(),
            2
        );
        let off = RetryPolicy {
            max_retries: 0,
            ..policy
        };
        assert_eq!(
            Attempts::new(off).next_wait(&response(503, Some("0")), true),
            None
        );
        assert_eq!(
            Attempts::new(off)
                .attempt_timeout(Duration::from_secs(30))
                .as_secs(),
            30
        );
    }

    #[test]
    fn the_largest_retry_after_does_not_overflow_the_budget_check() {
        let mut attempts = Attempts::new(RetryPolicy {
            max_retry_after: Duration::MAX,
            ..RetryPolicy::default()
        });
        attempts.started -= Duration::from_secs(2);
        let largest = u64::MAX.to_string();
        assert_eq!(
            attempts.next_wait(&response(429, Some(&largest)), true),
            None
        );
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let mut attempts = Attempts::new(RetryPolicy {
            max_retries: 100,
            max_retry_time: Duration::from_secs(3600),
            ..RetryPolicy::default()
        });
        for retries in 0..12 {
            attempts.retries = retries;
            let ceiling = (FIRST_BACKOFF * (1 << retries)).min(MAX_BACKOFF);
            let wait = attempts.backoff();
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "{retries}: {wait:?}"
            );
        }
    }
}
