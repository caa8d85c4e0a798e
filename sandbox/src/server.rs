//! One request from socket to socket: read, delay, maybe fail on purpose,
//! authenticate, route, and answer with a correlation id.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use tiny_http::Request;

use super::auth::Auth;
use super::faults::Faults;
use super::random::Rng;
use super::reply::{self, ApiError, Reply};
use super::request::ApiRequest;
use super::routes;
use super::state::State;

/// What every worker thread shares.
pub struct Shared {
    pub auth: Auth,
    pub faults: Faults,
    /// Correlation ids, tokens and fault rolls.
    pub rng: Rng,
    pub state: Mutex<State>,
}

/// Answers one request. Never panics: a handler that does is answered `500`.
pub fn serve(shared: &Shared, mut request: Request) {
    let correlation_id = shared.rng.uuid();
    let outcome = ApiRequest::read(&mut request).and_then(|parsed| {
        catch_unwind(AssertUnwindSafe(|| answer(shared, &parsed)))
            .unwrap_or_else(|_| Err(ApiError::internal()))
    });
    let reply = outcome.unwrap_or_else(|error| error.into_reply(&correlation_id));
    reply::send(request, reply, &correlation_id);
}

fn answer(shared: &Shared, request: &ApiRequest) -> Result<Reply, ApiError> {
    shared.faults.delay();
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
            shared.auth.check_bearer(request)?;
            routes::handle(&shared.state, request, rest)
        }
        _ => Err(ApiError::not_found("The requested resource was not found.")),
    }
}
