//! The client configuration: the JSON object of DESIGN.md, parsed strictly.

use std::time::Duration;

use serde::Deserialize;
use ureq::http::{HeaderValue, Uri};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The regions of the official SDKs (`PureCloudRegionHosts`) and their hosts.
const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "mypurecloud.com"),
    ("eu-west-1", "mypurecloud.ie"),
    ("ap-southeast-2", "mypurecloud.com.au"),
    ("ap-northeast-1", "mypurecloud.jp"),
    ("eu-central-1", "mypurecloud.de"),
    ("us-west-2", "usw2.pure.cloud"),
    ("ca-central-1", "cac1.pure.cloud"),
    ("ap-northeast-2", "apne2.pure.cloud"),
    ("eu-west-2", "euw2.pure.cloud"),
    ("ap-south-1", "aps1.pure.cloud"),
    ("us-east-2", "use2.us-gov-pure.cloud"),
    ("sa-east-1", "sae1.pure.cloud"),
    ("me-central-1", "mec1.pure.cloud"),
    ("ap-northeast-3", "apne3.pure.cloud"),
    ("eu-central-2", "euc2.pure.cloud"),
    ("mx-central-1", "mxc1.pure.cloud"),
    ("ap-southeast-1", "apse1.pure.cloud"),
    ("eusc-de-east-1", "edee1.eusc-pure.cloud"),
];

const DEFAULT_ENVIRONMENT: &str = "mypurecloud.com";

/// Presence responses are kilobytes (a 50-user bulk read is ~30 KB): anything
/// near this is a misbehaving server.
const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// The config JSON exactly as callers write it; unknown keys are errors.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigJson {
    environment: Option<String>,
    base_path: Option<String>,
    auth_base_path: Option<String>,
    access_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    refresh_token: Option<String>,
    timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    retry: Option<RetryJson>,
    rate_limit: Option<RateLimitJson>,
    proxy: Option<String>,
    ca_cert_path: Option<String>,
    user_agent: Option<String>,
    allow_insecure_http: Option<bool>,
    log_level: Option<LogLevel>,
    max_response_bytes: Option<u64>,
}

/// `rateLimit`: `"auto"`, `"off"`, or requests per minute (a number, or its text).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RateLimitJson {
    PerMinute(u64),
    Text(String),
}

/// How a client paces its requests (`rateLimit`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RateLimit {
    /// Inside the budget the API announces in its `inin-ratelimit-*` headers.
    #[default]
    Auto,
    Off,
    /// At most this many requests in any 60 seconds.
    PerMinute(u32),
}

/// The most requests per minute `rateLimit` takes.
const MAX_REQUESTS_PER_MINUTE: u64 = 1_000_000;

impl RateLimitJson {
    fn parse(self) -> Result<RateLimit> {
        let per_minute = |n: u64| {
            if (1..=MAX_REQUESTS_PER_MINUTE).contains(&n) {
                Ok(RateLimit::PerMinute(n as u32))
            } else {
                Err(Error::invalid_argument(format!(
                    "config: rateLimit: {n} requests per minute is not from 1 to {MAX_REQUESTS_PER_MINUTE}"
                )))
            }
        };
        match self {
            RateLimitJson::PerMinute(n) => per_minute(n),
            RateLimitJson::Text(text) => match text.as_str() {
                "auto" => Ok(RateLimit::Auto),
                "off" => Ok(RateLimit::Off),
                number => match number.parse::<u64>() {
                    Ok(n) => per_minute(n),
                    Err(_) => Err(Error::invalid_argument(format!(
                        "config: rateLimit: {text:?} is not \"auto\", \"off\" or a number of requests per minute"
                    ))),
                },
            },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RetryJson {
    max_retries: Option<u32>,
    max_retry_time_ms: Option<u64>,
    max_retry_after_sec: Option<u64>,
}

/// How much the library logs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    #[default]
    Off,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// How failed calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The most time spent on one call, all attempts and waits included.
    pub max_retry_time: Duration,
    /// A `Retry-After` longer than this is returned to the caller, not slept.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_retry_time: Duration::from_millis(60_000),
            max_retry_after: Duration::from_secs(180),
        }
    }
}

/// Where the client's tokens come from.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// No token yet: calls fail with `GP_ERROR_AUTH` until one is set.
    None,
    /// A token obtained elsewhere (auth code, PKCE, SAML flows).
    AccessToken(Zeroizing<String>),
    /// The client-credentials grant, renewed by the library.
    ClientCredentials {
        client_id: String,
        client_secret: Zeroizing<String>,
    },
    /// The refresh-token grant (an app acting for a user), renewed by the library;
    /// the login service rotates the refresh token, so this is only the first one.
    RefreshToken {
        client_id: String,
        client_secret: Zeroizing<String>,
        refresh_token: Zeroizing<String>,
    },
}

// Hand-written so that no secret ever reaches a log or a panic message.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::AccessToken(_) => f.write_str("AccessToken(<redacted>)"),
            Credentials::RefreshToken { client_id, .. } => f
                .debug_struct("RefreshToken")
                .field("client_id", client_id)
                .finish_non_exhaustive(),
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"<redacted>")
                .finish(),
        }
    }
}

/// A validated client configuration.
#[derive(Clone)]
pub struct Config {
    /// `https://api.{environment}` or the `basePath` override, without a trailing `/`.
    pub base_url: String,
    /// `https://login.{environment}` or the `authBasePath` override.
    pub auth_base_url: String,
    pub credentials: Credentials,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    pub rate_limit: RateLimit,
    pub proxy: Option<String>,
    pub ca_cert_path: Option<String>,
    pub user_agent: String,
    pub log_level: LogLevel,
    /// The largest response body read; a larger one is an error, so a
    /// misbehaving server cannot exhaust the caller's memory.
    pub max_response_bytes: u64,
    /// `allowInsecureHttp`: plain `http://` (and `ws://`) to a non-loopback host.
    pub allow_insecure_http: bool,
}

// Hand-written so that the proxy's password never reaches a log or a panic
// message (the credentials redact themselves).
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("auth_base_url", &self.auth_base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("proxy", &self.proxy.as_deref().map(redacted_userinfo))
            .field("ca_cert_path", &self.ca_cert_path)
            .field("user_agent", &self.user_agent)
            .field("log_level", &self.log_level)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

/// `http://user:pass@host:port` as `http://<redacted>@host:port`.
fn redacted_userinfo(url: &str) -> String {
    let authority_start = url.find("://").map_or(0, |scheme_end| scheme_end + 3);
    match url.rfind('@') {
        Some(at) if at >= authority_start => {
            format!("{}<redacted>{}", &url[..authority_start], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl Config {
    /// Parses the config JSON of DESIGN.md; `""` means `{}`. Errors name the key.
    pub fn from_json(text: &str) -> Result<Config> {
        let raw: ConfigJson = if text.trim().is_empty() {
            ConfigJson::default()
        } else {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut deserializer)
                .map_err(|error| Error::invalid_argument(describe_config_error(error)))?
        };
        Config::from_raw(raw)
    }

    fn from_raw(raw: ConfigJson) -> Result<Config> {
        let allow_insecure_http = raw.allow_insecure_http.unwrap_or(false);
        let environment = match raw.environment.as_deref() {
            None => DEFAULT_ENVIRONMENT,
            Some(name) => environment_host(name)?,
        };
        let base_url = match raw.base_path {
            Some(url) => checked_base_url("basePath", &url, allow_insecure_http)?,
            None => format!("https://api.{environment}"),
        };
        let auth_base_url = match raw.auth_base_path {
            Some(url) => checked_base_url("authBasePath", &url, allow_insecure_http)?,
            None => format!("https://login.{environment}"),
        };
        if raw.refresh_token.is_some() && (raw.client_id.is_none() || raw.client_secret.is_none()) {
            return Err(Error::invalid_argument(
                "config: refreshToken needs clientId and clientSecret (the OAuth client it was issued to)",
            ));
        }
        let credentials = match (raw.access_token, raw.client_id, raw.client_secret) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(Error::invalid_argument(
                    "config: give either accessToken or clientId/clientSecret, not both",
                ))
            }
            (Some(token), None, None) => {
                Credentials::AccessToken(Zeroizing::new(checked_token(token)?))
            }
            (None, Some(client_id), Some(client_secret)) => {
                if client_id.is_empty() || client_secret.is_empty() {
                    return Err(Error::invalid_argument(
                        "config: clientId and clientSecret must not be empty",
                    ));
                }
                match raw.refresh_token {
                    None => Credentials::ClientCredentials {
                        client_id,
                        client_secret: Zeroizing::new(client_secret),
                    },
                    Some(refresh_token) => Credentials::RefreshToken {
                        client_id,
                        client_secret: Zeroizing::new(client_secret),
                        refresh_token: Zeroizing::new(checked_refresh_token(refresh_token)?),
                    },
                }
            }
            (None, Some(_), None) => {
                return Err(Error::invalid_argument(
                    "config: clientId needs clientSecret",
                ))
            }
            (None, None, Some(_)) => {
                return Err(Error::invalid_argument(
                    "config: clientSecret needs clientId",
                ))
            }
            (None, None, None) => Credentials::None,
        };
        let retry = raw.retry.unwrap_or_default();
        let default_retry = RetryPolicy::default();
        let user_agent = raw
            .user_agent
            .unwrap_or_else(|| format!("genesys-presence/{}", env!("CARGO_PKG_VERSION")));
        checked_header_value("userAgent", &user_agent)?;
        if let Some(proxy) = &raw.proxy {
            ureq::Proxy::new(proxy)
                .map_err(|error| Error::invalid_argument(format!("config: proxy: {error}")))?;
        }
        Ok(Config {
            base_url,
            auth_base_url,
            credentials,
            timeout: positive_millis("timeoutMs", raw.timeout_ms, 30_000)?,
            connect_timeout: positive_millis("connectTimeoutMs", raw.connect_timeout_ms, 10_000)?,
            retry: RetryPolicy {
                max_retries: retry.max_retries.unwrap_or(default_retry.max_retries),
                max_retry_time: retry
                    .max_retry_time_ms
                    .map_or(default_retry.max_retry_time, Duration::from_millis),
                max_retry_after: retry
                    .max_retry_after_sec
                    .map_or(default_retry.max_retry_after, Duration::from_secs),
            },
            rate_limit: raw
                .rate_limit
                .map_or(Ok(RateLimit::Auto), RateLimitJson::parse)?,
            proxy: raw.proxy,
            ca_cert_path: raw.ca_cert_path,
            user_agent,
            log_level: raw.log_level.unwrap_or_default(),
            max_response_bytes: match raw.max_response_bytes {
                Some(0) => {
                    return Err(Error::invalid_argument(
                        "config: maxResponseBytes must be greater than 0",
                    ))
                }
                bytes => bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            },
            allow_insecure_http,
        })
    }
}

fn describe_config_error(error: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if path == "." {
        format!("config: {inner}")
    } else {
        format!("config: {path}: {inner}")
    }
}

/// Maps a region name (`eu-west-1`) or a host (`mypurecloud.ie`) to the host.
fn environment_host(name: &str) -> Result<&str> {
    if let Some((_, host)) = REGIONS.iter().find(|(region, _)| *region == name) {
        return Ok(host);
    }
    let host_like = name.contains('.')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if host_like {
        Ok(name)
    } else {
        Err(Error::invalid_argument(format!(
            "config: environment: {name:?} is neither a region name (us-east-1, eu-west-1, ...) \
             nor a host (mypurecloud.com, usw2.pure.cloud, ...); use basePath for a full URL"
        )))
    }
}

/// Validates a base URL override; `http://` only to loopback unless allowed,
/// so that a token never travels in clear text by accident.
fn checked_base_url(key: &str, url: &str, allow_insecure_http: bool) -> Result<String> {
    let trimmed = url.trim_end_matches('/');
    let invalid = |why: &str| Error::invalid_argument(format!("config: {key}: {url:?} {why}"));
    let uri: Uri = trimmed.parse().map_err(|_| invalid("is not a URL"))?;
    let host = uri.host().ok_or_else(|| invalid("has no host"))?;
    if uri.query().is_some() || trimmed.contains('#') {
        return Err(invalid("must not have a query or fragment"));
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_insecure_http || is_loopback(host) => {}
        Some("http") => {
            return Err(invalid(
                "uses http:// to a non-loopback host; set allowInsecureHttp to allow it",
            ))
        }
        _ => return Err(invalid("must start with https:// or http://")),
    }
    Ok(trimmed.to_owned())
}

pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn checked_token(token: String) -> Result<String> {
    if token.is_empty() {
        return Err(Error::invalid_argument(
            "config: accessToken must not be empty",
        ));
    }
    checked_header_value("accessToken", &token)?;
    Ok(token)
}

/// Refuses values that could break out of an HTTP header (CR, LF, controls).
pub(crate) fn checked_header_value(key: &str, value: &str) -> Result<()> {
    match HeaderValue::from_str(value) {
        Ok(_) if !value.contains(['\r', '\n']) => Ok(()),
        _ => Err(Error::invalid_argument(format!(
            "config: {key} contains characters not allowed in an HTTP header"
        ))),
    }
}

fn positive_millis(key: &str, value: Option<u64>, default: u64) -> Result<Duration> {
    match value.unwrap_or(default) {
        0 => Err(Error::invalid_argument(format!(
            "config: {key} must be greater than 0"
        ))),
        millis => Ok(Duration::from_millis(millis)),
    }
}

/// A refresh token as the config gives it: not empty, and sendable in a form body.
fn checked_refresh_token(token: String) -> Result<String> {
    if token.is_empty() || token.chars().any(char::is_control) {
        return Err(Error::invalid_argument(
            "config: refreshToken must be a non-empty token without control characters",
        ));
    }
    Ok(token)
}

#[cfg(test)]
mod tests;
