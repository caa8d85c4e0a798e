//! The client: configuration, connection pool and tokens, shared by all threads.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use crate::auth::{Auth, TokenCallback};
use crate::cancel::Control;
use crate::config::{checked_header_value, Config};
use crate::error::{Error, ErrorKind, Result};
use crate::log::{client_log, LogSink, Logger};
use crate::operations::{self, Operation, Params, Payload, Request, OPERATIONS};
use crate::pacing::Pacer;
use crate::retry::{parse_retry_after, Attempts};
use crate::transport::{RawResponse, Transport};

/// A Presence API client. Cheap to share: every method takes `&self`, and one
/// client serves any number of threads at once over one connection pool.
#[derive(Debug)]
pub struct Client {
    config: Config,
    transport: Transport,
    auth: Auth,
    logger: Logger,
    /// Keeps the client's requests inside the API's rate limit (`rateLimit`).
    pacer: Pacer,
    /// Notification channels the client's watches hold (at most
    /// [`crate::watch::MAX_CHANNELS`]).
    watch_channels: AtomicUsize,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Client>();
};

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Client> {
        let transport = Transport::new(&config)?;
        let auth = Auth::new(&config);
        let logger = Logger::new(config.log_level);
        let pacer = Pacer::new(config.rate_limit);
        Ok(Client {
            config,
            transport,
            auth,
            logger,
            pacer,
            watch_channels: AtomicUsize::new(0),
        })
    }

    /// A client for the config JSON of DESIGN.md (`""` means all defaults).
    pub fn from_json(config_json: &str) -> Result<Client> {
        Client::new(Config::from_json(config_json)?)
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn logger(&self) -> &Logger {
        &self.logger
    }

    /// Takes `count` of the client's notification channels for a watch, if that
    /// many are free; [`Client::release_watch_channels`] gives them back.
    pub(crate) fn reserve_watch_channels(&self, count: usize) -> Result<()> {
        let max = crate::watch::MAX_CHANNELS;
        self.watch_channels
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                (used + count <= max).then_some(used + count)
            })
            .map(drop)
            .map_err(|used| {
                Error::invalid_argument(format!(
                    "watch params: {count} more channels would pass the {max} one client \
                     may hold ({used} held by its other watches)"
                ))
            })
    }

    pub(crate) fn release_watch_channels(&self, count: usize) {
        self.watch_channels.fetch_sub(count, Ordering::SeqCst);
    }

    /// Renews the token if it is due (as any call would), and says how many times
    /// it has been replaced: a watch reconnects when that moves.
    pub(crate) fn token_generation(&self) -> Result<u64> {
        self.auth.token(&self.transport, &self.logger)?;
        Ok(self.auth.generation())
    }

    /// Replaces the bearer token, e.g. after the caller's own OAuth flow renewed it.
    pub fn set_access_token(&self, token: &str) -> Result<()> {
        if token.is_empty() {
            return Err(Error::invalid_argument("access token must not be empty"));
        }
        checked_header_value("access token", token)?;
        self.auth
            .set_access_token(zeroize::Zeroizing::new(token.to_owned()));
        Ok(())
    }

    /// Sends log lines to `sink` instead of stderr (`None`: back to stderr).
    /// Which lines is set by the config's `logLevel`.
    pub fn set_log_sink(&self, sink: Option<LogSink>) {
        self.logger.set_sink(sink);
    }

    /// With the refresh-token grant (`refreshToken`), `callback` is told of every
    /// token a renewal brings, the rotated refresh token among them, on the thread
    /// that renewed; persist the refresh token there, as the old one is spent.
    /// `None` removes it. A callback that panics is caught and logged.
    pub fn set_token_callback(&self, callback: Option<TokenCallback>) {
        self.auth.set_token_callback(callback);
    }

    /// Calls an operation by `operationId` with its parameters as a JSON object
    /// text; returns the response body as JSON text (`null` when empty).
    pub fn call_json(&self, operation_id: &str, params_json: &str) -> Result<String> {
        let operation = operations::find(operation_id)?;
        let params = operations::parse_params(params_json)?;
        self.execute(operation, &params)
    }

    /// Calls an operation by `operationId` with its parameters as a JSON object.
    pub fn call(&self, operation_id: &str, params: Value) -> Result<Value> {
        let operation = operations::find(operation_id)?;
        let Value::Object(params) = params else {
            return Err(Error::invalid_argument("params: must be a JSON object"));
        };
        self.typed_call(operation, params)
    }

    /// Validates, sends (renewing the token once on 401, retrying as the
    /// config's `retry` allows) and checks the response.
    pub(crate) fn execute(&self, operation: &Operation, params: &Params) -> Result<String> {
        self.execute_with(operation, params, &Control::default())
    }

    /// As [`Client::execute`], stopping between attempts when `control` says so.
    pub(crate) fn execute_with(
        &self,
        operation: &Operation,
        params: &Params,
        control: &Control,
    ) -> Result<String> {
        let request = operation.prepare(params)?;
        self.send(
            &request,
            operation.id,
            operation.idempotent,
            operation.response,
            control,
        )
    }

    /// Sends a request that is not in the operation table (the Notifications API
    /// calls of a watch), with the token, retries and checks of any call; `name`
    /// stands for the operation in errors.
    pub(crate) fn send_unlisted(
        &self,
        request: &Request,
        name: &str,
        idempotent: bool,
    ) -> Result<String> {
        self.send(request, name, idempotent, None, &Control::default())
    }

    fn send(
        &self,
        request: &Request,
        name: &str,
        idempotent: bool,
        expected: Option<Payload>,
        control: &Control,
    ) -> Result<String> {
        let url = [self.config.base_url.as_str(), &request.path_and_query].concat();
        let mut attempts = Attempts::new(self.config.retry);
        let mut renewed = false;
        loop {
            control.check()?;
            let token = self.auth.token(&self.transport, &self.logger)?;
            let permit = self.pacer.admit(control)?;
            let started = Instant::now();
            let timeout = attempts.attempt_timeout(self.config.timeout);
            let outcome = self.transport.send(
                request.method,
                &url,
                &token,
                request.body.as_deref(),
                timeout,
            );
            let (announced, refused_for) = match &outcome {
                Ok(response) => (
                    response.rate_limit,
                    // A wait the call itself would not sleep (beyond maxRetryAfterSec)
                    // does not hold the client's other requests either.
                    (response.status == 429)
                        .then(|| response.retry_after.as_deref().and_then(parse_retry_after))
                        .flatten()
                        .filter(|wait| *wait <= self.config.retry.max_retry_after),
                ),
                Err(_) => (None, None),
            };
            self.pacer.answered(permit, announced, refused_for);
            self.log_attempt(request, &outcome, started.elapsed(), attempts.retries());
            if matches!(&outcome, Ok(response) if response.status == 401)
                && !renewed
                && self.auth.invalidate(&token)
            {
                renewed = true;
                client_log!(
                    self.logger,
                    info,
                    "401: renewing the token and replaying once"
                );
                continue;
            }
            let Some(wait) = attempts.next_wait(&outcome, idempotent) else {
                return outcome.and_then(|response| interpret(name, expected, response));
            };
            client_log!(
                self.logger,
                warn,
                "retrying {} {} in {} ms (retry {} of {})",
                request.method.as_str(),
                request.path_and_query,
                wait.as_millis(),
                attempts.retries(),
                self.config.retry.max_retries
            );
            control.sleep(wait)?;
        }
    }

    /// One line per attempt: method, path, outcome, duration, retries and
    /// correlation id. Never a header, token or body.
    fn log_attempt(
        &self,
        request: &Request,
        outcome: &Result<RawResponse>,
        took: Duration,
        retries: u32,
    ) {
        let correlation_id = outcome
            .as_ref()
            .ok()
            .and_then(|response| response.correlation_id.as_deref());
        client_log!(
            self.logger,
            info,
            "{} {} -> {} in {:.1} ms (retries {retries}, correlation id {})",
            request.method.as_str(),
            request.path_and_query,
            Outcome(outcome),
            took.as_secs_f64() * 1000.0,
            correlation_id.unwrap_or("-"),
        );
    }

    /// Runs one operation with `params`, decoding the response into `T`
    /// (typed methods, `call`, the bulk helpers).
    pub(crate) fn typed_call<T: DeserializeOwned>(
        &self,
        operation: &Operation,
        params: Map<String, Value>,
    ) -> Result<T> {
        let text = Value::Object(params).to_string();
        let json = self.execute(operation, &operations::parse_params(&text)?)?;
        serde_json::from_str(&json).map_err(|error| decode_error(error.to_string()))
    }
}

/// An attempt's outcome in a log line (its status, or its error), formatted only if
/// the line is written.
struct Outcome<'a>(&'a Result<RawResponse>);

impl fmt::Display for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(response) => write!(f, "{}", response.status),
            Err(error) => write!(f, "{:?} error: {}", error.kind, error.message),
        }
    }
}

/// A body model as a parameter value for the typed API.
fn body_param<T: Serialize + ?Sized>(body: &T) -> Result<Value> {
    serde_json::to_value(body).map_err(|error| Error::invalid_argument(format!("body: {error}")))
}

pub(crate) fn decode_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Decode, message)
}

/// Turns a response into the body JSON text, or the error JSON of DESIGN.md.
/// `name` is the operation's, for messages; `expected` the documented body, if any.
fn interpret(name: &str, expected: Option<Payload>, response: RawResponse) -> Result<String> {
    if !(200..300).contains(&response.status) {
        return Err(http_error(response));
    }
    let RawResponse {
        status,
        body,
        correlation_id,
        ..
    } = response;
    let with_context = |message: String| {
        let mut error = decode_error(format!("{name}: {message}"));
        error.details.status = Some(status);
        error.details.correlation_id = correlation_id.clone();
        error
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok("null".to_owned());
    }
    // The body becomes the answer without a copy.
    let text = String::from_utf8(body)
        .map_err(|_| with_context("response body is not UTF-8".to_owned()))?;
    // Checked in full for syntax, without building the value.
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|error| with_context(format!("response body is not JSON: {error}")))?;
    let first = text.trim_start().as_bytes()[0];
    match (expected, first) {
        (Some(Payload::One(_)), b'{') | (Some(Payload::List(_)), b'[') | (None, _) => Ok(text),
        (Some(Payload::One(model)), _) => {
            Err(with_context(format!("expected a JSON object ({model:?})")))
        }
        (Some(Payload::List(model)), _) => {
            Err(with_context(format!("expected a JSON array of {model:?}")))
        }
    }
}

/// A non-2xx response as an error: the ErrorBody's message and code when the
/// body is one, else the start of whatever text came back.
fn http_error(response: RawResponse) -> Error {
    let RawResponse {
        status,
        body,
        correlation_id,
        retry_after,
        ..
    } = response;
    let json: Option<Value> = serde_json::from_slice(&body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|body| body.get(name))
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("");
    let detail = field("message").unwrap_or_else(|| {
        let text = String::from_utf8_lossy(&body);
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            "empty body".to_owned()
        } else {
            text.chars().take(200).collect()
        }
    });
    let mut error = Error::new(ErrorKind::Http, format!("HTTP {status} {reason}: {detail}"));
    error.details.status = Some(status);
    error.details.code = field("code");
    error.details.correlation_id = correlation_id;
    error.details.retry_after_seconds = retry_after
        .as_deref()
        .and_then(parse_retry_after)
        .map(|wait| wait.as_secs_f64().ceil() as u64);
    error.details.body = json;
    error
}

include!(concat!(env!("OUT_DIR"), "/typed_api.rs"));
