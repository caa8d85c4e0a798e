//! Why a command failed, and the exit code and message that says so.

use std::process::ExitCode;

use genesys_presence::{Error, ErrorKind};
use serde_json::Value;

/// A command's failure. Usage problems exit 2, everything the API or the network
/// did exits 1.
#[derive(Debug)]
pub enum Failure {
    /// The command line, a file or the configuration is wrong; nothing was sent.
    Usage(String),
    /// A call failed.
    Api(Error),
    /// The work failed or was cut short once it had started (some users of a bulk job,
    /// an answer that is not JSON, writing the output); the message says what.
    Failed(String),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        match error.kind {
            // Our own check of what the user typed: the library sent nothing.
            ErrorKind::InvalidArgument => Failure::Usage(error.message),
            _ => Failure::Api(error),
        }
    }
}

impl Failure {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(2),
            Failure::Api(_) | Failure::Failed(_) => ExitCode::from(1),
        }
    }

    /// The line (or two) written to stderr.
    pub fn describe(&self) -> String {
        match self {
            Failure::Usage(message) | Failure::Failed(message) => message.clone(),
            Failure::Api(error) => describe_error(error),
        }
    }
}

/// An API error as one line: what failed, then the status, code and correlation id
/// that Genesys support asks for.
pub fn describe_error(error: &Error) -> String {
    let details = &error.details;
    describe(
        &error.message,
        details.status.map(u64::from),
        details.code.as_deref(),
        details.correlation_id.as_deref(),
    )
}

/// An error JSON (as a bulk call's `failures` carry it) as one line.
pub fn describe_error_json(error: &Value) -> String {
    let text = |key: &str| error.get(key).and_then(Value::as_str);
    match text("message") {
        Some(message) => describe(
            message,
            error["status"].as_u64(),
            text("code"),
            text("correlationId"),
        ),
        None => error.to_string(),
    }
}

fn describe(
    message: &str,
    status: Option<u64>,
    code: Option<&str>,
    correlation_id: Option<&str>,
) -> String {
    let mut facts = Vec::new();
    // The library's message of an HTTP error already starts with its status.
    if let Some(status) = status.filter(|status| !message.contains(&format!("HTTP {status}"))) {
        facts.push(format!("HTTP {status}"));
    }
    if let Some(code) = code {
        facts.push(code.to_owned());
    }
    if let Some(correlation_id) = correlation_id {
        facts.push(format!("correlation id {correlation_id}"));
    }
    if facts.is_empty() {
        message.to_owned()
    } else {
        format!("{message} ({})", facts.join(", "))
    }
}
