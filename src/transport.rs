//! HTTP: one pooled `ureq::Agent` per client, and raw responses.

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use ureq::http::header::{AUTHORIZATION, CONTENT_TYPE};
use ureq::http::Uri;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::time::Duration as TimeLeft;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout,
    Transport as SocketTransport,
};
use ureq::{Agent, Proxy};

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
            .build();
        let agent = new_agent(agent_config);
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
                    let agent = new_agent(self.agent.config().clone());
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

/// An agent with an empty pool and the library's connector and resolver.
fn new_agent(config: ureq::config::Config) -> Agent {
    let connector = DefaultConnector::new().chain(FewerSyscalls);
    Agent::with_parts(config, connector, CachingResolver::default())
}

/// How finely socket time limits are set.
const TIMEOUT_GRAIN: Duration = Duration::from_millis(1);

/// Wraps each new connection in a [`FewerSyscallsTransport`].
#[derive(Debug)]
struct FewerSyscalls;

impl Connector<Box<dyn SocketTransport>> for FewerSyscalls {
    type Out = FewerSyscallsTransport;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<Box<dyn SocketTransport>>,
    ) -> std::result::Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| FewerSyscallsTransport {
            inner,
            held: Vec::new(),
            head_next: true,
            just_read: false,
        }))
    }
}

/// ureq's TCP (or TLS) transport, spared some syscalls.
///
/// - ureq hands each socket read and write the time left of the request, a
///   value that differs every time, so it sets the socket's timeout before
///   each: three `setsockopt` calls in a single-user call, more for a bulk
///   answer. Rounded up to `TIMEOUT_GRAIN` the value repeats (a call on a
///   pooled connection begins within a millisecond of its full budget), and
///   ureq skips the syscall. A timeout may fire up to a millisecond late.
/// - ureq sends a request's head and its body in two writes: two packets, and
///   a server woken for each. The head is held back instead and goes out with
///   the body, or before the first read when there is no body.
/// - ureq probes a connection (three syscalls) both when it returns to the
///   pool and when it is taken for the next request. The first probe comes
///   right after the answer was read, and the second repeats it just before
///   the connection is used: only the second is made. Bytes the server sent
///   after its answer, or a close, are still found before anything is sent.
#[derive(Debug)]
struct FewerSyscallsTransport {
    inner: Box<dyn SocketTransport>,
    /// Output written by ureq but not yet sent (a request's head).
    held: Vec<u8>,
    /// Whether the next write begins a request: none since the last read.
    head_next: bool,
    /// Whether the last thing done was a read: a probe now is the one made
    /// as the connection goes back to the pool.
    just_read: bool,
}

impl FewerSyscallsTransport {
    /// Sends what is held, if anything.
    fn send_held(&mut self, timeout: NextTimeout) -> std::result::Result<(), ureq::Error> {
        if self.held.is_empty() {
            return Ok(());
        }
        let held = self.held.len();
        self.inner.buffers().output()[..held].copy_from_slice(&self.held);
        self.held.clear();
        self.inner.transmit_output(held, rounded_up(timeout))
    }

    /// Sends what is held, then runs `read` on the inner transport, and notes
    /// that a read happened (the next write begins a request).
    fn read(
        &mut self,
        timeout: NextTimeout,
        read: impl FnOnce(
            &mut dyn SocketTransport,
            NextTimeout,
        ) -> std::result::Result<bool, ureq::Error>,
    ) -> std::result::Result<bool, ureq::Error> {
        self.send_held(timeout)?;
        let result = read(&mut *self.inner, rounded_up(timeout));
        self.head_next = true;
        self.just_read = result.is_ok();
        result
    }
}

impl SocketTransport for FewerSyscallsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(
        &mut self,
        amount: usize,
        timeout: NextTimeout,
    ) -> std::result::Result<(), ureq::Error> {
        self.just_read = false;
        let output = self.inner.buffers().output();
        if std::mem::take(&mut self.head_next) {
            // Kept until the body or the first read.
            self.held.extend_from_slice(&output[..amount]);
            return Ok(());
        }
        let held = self.held.len();
        if held == 0 {
            return self.inner.transmit_output(amount, rounded_up(timeout));
        }
        if held + amount > output.len() {
            // No room for both in the output buffer: one after the other.
            let next = output[..amount].to_vec();
            self.send_held(timeout)?;
            self.inner.buffers().output()[..amount].copy_from_slice(&next);
            return self.inner.transmit_output(amount, rounded_up(timeout));
        }
        output.copy_within(..amount, held);
        output[..held].copy_from_slice(&self.held);
        self.held.clear();
        self.inner
            .transmit_output(held + amount, rounded_up(timeout))
    }

    fn maybe_await_input(
        &mut self,
        timeout: NextTimeout,
    ) -> std::result::Result<bool, ureq::Error> {
        self.read(timeout, |inner, timeout| inner.maybe_await_input(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> std::result::Result<bool, ureq::Error> {
        self.read(timeout, |inner, timeout| inner.await_input(timeout))
    }

    fn is_open(&mut self) -> bool {
        // ureq's pool probes every connection it hands out, so the probe made
        // as one comes back can be left to that.
        std::mem::take(&mut self.just_read) || self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// `timeout` with its time left rounded up to a whole `TIMEOUT_GRAIN`. Zero
/// stays zero: ureq reports a spent budget as a timeout without waiting.
fn rounded_up(mut timeout: NextTimeout) -> NextTimeout {
    if let TimeLeft::Exact(left) = timeout.after {
        let grain = TIMEOUT_GRAIN.as_nanos();
        let short_by = (grain - left.as_nanos() % grain) % grain;
        // Saturating: `timeoutMs` may be as large as u64::MAX.
        let rounded = left.saturating_add(Duration::from_nanos(short_by as u64));
        timeout.after = TimeLeft::Exact(rounded);
    }
    timeout
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

/// How long a host's addresses are reused before it is looked up again.
const DNS_CACHE_TTL: Duration = Duration::from_secs(30);

/// ureq resolves the host before every request, even one that reuses a pooled
/// connection, and with a timeout set it does so on a new thread: ~70 µs a
/// call on loopback, most of a Presence call. This keeps each answer for
/// `DNS_CACHE_TTL`; IP literals are never looked up.
#[derive(Debug, Default)]
struct CachingResolver {
    lookup: DefaultResolver,
    cache: Mutex<HashMap<String, (ResolvedSocketAddrs, Instant)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> std::result::Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            return self.lookup.resolve(uri, config, timeout);
        };
        if let Some(address) = ip_literal(scheme.as_str(), authority) {
            let mut addresses = self.empty();
            addresses.push(address);
            return Ok(addresses);
        }
        let Some(key) = DefaultResolver::host_and_port(scheme, authority) else {
            return self.lookup.resolve(uri, config, timeout);
        };
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(&key)
            .filter(|(_, looked_up)| looked_up.elapsed() < DNS_CACHE_TTL)
            .map(|(addresses, _)| addresses.clone());
        if let Some(addresses) = cached {
            return Ok(addresses);
        }
        let addresses = self.lookup.resolve(uri, config, timeout)?;
        self.cache
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .insert(key, (addresses.clone(), Instant::now()));
        Ok(addresses)
    }
}

/// The address of an authority whose host is an IP literal (`127.0.0.1`,
/// `[::1]`), with its port or the scheme's: read straight from the URL.
fn ip_literal(scheme: &str, authority: &ureq::http::uri::Authority) -> Option<SocketAddr> {
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|host| host.strip_suffix(']'))
        .unwrap_or(host);
    let ip = host.parse::<IpAddr>().ok()?;
    let port = authority.port_u16().or(match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    })?;
    Some(SocketAddr::new(ip, port))
}

/// The largest `caCertPath` file read.
const MAX_CA_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Verified TLS always; `caCertPath` adds its certificates to Mozilla's roots
/// (for enterprise TLS-inspecting proxies) rather than replacing them.
fn tls_config(config: &Config) -> Result<TlsConfig> {
    let Some(path) = &config.ca_cert_path else {
        return Ok(TlsConfig::default());
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
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()))
        .collect();
    let defaults = roots.len();
    for item in ureq::tls::parse_pem(&pem) {
        match item.map_err(|error| invalid(error.to_string()))? {
            PemItem::Certificate(certificate) => roots.push(certificate),
            _ => continue,
        }
    }
    if roots.len() == defaults {
        return Err(invalid("holds no PEM certificate".to_owned()));
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&roots))
        .build())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rounded(left: TimeLeft) -> TimeLeft {
        let timeout = NextTimeout {
            after: left,
            ..NextTimeout::default()
        };
        rounded_up(timeout).after
    }

    fn exact(nanos: u64) -> TimeLeft {
        TimeLeft::Exact(Duration::from_nanos(nanos))
    }

    #[test]
    fn socket_time_limits_round_up_to_whole_milliseconds() {
        let full = Duration::from_secs(30);
        // What a call's reads and writes see: the same value, so no syscall.
        assert_eq!(rounded(TimeLeft::Exact(full)), TimeLeft::Exact(full));
        assert_eq!(
            rounded(TimeLeft::Exact(full - Duration::from_micros(80))),
            TimeLeft::Exact(full)
        );
        assert_eq!(rounded(exact(1)), exact(1_000_000));
        assert_eq!(rounded(exact(1_000_001)), exact(2_000_000));
        // Spent stays spent, none stays none, and the largest budget stays put.
        assert_eq!(rounded(exact(0)), exact(0));
        assert_eq!(rounded(TimeLeft::NotHappening), TimeLeft::NotHappening);
        assert_eq!(
            rounded(TimeLeft::Exact(Duration::MAX)),
            TimeLeft::Exact(Duration::MAX)
        );
    }

    fn literal(url: &str) -> Option<String> {
        let uri: ureq::http::Uri = url.parse().unwrap();
        ip_literal(uri.scheme_str().unwrap(), uri.authority().unwrap()).map(|a| a.to_string())
    }

    #[test]
    fn ip_literals_are_read_from_the_url_and_names_are_left_to_the_resolver() {
        assert_eq!(
            literal("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(literal("http://10.0.0.1").as_deref(), Some("10.0.0.1:80"));
        assert_eq!(literal("https://[::1]/").as_deref(), Some("[::1]:443"));
        assert_eq!(literal("http://[::1]:9/").as_deref(), Some("[::1]:9"));
        assert_eq!(literal("http://localhost:8080/"), None);
        assert_eq!(literal("https://api.mypurecloud.com/"), None);
        assert_eq!(literal("ftp://127.0.0.1/"), None, "no port known");
    }
}
