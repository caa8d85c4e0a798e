//! HTTP: one pooled `ureq::Agent` per client, and raw responses.

use std::io::Read;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use ureq::http::header::{AUTHORIZATION, CONTENT_TYPE};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::{Agent, Proxy};

use crate::bulk::MAX_CONCURRENCY;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::operations::Method;

const JSON: &str = "application/json";

/// A response as it came off the wire.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub body: Vec<u8>,
    /// The `inin-correlation-id` header.
    pub correlation_id: Option<String>,
    /// The `Retry-After` header, unparsed.
    pub retry_after: Option<String>,
    /// The `inin-ratelimit-*` headers, when all three came and parse.
    pub rate_limit: Option<Announced>,
}

/// Where a client stands in the API's rate limit, as a response announced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announced {
    /// `inin-ratelimit-allowed`: requests in a window.
    pub allowed: u64,
    /// `inin-ratelimit-count`: requests counted in this window so far.
    pub count: u64,
    /// `inin-ratelimit-reset`: whole seconds until the window resets.
    pub reset_secs: u64,
}

/// Sends requests over a keep-alive connection pool shared by all threads.
#[derive(Debug)]
pub struct Transport {
    /// The pool of the process that made the client.
    agent: Agent,
    /// That process. A child forked from it (Python's multiprocessing, a C
    /// program's `fork`) inherits the pool's sockets: two processes reading
    /// one connection would take each other's answers, another user's
    /// presence among them. A child leaves them alone and pools its own.
    pid: u32,
    /// The agent of the forked child this is in, and its pid.
    forked: Mutex<Option<(u32, Agent)>>,
    /// The agent's own whole-request timeout; other values are set per request.
    timeout: Duration,
    max_response_bytes: u64,
}

impl Transport {
    pub fn new(config: &Config) -> Result<Transport> {
        let proxy = match &config.proxy {
            // Never taken from the environment: only what the config says.
            None => None,
            Some(url) => Some(
                Proxy::new(url)
                    .map_err(|error| Error::invalid_argument(format!("config: proxy: {error}")))?,
            ),
        };
        let agent_config = Agent::config_builder()
            .tls_config(tls_config(config)?)
            .http_status_as_error(false)
            .proxy(proxy)
            .timeout_global(Some(config.timeout))
            .timeout_connect(Some(config.connect_timeout))
            .user_agent(config.user_agent.as_str())
            .accept(JSON)
            // The API does not redirect; a redirect is reported, never followed
            // with the token to another host.
            .max_redirects(0)
            .max_redirects_will_error(false)
            // As many idle connections as a bulk call may use at once (ureq keeps 3):
            // a bulk call right after another opens none.
            .max_idle_connections_per_host(MAX_CONCURRENCY)
            .max_idle_connections(2 * MAX_CONCURRENCY)
            .build();
        let agent = Agent::new_with_config(agent_config);
        Ok(Transport {
            agent,
            pid: std::process::id(),
            forked: Mutex::new(None),
            timeout: config.timeout,
            max_response_bytes: config.max_response_bytes,
        })
    }

    /// Runs `request` with this process's agent (tokens use it directly).
    pub fn with_agent<R>(&self, request: impl FnOnce(&Agent) -> R) -> R {
        let pid = std::process::id(); // ~0.2 µs: a call takes ~100 times that
        if pid == self.pid {
            return request(&self.agent);
        }
        let agent = {
            let mut forked = self.forked.lock().unwrap_or_else(PoisonError::into_inner);
            match &*forked {
                Some((owner, agent)) if *owner == pid => agent.clone(),
                // This child's first request. In a child's child, this drops
                // the agent of its parent, which only closes this process's
                // copies of the sockets: the parent's stay open.
                _ => {
                    let agent = Agent::new_with_config(self.agent.config().clone());
                    *forked = Some((pid, agent.clone()));
                    agent
                }
            }
        };
        request(&agent)
    }

    /// Sends one request with a bearer token and an optional JSON body.
    pub fn send(
        &self,
        method: Method,
        url: &str,
        bearer: &str,
        body: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<RawResponse> {
        let authorization = zeroize::Zeroizing::new(["Bearer ", bearer].concat());
        let body = body.unwrap_or_default();
        // A per-request config costs a copy of the agent's: only when it differs.
        let timeout = (timeout != self.timeout).then_some(timeout);
        let result = self.with_agent(|agent| match method {
            Method::Get => prepared(agent.get(url), &authorization, timeout).call(),
            Method::Delete => prepared(agent.delete(url), &authorization, timeout).call(),
            Method::Post => prepared(agent.post(url), &authorization, timeout).send(body),
            Method::Put => prepared(agent.put(url), &authorization, timeout).send(body),
            Method::Patch => prepared(agent.patch(url), &authorization, timeout).send(body),
        });
        read_response(result.map_err(transport_error)?, self.max_response_bytes)
    }
}

/// Adds the headers every API request carries, and this attempt's time limit.
fn prepared<B>(
    request: ureq::RequestBuilder<B>,
    authorization: &str,
    timeout: Option<Duration>,
) -> ureq::RequestBuilder<B> {
    let request = request
        .header(AUTHORIZATION, authorization)
        .header(CONTENT_TYPE, JSON);
    match timeout {
        Some(timeout) => request.config().timeout_global(Some(timeout)).build(),
        None => request,
    }
}

/// The largest `caCertPath` file read.
const MAX_CA_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Verified TLS always; `caCertPath` adds its certificates to Mozilla's roots
/// (for enterprise TLS-inspecting proxies) rather than replacing them.
fn tls_config(config: &Config) -> Result<TlsConfig> {
    if config.ca_cert_path.is_none() {
        return Ok(TlsConfig::default());
    }
    let roots: Vec<Certificate<'static>> = trusted_roots(config)?
        .into_iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned())
        .collect();
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&roots))
        .build())
}

/// Mozilla's roots and the certificates of `caCertPath`, as DER: what every
/// connection of the client trusts (HTTP requests and watch websockets).
pub(crate) fn trusted_roots(config: &Config) -> Result<Vec<CertificateDer<'static>>> {
    let mut roots: Vec<CertificateDer<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS.to_vec();
    let Some(path) = &config.ca_cert_path else {
        return Ok(roots);
    };
    let invalid =
        |why: String| Error::invalid_argument(format!("config: caCertPath {path:?}: {why}"));
    let mut pem = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_CA_FILE_BYTES + 1).read_to_end(&mut pem))
        .map_err(|error| invalid(error.to_string()))?;
    if pem.len() as u64 > MAX_CA_FILE_BYTES {
        // Not a certificate file (Mozilla's whole bundle is ~250 KB): /dev/zero
        // or a log named by mistake must not fill the host's memory.
        return Err(invalid(format!(
            "larger than {} MiB",
            MAX_CA_FILE_BYTES / 1024 / 1024
        )));
    }
    let defaults = roots.len();
    for item in ureq::tls::parse_pem(&pem) {
        match item.map_err(|error| invalid(error.to_string()))? {
            PemItem::Certificate(certificate) => {
                roots.push(CertificateDer::from(certificate.der().to_vec()))
            }
            _ => continue,
        }
    }
    if roots.len() == defaults {
        return Err(invalid("holds no PEM certificate".to_owned()));
    }
    Ok(roots)
}

fn read_response(
    mut response: ureq::http::Response<ureq::Body>,
    max_bytes: u64,
) -> Result<RawResponse> {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let correlation_id = header("inin-correlation-id");
    let retry_after = header("retry-after");
    let number = |name: &str| header(name).and_then(|text| text.trim().parse::<u64>().ok());
    let rate_limit = match (
        number("inin-ratelimit-allowed"),
        number("inin-ratelimit-count"),
        number("inin-ratelimit-reset"),
    ) {
        (Some(allowed), Some(count), Some(reset_secs)) => Some(Announced {
            allowed,
            count,
            reset_secs,
        }),
        _ => None,
    };
    let status = response.status().as_u16();
    // Sized from Content-Length, plus the byte for the NUL that turns it into
    // a C string: no regrowing (a copy each time) while reading.
    let capacity = response
        .body()
        .content_length()
        .map_or(0, |length| length.min(max_bytes) as usize + 1);
    let mut body = Vec::with_capacity(capacity);
    response
        .body_mut()
        .with_config()
        .limit(max_bytes)
        .reader()
        .read_to_end(&mut body)
        .map_err(|error| {
            let mut error = transport_error(error.into());
            error.details.status = Some(status);
            error.details.correlation_id.clone_from(&correlation_id);
            error
        })?;
    Ok(RawResponse {
        status,
        body,
        correlation_id,
        retry_after,
        rate_limit,
    })
}

/// Maps ureq's errors to the library's kinds, with a message a person can act on.
pub(crate) fn transport_error(error: ureq::Error) -> Error {
    match error {
        ureq::Error::BodyExceedsLimit(limit) => Error::new(
            ErrorKind::Decode,
            format!("response body larger than {limit} bytes"),
        ),
        ureq::Error::Timeout(which) => Error::transport(format!("timed out ({which})")),
        ureq::Error::HostNotFound => Error::transport("host not found"),
        // The request could not be built (e.g. a URL longer than 64 KiB):
        // nothing was sent, and retrying cannot help.
        ureq::Error::Http(error) => {
            Error::invalid_argument(format!("the request cannot be sent: {error}"))
        }
        ureq::Error::ConnectionFailed => Error::transport("connection failed"),
        other => Error::transport(other.to_string()),
    }
}
