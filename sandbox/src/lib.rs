//! `presence-sandbox`: a stateful, in-memory simulator of the Genesys Cloud Presence
//! API on loopback, for demos and integration tests with no account and no network.
//!
//! It serves the 27 Presence operations under `/api/v2/` and the client-credentials
//! grant at `POST /oauth/token`, so one URL serves as both `basePath` and
//! `authBasePath`. State starts fresh with every [`Sandbox`]: the ten system presences,
//! one primary definition each (ids stable across runs), the `PURECLOUD` source, and
//! users created on first mention, Offline.
//!
//! Behaviour worth knowing when testing against it:
//! - Every `/api/v2/` request needs `Authorization: Bearer` with a token from
//!   `/oauth/token` (valid for `token_ttl_secs`) or the configured `static_token`.
//! - `DELETE` of a definition or source deactivates it; it stays readable and is
//!   listed under `deleted`/`deactivated` filters. The built-in ones refuse (`400`).
//! - Bulk reads take at most 50 distinct ids; a bulk write is all or nothing.
//! - Injected `429`/`503`s hit `/api/v2/` routes only, never `/oauth/token`.
//! - Every response carries a fresh `inin-correlation-id`, also the `contextId` of
//!   its `ErrorBody`.
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
mod definitions;
mod faults;
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

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

use tiny_http::Server;

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
    /// Fraction (0–1) of `/api/v2/` requests answered `429 Too Many Requests`.
    pub fault_429_rate: f64,
    /// The `Retry-After` seconds sent with injected `429`s.
    pub retry_after_secs: u64,
    /// Fraction (0–1) of `/api/v2/` requests answered `503 Service Unavailable`.
    pub fault_503_rate: f64,
    /// Delay added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Threads answering requests concurrently (at least 1).
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
            fault_429_rate: 0.0,
            retry_after_secs: 1,
            fault_503_rate: 0.0,
            latency_ms: 0,
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
        for (name, rate) in [
            ("fault_429_rate", self.fault_429_rate),
            ("fault_503_rate", self.fault_503_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return invalid(&format!("{name} must be between 0 and 1, not {rate}"));
            }
        }
        if self.workers == 0 {
            return invalid("workers must be at least 1");
        }
        Ok(())
    }
}

/// A running sandbox. Dropping it stops the server and joins its threads.
pub struct Sandbox {
    server: Arc<Server>,
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds `options.host:options.port` and starts serving on worker threads.
    ///
    /// Fails if the address cannot be bound or an option is out of range.
    pub fn start(options: SandboxOptions) -> io::Result<Sandbox> {
        options.validate()?;
        let server = Server::http((options.host.as_str(), options.port)).map_err(|e| {
            // Keep the kind (`AddrInUse`, ...) when tiny_http passes an io::Error on.
            e.downcast::<io::Error>()
                .map(|e| *e)
                .unwrap_or_else(|e| io::Error::other(e.to_string()))
        })?;
        let address = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("the sandbox is not listening on an IP address"))?;
        let server = Arc::new(server);
        let shared = Arc::new(Shared {
            auth: auth::Auth::new(&options),
            faults: faults::Faults::new(&options),
            rng: Rng::from_clock(1),
            state: Mutex::new(seed::initial_state(Rng::from_clock(2))),
        });
        let stopping = Arc::new(AtomicBool::new(false));
        let workers = (0..options.workers)
            .map(|index| {
                let (server, shared, stopping) = (server.clone(), shared.clone(), stopping.clone());
                thread::Builder::new()
                    .name(format!("presence-sandbox-{index}"))
                    .spawn(move || work(&server, &shared, &stopping))
            })
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Sandbox {
            server,
            address,
            stopping,
            workers,
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

    /// Serves until the process ends (the worker threads never stop on their own).
    pub fn wait(mut self) {
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Each unblock wakes exactly one worker blocked in `recv`.
        for _ in &self.workers {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// A worker: answers requests until the sandbox is stopping.
fn work(server: &Server, shared: &Shared, stopping: &AtomicBool) {
    loop {
        match server.recv() {
            Ok(request) => server::serve(shared, request),
            // An unblock (or a failed accept); only the former ends the loop.
            Err(_) if stopping.load(Ordering::SeqCst) => return,
            Err(_) => {}
        }
    }
}
