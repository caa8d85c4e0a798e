//! The library's one error type, and the error JSON that crosses the C ABI.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// What went wrong, coarsely; each kind has a stable C status code (`ffi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// NULL pointer, bad UTF-8, malformed JSON, unknown operation,
    /// missing or ill-typed parameter, bad config. Nothing was sent.
    InvalidArgument,
    /// The API answered with a non-2xx status.
    Http,
    /// Connect, DNS or TLS failure, timeout, connection reset.
    Transport,
    /// No token could be obtained.
    Auth,
    /// A 2xx whose body is not the documented JSON.
    Decode,
    /// A bug in the library, such as a caught panic.
    Internal,
    /// The caller cancelled the call.
    Cancelled,
}

/// An error of any call; serialises to the error JSON of the C ABI:
/// `{"kind", "message", "status", "code", "correlationId", "retryAfterSeconds", "body"}`.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// What the server's response said, where there was one. Boxed to keep
    /// `Result`s small on the success path.
    #[serde(flatten)]
    pub details: Box<ErrorDetails>,
}

/// The parts of an error that come from an HTTP response.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetails {
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The API's error code (`ErrorBody.code`), e.g. `not.found`.
    pub code: Option<String>,
    /// The `inin-correlation-id` response header, to quote to Genesys support.
    pub correlation_id: Option<String>,
    /// How long the server asked us to wait before trying again.
    pub retry_after_seconds: Option<u64>,
    /// The error response's JSON body (an `ErrorBody`), when it was JSON.
    pub body: Option<Value>,
    /// A bulk call that failed for some users: `[{"userId", "error"}]`, one per
    /// user not read or not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failures: Option<RawJson>,
    /// A bulk read that failed for some users: the presences of the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presences: Option<RawJson>,
    /// A bulk write that failed for some users: the API's answers for the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<RawJson>,
}

/// JSON text passed on as it is: a bulk call's thousands of entries are copied
/// into its error JSON, never parsed again.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct RawJson(pub Box<RawValue>);

impl PartialEq for RawJson {
    fn eq(&self, other: &RawJson) -> bool {
        self.0.get() == other.0.get()
    }
}

impl RawJson {
    /// `value` serialized (serde_json's own output, so not parsed again).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> RawJson {
        serde_json::value::to_raw_value(value).map_or_else(
            |_| RawJson(serde_json::value::to_raw_value(&Value::Null).unwrap_or_default()),
            RawJson,
        )
    }

    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            details: Box::default(),
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    pub fn transport(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Transport, message)
    }

    pub fn auth(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Auth, message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Internal, message)
    }

    /// The error JSON handed to C callers.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| {
            // Unreachable: every field serialises. Keep the contract regardless.
            r#"{"kind":"internal","message":"error could not be serialised"}"#.to_owned()
        })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
