//! `presence-sandbox`: a stateful, in-memory simulator of the Genesys Cloud Presence
//! API on loopback, for demos and integration tests with no account and no network.
//!
//! It serves every Presence operation of the library's table under `/api/v2/` and
//! the client-credentials grant at `POST /oauth/token`, so one URL serves as both
//! `basePath` and `authBasePath`. State starts fresh with every [`Sandbox`]: the ten system presences,
//! one primary definition each (ids stable across runs), the `PURECLOUD` source, and
//! users created on first mention, Offline.
//!
//! Behaviour worth knowing when testing against it:
//! - Every `/api/v2/` request needs `Authorization: Bearer` with a token from
//!   `/oauth/token` (valid for `token_ttl_secs`) or the configured `static_token`.
//! - A `refresh_token` grant retires the refresh token it uses and answers the next
//!   one with the access token; a retired one is refused (`400 invalid_grant`).
//! - `DELETE` of a definition or source deactivates it; it stays readable and is
//!   listed under `deleted`/`deactivated` filters. The built-in ones refuse (`400`).
//! - Bulk reads take at most 50 distinct ids; a bulk write is all or nothing.
//! - Injected `429`/`503`s hit `/api/v2/` routes only, never `/oauth/token`.
//! - Every response carries a fresh `inin-correlation-id`, also the `contextId` of
//!   its `ErrorBody`.
//! - With a `rate_limit`, each access token gets so many `/api/v2/` requests in each
//!   fixed window (from its first request); answers carry `inin-ratelimit-*`, and one
//!   over the limit is a `429` with `Retry-After`, not counted.
//! - `GET /_sandbox/stats` (no token) tells what it has answered, by status.
//!
//! ```no_run
//! use presence_sandbox::{Sandbox, SandboxOptions};
//!
//! let sandbox = Sandbox::start(SandboxOptions::default())?;
//! println!("basePath = {}", sandbox.url());
//! // ... run a client against it; dropping `sandbox` stops it.
//! # Ok::<(), std::io::Error>(())
//! ```

mod auth;
mod clock;
mod controls;
mod definitions;
mod faults;
mod limits;
mod notifications;
mod random;
mod reply;
mod request;
mod routes;
mod seed;
mod server;
mod settings;
mod sources;
mod state;
mod system_presence;
mod uri;
mod users;
mod websocket;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tokio::sync::oneshot;

pub use limits::RateLimit;
use random::Rng;
use server::Shared;

/// How a [`Sandbox`] listens, whom it lets in, and what trouble it makes.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// Address to bind; `127.0.0.1` by default.
    pub host: String,
    /// Port to bind; `0` picks a free one (see [`Sandbox::port`]).
    pub port: u16,
    /// The OAuth client id `POST /oauth/token` accepts.
    pub client_id: String,
    /// The OAuth client secret `POST /oauth/token` accepts.
    pub client_secret: String,
    /// Lifetime of issued tokens, in seconds (`expires_in`).
    pub token_ttl_secs: u64,
    /// A bearer token that is always accepted, for tests that skip the OAuth step.
    pub static_token: Option<String>,
    /// A refresh token `POST /oauth/token` accepts once (`grant_type=refresh_token`);
    /// each use answers the next one.
    pub refresh_token: Option<String>,
    /// Fraction (0–1) of `/api/v2/` requests answered `429 Too Many Requests`.
    pub fault_429_rate: f64,
    /// The `Retry-After` seconds sent with injected `429`s.
    pub retry_after_secs: u64,
    /// Fraction (0–1) of `/api/v2/` requests answered `503 Service Unavailable`.
    pub fault_503_rate: f64,
    /// Delay added to every request, in milliseconds.
    pub latency_ms: u64,
    /// At most so many `/api/v2/` requests per access token in each window; none by
    /// default.
    pub rate_limit: Option<RateLimit>,
    /// Lifetime of notification channels, in seconds (24 hours by default, as on
    /// Genesys Cloud).
    pub channel_ttl_secs: u64,
    /// Seconds between heartbeats on every notification websocket (30, as on Genesys
    /// Cloud).
    pub heartbeat_secs: u64,
    /// Threads of the async runtime answering requests (at least 1); each serves any
    /// number of connections.
    pub workers: usize,
}

impl Default for SandboxOptions {
    fn default() -> SandboxOptions {
        SandboxOptions {
            host: "127.0.0.1".to_owned(),
            port: 0,
            client_id: "sandbox-client".to_owned(),
            client_secret: "sandbox-secret".to_owned(),
            token_ttl_secs: 3600,
            static_token: None,
            refresh_token: None,
            fault_429_rate: 0.0,
            retry_after_secs: 1,
            fault_503_rate: 0.0,
            latency_ms: 0,
            rate_limit: None,
            channel_ttl_secs: 86_400,
            heartbeat_secs: 30,
            workers: 8,
        }
    }
}

impl SandboxOptions {
    fn validate(&self) -> io::Result<()> {
        let invalid = |message: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                message.to_owned(),
            ))
        };
        // Named as both the field and the command line's flag.
        for (name, rate) in [
            ("fault_429_rate (--fault-429-rate)", self.fault_429_rate),
            ("fault_503_rate (--fault-503-rate)", self.fault_503_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return invalid(&format!("{name} must be between 0 and 1, not {rate}"));
            }
        }
        if self.workers == 0 {
            return invalid("workers (--workers) must be at least 1");
        }
        if self.channel_ttl_secs == 0 {
            return invalid("channel_ttl_secs (--channel-ttl-secs) must be at least 1");
        }
        if self.heartbeat_secs == 0 {
            return invalid("heartbeat_secs (--heartbeat-secs) must be at least 1");
        }
        if self.refresh_token.as_deref() == Some("") {
            return invalid("refresh_token (--refresh-token) must not be empty");
        }
        if self
            .rate_limit
            .is_some_and(|limit| limit.requests == 0 || limit.window.is_zero())
        {
            return invalid("rate_limit (--rate-limit) must allow at least 1 request a window");
        }
        Ok(())
    }
}

/// How many connections may wait to be accepted. std's 128 is too few for a test
/// that opens hundreds at once: the rest would wait a SYN retry (1 s) to get in.
const LISTEN_BACKLOG: u32 = 1024;

/// A listener on the first of `host`'s addresses that can be bound.
fn listen(host: &str, port: u16) -> io::Result<tokio::net::TcpListener> {
    let mut last_error = None;
    for address in (host, port).to_socket_addrs()? {
        let socket = if address.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        // As std does: a port whose old connections linger in TIME_WAIT can be reused.
        socket.set_reuseaddr(true)?;
        match socket.bind(address) {
            Ok(()) => return socket.listen(LISTEN_BACKLOG),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{host}: no address"))
    }))
}

/// A running sandbox. Dropping it stops the server, closes every connection and joins
/// its threads.
pub struct Sandbox {
    address: SocketAddr,
    /// Sent (or dropped) to stop serving.
    stop: Option<oneshot::Sender<()>>,
    /// The thread driving the runtime; it ends once `stop` fires.
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `options.host:options.port` and starts serving on a tokio runtime of
    /// `options.workers` threads.
    ///
    /// Fails if the address cannot be bound or an option is out of range.
    pub fn start(options: SandboxOptions) -> io::Result<Sandbox> {
        options.validate()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(options.workers)
            .thread_name("presence-sandbox")
            .enable_io()
            .enable_time()
            .build()?;
        // Bound here, not on the server's thread, so a taken port fails `start` itself.
        let listener = {
            let _context = runtime.enter();
            listen(&options.host, options.port)?
        };
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            auth: auth::Auth::new(&options),
            faults: faults::Faults::new(&options),
            user_faults: faults::UserFaults::default(),
            limiter: options.rate_limit.map(limits::RateLimiter::new),
            stats: Mutex::default(),
            open_sockets: AtomicUsize::new(0),
            trouble: tokio::sync::broadcast::channel(16).0,
            rng: Rng::new(),
            state: Mutex::new(seed::initial_state(
                Rng::new(),
                notifications::Channels::new(
                    Duration::from_secs(options.channel_ttl_secs),
                    Duration::from_secs(options.heartbeat_secs),
                    address,
                ),
            )),
        });
        let (stop, stopped) = oneshot::channel();
        let server = thread::Builder::new()
            .name("presence-sandbox".to_owned())
            .spawn(move || {
                runtime.block_on(server::run(listener, shared, stopped));
                // Dropping the runtime here ends every connection's task.
            })?;
        Ok(Sandbox {
            address,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: both `basePath` and `authBasePath`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until the process ends.
    pub fn wait(mut self) {
        // `self.stop` stays alive (unsent) while we wait, so the server never stops.
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}
