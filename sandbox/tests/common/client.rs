//! A `ureq` client of the sandbox that reads answers whole (status, JSON body and the
//! headers tests look at), for the route and service tests.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use presence_sandbox::Sandbox;
use serde_json::Value;
use ureq::http::{self, Method};
use ureq::Agent;

use super::TOKEN;

/// One answer, read whole.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub raw_body: String,
    pub correlation_id: Option<String>,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub allow: Option<String>,
}

/// A client that sends `Authorization: Bearer {token}` when it has one.
pub struct Client {
    agent: Agent,
    base: String,
    token: Option<String>,
}

impl Client {
    pub fn new(sandbox: &Sandbox) -> Client {
        Client::with_token(sandbox, Some(TOKEN))
    }

    pub fn with_token(sandbox: &Sandbox, token: Option<&str>) -> Client {
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .new_agent();
        Client {
            agent,
            base: sandbox.url(),
            token: token.map(str::to_owned),
        }
    }

    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let response = match body {
            Some(body) => self.agent.run(
                builder
                    .header("Content-Type", "application/json")
                    .body(body.to_vec())
                    .unwrap(),
            ),
            None => self.agent.run(builder.body(()).unwrap()),
        };
        let mut response = response.expect("the sandbox answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (correlation_id, content_type) =
            (header("inin-correlation-id"), header("content-type"));
        let (retry_after, allow) = (header("retry-after"), header("allow"));
        let status = response.status().as_u16();
        let raw_body = response.body_mut().read_to_string().unwrap();
        let body = if raw_body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw_body).expect("a JSON body")
        };
        Answer {
            status,
            body,
            raw_body,
            correlation_id,
            content_type,
            retry_after,
            allow,
        }
    }

    pub fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[])
    }

    pub fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None, &[])
    }

    pub fn with_body(&self, method: Method, path: &str, body: &Value) -> Answer {
        self.send(method, path, Some(body.to_string().as_bytes()), &[])
    }

    /// `method` with a JSON body, expecting `200`; the body.
    pub fn ok(&self, method: Method, path: &str, body: &Value) -> Value {
        let answer = self.with_body(method.clone(), path, body);
        assert_eq!(answer.status, 200, "{method} {path}: {}", answer.raw_body);
        answer.body
    }

    /// `GET`, expecting `200`; the body.
    pub fn read(&self, path: &str) -> Value {
        let answer = self.get(path);
        assert_eq!(answer.status, 200, "GET {path}: {}", answer.raw_body);
        answer.body
    }

    /// Asks `POST /oauth/token` with HTTP Basic credentials and a form body.
    pub fn token_request(&self, id: &str, secret: &str, form: &str) -> Answer {
        let basic = format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
        let headers = [
            ("Authorization", basic.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        let client = Client {
            agent: self.agent.clone(),
            base: self.base.clone(),
            token: None,
        };
        client.send(
            Method::POST,
            "/oauth/token",
            Some(form.as_bytes()),
            &headers,
        )
    }
}

/// The id of the primary definition of `system_presence` (new-API spelling).
pub fn primary_definition(client: &Client, system_presence: &str) -> String {
    let listing = client.read("/api/v2/presence/definitions");
    listing["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["systemPresence"] == system_presence && d["type"] == "System")
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .expect("a primary definition")
}

pub fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.raw_body);
    assert_eq!(answer.body["status"], status);
    assert_eq!(answer.body["code"], code);
    assert!(answer.body["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(
        answer.body["contextId"].as_str(),
        answer.correlation_id.as_deref()
    );
}
