//! The HTTP server (axum on tokio) and one request from socket to socket: read,
//! delay, maybe fail on purpose, authenticate, route, and answer with a correlation id.

use std::future::IntoFuture;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::{Request, State as Extract};
use axum::response::Response;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, oneshot};

use super::auth::Auth;
use super::controls::{self, Stats};
use super::faults::{Faults, UserFaults};
use super::limits::RateLimiter;
use super::random::Rng;
use super::reply::{self, ApiError, Reply};
use super::request::ApiRequest;
use super::routes;
use super::state::State;
use super::websocket::{self, Trouble};

/// What every connection's task shares.
pub struct Shared {
    pub auth: Auth,
    pub faults: Faults,
    /// Users whose requests fail on purpose (`/_sandbox/faults/users`).
    pub user_faults: UserFaults,
    /// `--rate-limit`, when set.
    pub limiter: Option<RateLimiter>,
    pub stats: Mutex<Stats>,
    pub open_sockets: AtomicUsize,
    /// Tells every websocket of trouble to make.
    pub trouble: broadcast::Sender<Trouble>,
    /// Correlation ids, tokens and fault rolls.
    pub rng: Rng,
    pub state: Mutex<State>,
}

impl Shared {
    pub fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts an open websocket until the guard is dropped.
    pub fn socket_opened(self: &Arc<Shared>) -> OpenSocket {
        self.open_sockets.fetch_add(1, Ordering::SeqCst);
        OpenSocket(self.clone())
    }

    /// How many websockets are open.
    pub fn open_sockets(&self) -> usize {
        self.open_sockets.load(Ordering::SeqCst)
    }
}

/// One open websocket, counted while it lives.
pub struct OpenSocket(Arc<Shared>);

impl Drop for OpenSocket {
    fn drop(&mut self) {
        self.0.open_sockets.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `listener` until `stop` fires or its sender is dropped.
pub async fn run(listener: TcpListener, shared: Arc<Shared>, stop: oneshot::Receiver<()>) {
    // A response written in two pieces would otherwise wait for the client's delayed
    // ACK (40 ms) before its second piece leaves.
    let listener = listener.tap_io(|stream| {
        let _ = stream.set_nodelay(true);
    });
    let app = Router::new().fallback(serve).with_state(shared);
    // Serving only ends with an accept error that axum already retries; the caller
    // drops the runtime once this returns, which ends the server and every connection.
    tokio::spawn(axum::serve(listener, app).into_future());
    let _ = stop.await;
}

/// Answers one request. Never panics: a handler that does is answered `500`.
async fn serve(Extract(shared): Extract<Arc<Shared>>, request: Request) -> Response {
    if let Some(channel_id) = websocket::channel_of_path(request.uri().path()) {
        let channel_id = channel_id.to_owned();
        let response = websocket::connect(shared.clone(), &channel_id, request).await;
        shared.stats().record(response.status().as_u16());
        return response;
    }
    let correlation_id = shared.rng.uuid();
    let control = request.uri().path().split('/').nth(1) == Some(CONTROLS);
    let outcome = match ApiRequest::read(request).await {
        Ok(parsed) => {
            let latency = shared.faults.latency();
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            catch_unwind(AssertUnwindSafe(|| answer(&shared, &parsed)))
                .unwrap_or_else(|_| Err(ApiError::internal()))
        }
        Err(error) => Err(error),
    };
    let reply = outcome.unwrap_or_else(|error| error.into_reply(&correlation_id));
    if !control {
        shared.stats().record(reply.status);
    }
    reply::into_response(reply, &correlation_id)
}

/// The first path segment of the controls for tests.
const CONTROLS: &str = "_sandbox";

fn answer(shared: &Shared, request: &ApiRequest) -> Result<Reply, ApiError> {
    match request.segments.as_slice() {
        [oauth, token] if oauth == "oauth" && token == "token" => {
            if request.method != "POST" {
                return Err(ApiError::method_not_allowed(&["POST"]));
            }
            Ok(shared.auth.issue_token(request, &shared.rng))
        }
        [api, v2, rest @ ..] if api == "api" && v2 == "v2" => {
            if let Some(fault) = shared.faults.roll(&shared.rng) {
                return Err(fault);
            }
            let token = shared.auth.check_bearer(request)?;
            if let Some(fault) = shared.user_faults.check(request) {
                return Err(fault);
            }
            let Some(limiter) = &shared.limiter else {
                return routes::handle(&shared.state, request, rest);
            };
            let standing = limiter.admit(token)?;
            let mut outcome = routes::handle(&shared.state, request, rest);
            let headers = match &mut outcome {
                Ok(reply) => &mut reply.headers,
                Err(error) => &mut error.headers,
            };
            headers.extend(standing.headers());
            outcome
        }
        [control, rest @ ..] if control == CONTROLS => controls::handle(shared, request, rest),
        _ => Err(ApiError::not_found("The requested resource was not found.")),
    }
}
