//! Responses: what handlers return, the API's ErrorBody, and writing to the socket.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::json;

/// The header that carries each response's correlation id, as Genesys Cloud sends it.
const CORRELATION_HEADER: &str = "inin-correlation-id";

/// A successful (or OAuth-style) answer: status, optional JSON body, extra headers.
pub struct Reply {
    pub status: u16,
    /// The body as JSON text.
    pub body: Option<String>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// `status` with `body` as JSON; a `500` with no body should `body` fail to
    /// serialize (none of the sandbox's answers can).
    pub fn json(status: u16, body: impl Serialize) -> Reply {
        match serde_json::to_string(&body) {
            Ok(text) => Reply {
                status,
                body: Some(text),
                headers: Vec::new(),
            },
            Err(_) => Reply::empty(500),
        }
    }

    /// `200 OK` with `body` as JSON.
    pub fn ok(body: impl Serialize) -> Reply {
        Reply::json(200, body)
    }

    /// `status` with no body at all (`204`, or the deprecated API's bodiless `200`).
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            body: None,
            headers: Vec::new(),
        }
    }
}

/// A failed API call, answered with Genesys Cloud's `ErrorBody` JSON.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    /// An error with the given status, `ErrorBody.code` and message.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// `400 bad.request`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "bad.request", message)
    }

    /// `401 bad.credentials`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(401, "bad.credentials", message)
    }

    /// `404 not.found`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, "not.found", message)
    }

    /// `409 conflict`.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(409, "conflict", message)
    }

    /// `405 method.not.allowed` with the `Allow` header listing `allowed`.
    pub fn method_not_allowed(allowed: &[&str]) -> ApiError {
        ApiError::new(
            405,
            "method.not.allowed",
            "The HTTP method is not allowed here.",
        )
        .with_header("Allow", allowed.join(", "))
    }

    /// `500 internal.server.error`, for a handler that failed unexpectedly.
    pub fn internal() -> ApiError {
        ApiError::new(
            500,
            "internal.server.error",
            "The server encountered an unexpected condition which prevented it from fulfilling the request.",
        )
    }

    /// The same error with one more response header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> ApiError {
        self.headers.push((name, value.into()));
        self
    }

    /// The `ErrorBody` reply; `context_id` is the response's correlation id.
    pub fn into_reply(self, context_id: &str) -> Reply {
        let body = json!({
            "message": self.message,
            "code": self.code,
            "status": self.status,
            "messageParams": {},
            "contextId": context_id,
            "details": [],
            "errors": [],
        });
        Reply {
            headers: self.headers,
            ..Reply::json(self.status, body)
        }
    }
}

/// The HTTP response for `reply`, with the correlation id and, when there is a body,
/// the JSON content type.
pub fn into_response(reply: Reply, correlation_id: &str) -> Response {
    let content_type = reply
        .body
        .as_ref()
        .map(|_| ("Content-Type", "application/json"));
    let mut response = Response::new(Body::from(reply.body.unwrap_or_default()));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = reply
        .headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .chain([(CORRELATION_HEADER, correlation_id)])
        .chain(content_type);
    for (name, value) in headers {
        // Every header we build is ASCII; a value that is not is skipped, not fatal.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
