//! Controls for tests, under `/_sandbox/`: no token needed, not part of the API, and
//! not counted in the stats they report.

use std::collections::BTreeMap;

use serde_json::json;

use super::reply::{ApiError, Reply};
use super::request::ApiRequest;
use super::server::Shared;
use super::websocket::Trouble;

/// What the sandbox has answered, for `GET /_sandbox/stats`.
#[derive(Default)]
pub struct Stats {
    requests: u64,
    statuses: BTreeMap<u16, u64>,
}

impl Stats {
    /// Counts one answered request by its status.
    pub fn record(&mut self, status: u16) {
        self.requests += 1;
        *self.statuses.entry(status).or_default() += 1;
    }
}

/// Answers a request whose path starts `/_sandbox/`; `path` is the rest.
pub fn handle(shared: &Shared, request: &ApiRequest, path: &[String]) -> Result<Reply, ApiError> {
    match path {
        [stats] if stats == "stats" => {
            if request.method != "GET" {
                return Err(ApiError::method_not_allowed(&["GET"]));
            }
            let channels = shared.state().channels.live().len();
            let stats = shared.stats();
            let statuses: BTreeMap<String, u64> = stats
                .statuses
                .iter()
                .map(|(status, count)| (status.to_string(), *count))
                .collect();
            Ok(Reply::ok(json!({
                "requests": stats.requests,
                "statuses": statuses,
                "channels": channels,
                "websockets": shared.open_sockets(),
            })))
        }
        [notifications, name] if notifications == "notifications" => {
            let Some(trouble) = Trouble::from_name(name) else {
                return Err(ApiError::not_found(format!(
                    "No such notifications control '{name}': drop, stall or socket-closing."
                )));
            };
            if request.method != "POST" {
                return Err(ApiError::method_not_allowed(&["POST"]));
            }
            // No receiver (no websocket open) is not an error: none was told.
            let told = shared.trouble.send(trouble).unwrap_or(0);
            Ok(Reply::ok(json!({ "websockets": told })))
        }
        [faults, users] if faults == "faults" && users == "users" => user_faults(shared, request),
        _ => Err(ApiError::not_found("No such sandbox control.")),
    }
}

/// `POST /_sandbox/faults/users` with `{"userIds": [...], "status": 500}` makes every
/// API request naming one of those users fail with that status; `DELETE` forgets
/// them all. Answers `{"users": n}`, how many users now fail.
fn user_faults(shared: &Shared, request: &ApiRequest) -> Result<Reply, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Body {
        user_ids: Vec<String>,
        status: u16,
    }
    match request.method.as_str() {
        "POST" => {
            let body: Body = request.json()?;
            if !(400..=599).contains(&body.status) {
                return Err(ApiError::bad_request("status must be from 400 to 599."));
            }
            let users = shared.user_faults.add(body.user_ids, body.status);
            Ok(Reply::ok(json!({ "users": users })))
        }
        "DELETE" => {
            shared.user_faults.clear();
            Ok(Reply::ok(json!({ "users": 0 })))
        }
        _ => Err(ApiError::method_not_allowed(&["POST", "DELETE"])),
    }
}
