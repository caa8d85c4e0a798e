//! Injected trouble for exercising clients: rate limiting, outages and slowness.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::random::Rng;
use super::reply::ApiError;
use super::request::ApiRequest;
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

/// Users whose requests fail on purpose, set by `POST /_sandbox/faults/users`: an
/// API request that names one of them (as a path segment, a query value or a JSON
/// string in its body) is answered with that user's status, before anything else
/// is looked at. A bulk request with one such user fails whole, as a real service
/// refusing one bad id in a batch does.
#[derive(Default)]
pub struct UserFaults {
    by_user: Mutex<HashMap<String, u16>>,
}

impl UserFaults {
    /// Adds `users`, each to fail with `status` (400 to 599).
    pub fn add(&self, users: Vec<String>, status: u16) -> usize {
        let mut by_user = self.by_user.lock().unwrap_or_else(PoisonError::into_inner);
        by_user.extend(users.into_iter().map(|user| (user, status)));
        by_user.len()
    }

    pub fn clear(&self) {
        self.by_user
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The fault for `request`, if it names a faulty user.
    pub fn check(&self, request: &ApiRequest) -> Option<ApiError> {
        let by_user = self.by_user.lock().unwrap_or_else(PoisonError::into_inner);
        if by_user.is_empty() {
            return None;
        }
        let named = |user: &str| {
            let quoted = format!("\"{user}\"");
            request.segments.iter().any(|segment| segment == user)
                || request
                    .query
                    .iter()
                    .any(|param| param.value == user || param.items.iter().any(|item| item == user))
                || request
                    .body
                    .windows(quoted.len())
                    .any(|window| window == quoted.as_bytes())
        };
        let (user, status) = by_user.iter().find(|(user, _)| named(user))?;
        let code = match status {
            400 => "bad.request",
            404 => "not.found",
            500 => "internal.server.error",
            _ => "sandbox.fault",
        };
        Some(ApiError::new(
            *status,
            code,
            format!("User '{user}' cannot be used here (a fault set on the sandbox)."),
        ))
    }
}
