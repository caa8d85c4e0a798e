//! Helpers shared by the sandbox's tests: a sandbox that accepts [`TOKEN`], and
//! requests to it over real HTTP with `ureq`.
#![allow(dead_code)] // each test crate uses a different subset

pub mod client;

use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;
use ureq::http::{self, Method};
use ureq::Agent;

/// The bearer token every test sandbox accepts.
pub const TOKEN: &str = "test-token";

/// A sandbox that accepts [`TOKEN`], with its default options.
pub fn default_sandbox() -> Sandbox {
    sandbox_with(|_| {})
}

/// A sandbox that accepts [`TOKEN`], with options adjusted by `tweak`.
pub fn sandbox_with(tweak: impl FnOnce(&mut SandboxOptions)) -> Sandbox {
    let mut options = SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        ..SandboxOptions::default()
    };
    tweak(&mut options);
    Sandbox::start(options).expect("sandbox starts")
}

/// One answer, read whole.
pub struct Answer {
    pub status: u16,
    /// The body as JSON; `null` when empty.
    pub body: Value,
    pub headers: http::HeaderMap,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// `method path` with [`TOKEN`] and, when given, a JSON body.
pub fn call(sandbox: &Sandbox, method: Method, path: &str, body: Option<&Value>) -> Answer {
    call_as(sandbox, Some(TOKEN), method, path, body)
}

/// `method path` with `token` as the bearer token (none: no `Authorization`) and, when
/// given, a JSON body.
pub fn call_as(
    sandbox: &Sandbox,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Answer {
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .build()
        .new_agent();
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", sandbox.url()));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let response = match body {
        Some(body) => agent.run(
            request
                .header("Content-Type", "application/json")
                .body(body.to_string())
                .unwrap(),
        ),
        None => agent.run(request.body(()).unwrap()),
    };
    let mut response = response.expect("the sandbox answers");
    let text = response.body_mut().read_to_string().unwrap();
    Answer {
        status: response.status().as_u16(),
        body: if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        },
        headers: response.headers().clone(),
    }
}
