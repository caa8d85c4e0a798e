//! The API's rate limit (`--rate-limit N/WINDOW`): a fixed window per access token,
//! reported on every API response in the `inin-ratelimit-*` headers Genesys Cloud sends.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::reply::ApiError;

/// At most `requests` API requests per access token in each `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl FromStr for RateLimit {
    type Err = String;

    /// `N/WINDOW`, the window in `ms`, `s` or `m`: `300/60s`, `20/2s`, `5/500ms`.
    fn from_str(text: &str) -> Result<RateLimit, String> {
        let invalid = || format!("'{text}' is not N/WINDOW (e.g. 300/60s, 20/2s, 5/500ms)");
        let (requests, window) = text.split_once('/').ok_or_else(invalid)?;
        let requests: u32 = requests.trim().parse().map_err(|_| invalid())?;
        let window = window.trim();
        let (amount, unit_ms) = if let Some(ms) = window.strip_suffix("ms") {
            (ms, 1)
        } else if let Some(seconds) = window.strip_suffix('s') {
            (seconds, 1000)
        } else if let Some(minutes) = window.strip_suffix('m') {
            (minutes, 60_000)
        } else {
            return Err(invalid());
        };
        let amount: u64 = amount.parse().map_err(|_| invalid())?;
        let window = Duration::from_millis(amount.checked_mul(unit_ms).ok_or_else(invalid)?);
        if requests == 0 || window.is_zero() {
            return Err(format!("'{text}': both N and WINDOW must be above 0"));
        }
        Ok(RateLimit { requests, window })
    }
}

/// Where a token stands in its window after a request.
pub struct Standing {
    allowed: u32,
    count: u32,
    /// Until the window resets.
    reset: Duration,
}

impl Standing {
    /// `inin-ratelimit-allowed`, `-count` and `-reset` (whole seconds, rounded up).
    pub fn headers(&self) -> [(&'static str, String); 3] {
        [
            ("inin-ratelimit-allowed", self.allowed.to_string()),
            ("inin-ratelimit-count", self.count.to_string()),
            (
                "inin-ratelimit-reset",
                whole_seconds_up(self.reset).to_string(),
            ),
        ]
    }
}

fn whole_seconds_up(duration: Duration) -> u64 {
    duration.as_millis().div_ceil(1000) as u64
}

/// One token's current window.
struct Window {
    started: Instant,
    /// Requests admitted in it.
    count: u32,
}

/// Counts each access token's requests in fixed windows.
pub struct RateLimiter {
    limit: RateLimit,
    windows: Mutex<HashMap<String, Window>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> RateLimiter {
        RateLimiter {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request with `token`: its standing when admitted, else a `429` with
    /// `Retry-After` (at least 1 s) and the same headers. Refused requests are not
    /// counted.
    pub fn admit(&self, token: &str) -> Result<Standing, ApiError> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if !windows.contains_key(token) {
            // Forget windows that have ended, so a long run with many tokens stays small.
            windows.retain(|_, window| now.duration_since(window.started) < self.limit.window);
        }
        let window = windows.entry(token.to_owned()).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(window.started) >= self.limit.window {
            *window = Window {
                started: now,
                count: 0,
            };
        }
        let reset = self.limit.window - now.duration_since(window.started);
        if window.count >= self.limit.requests {
            let standing = Standing {
                allowed: self.limit.requests,
                count: window.count,
                reset,
            };
            let retry_after = whole_seconds_up(reset).max(1);
            let message = format!(
                "Rate limit exceeded the maximum. Retry the request in [{retry_after}] seconds"
            );
            let mut error = ApiError::new(429, "too.many.requests", message)
                .with_header("Retry-After", retry_after.to_string());
            error.headers.extend(standing.headers());
            return Err(error);
        }
        window.count += 1;
        Ok(Standing {
            allowed: self.limit.requests,
            count: window.count,
            reset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limits() {
        let limit = |text: &str| text.parse::<RateLimit>();
        assert_eq!(
            limit("300/60s"),
            Ok(RateLimit {
                requests: 300,
                window: Duration::from_secs(60)
            })
        );
        assert_eq!(
            limit("5/500ms").map(|l| l.window),
            Ok(Duration::from_millis(500))
        );
        assert_eq!(
            limit("300/1m").map(|l| l.window),
            Ok(Duration::from_secs(60))
        );
        for bad in [
            "", "300", "/60s", "300/", "300/60", "x/60s", "300/xs", "0/60s", "300/0s", "-1/2s",
            "300/60h",
        ] {
            assert!(limit(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn counts_tokens_apart_and_refuses_past_the_limit() {
        let limiter = RateLimiter::new(RateLimit {
            requests: 2,
            window: Duration::from_secs(60),
        });
        assert_eq!(limiter.admit("a").map(|s| s.count).ok(), Some(1));
        assert_eq!(limiter.admit("a").map(|s| s.count).ok(), Some(2));
        let refused = limiter.admit("a").err().unwrap();
        assert_eq!(refused.status, 429);
        assert!(refused
            .headers
            .iter()
            .any(|(name, value)| *name == "Retry-After" && value == "60"));
        assert_eq!(limiter.admit("b").map(|s| s.count).ok(), Some(1));
    }
}
