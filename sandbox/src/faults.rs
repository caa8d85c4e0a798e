//! Injected trouble for exercising clients: rate limiting, outages and slowness.

use std::time::Duration;

use super::random::Rng;
use super::reply::ApiError;
use super::SandboxOptions;

/// How often `/api/v2/` requests fail on purpose, and how slow every request is.
pub struct Faults {
    rate_429: f64,
    retry_after_secs: u64,
    rate_503: f64,
    latency: Duration,
}

impl Faults {
    /// The faults the options ask for.
    pub fn new(options: &SandboxOptions) -> Faults {
        Faults {
            rate_429: options.fault_429_rate,
            retry_after_secs: options.retry_after_secs,
            rate_503: options.fault_503_rate,
            latency: Duration::from_millis(options.latency_ms),
        }
    }

    /// The delay to add to every request.
    pub fn latency(&self) -> Duration {
        self.latency
    }

    /// A `429` (with `Retry-After`) or `503` to answer instead, if the dice say so.
    pub fn roll(&self, rng: &Rng) -> Option<ApiError> {
        if self.rate_429 > 0.0 && rng.fraction() < self.rate_429 {
            let message = format!(
                "Rate limit exceeded the maximum. Retry the request in [{}] seconds",
                self.retry_after_secs
            );
            return Some(
                ApiError::new(429, "too.many.requests", message)
                    .with_header("Retry-After", self.retry_after_secs.to_string()),
            );
        }
        if self.rate_503 > 0.0 && rng.fraction() < self.rate_503 {
            return Some(ApiError::new(
                503,
                "service.unavailable",
                "Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).",
            ));
        }
        None
    }
}
