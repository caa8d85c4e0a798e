//! The OAuth grants of `POST /oauth/token` (client credentials, and refresh tokens
//! that rotate) and the bearer-token check in front of every `/api/v2/` route.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use super::random::Rng;
use super::reply::{ApiError, Reply};
use super::request::{parse_query, ApiRequest};
use super::SandboxOptions;

/// The configured client, the tokens issued to it and when each expires.
pub struct Auth {
    client_id: String,
    client_secret: String,
    ttl: Duration,
    static_token: Option<String>,
    issued: Mutex<HashMap<String, Instant>>,
    /// Refresh tokens that may be used (once each).
    refresh_tokens: Mutex<HashSet<String>>,
}

impl Auth {
    /// An authority for the options' client, token lifetime and static token.
    pub fn new(options: &SandboxOptions) -> Auth {
        Auth {
            client_id: options.client_id.clone(),
            client_secret: options.client_secret.clone(),
            ttl: Duration::from_secs(options.token_ttl_secs),
            static_token: options.static_token.clone(),
            issued: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(options.refresh_token.iter().cloned().collect()),
        }
    }

    /// Answers `POST /oauth/token`: HTTP Basic client credentials and the form body
    /// `grant_type=client_credentials`, or `grant_type=refresh_token&refresh_token=R`,
    /// which also answers a new refresh token and retires `R` (rotation, as Genesys
    /// Cloud's login service does). Failures use OAuth's error JSON, not ErrorBody.
    pub fn issue_token(&self, request: &ApiRequest, rng: &Rng) -> Reply {
        let Some((id, secret)) = request.authorization.as_deref().and_then(basic_credentials)
        else {
            return oauth_error(
                "invalid_client",
                "client authentication with HTTP Basic is required",
            );
        };
        if id != self.client_id || secret != self.client_secret {
            return oauth_error("invalid_client", "client not found or secret mismatch");
        }
        let form = std::str::from_utf8(&request.body)
            .ok()
            .and_then(|text| parse_query(text).ok());
        let Some(form) = form else {
            return oauth_error("invalid_request", "the form body is not valid");
        };
        let field = |name: &str| {
            form.iter()
                .find(|p| p.key == name)
                .map(|p| p.value.as_str())
        };
        match field("grant_type") {
            Some("client_credentials") => Reply::ok(self.access_token(rng)),
            Some("refresh_token") => {
                let Some(used) = field("refresh_token").filter(|t| !t.is_empty()) else {
                    return oauth_error("invalid_request", "refresh_token is required");
                };
                let mut valid = self
                    .refresh_tokens
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if !valid.remove(used) {
                    return oauth_error("invalid_grant", "the refresh token is not valid");
                }
                let refresh_token = rng.token();
                valid.insert(refresh_token.clone());
                let mut answer = self.access_token(rng);
                answer["refresh_token"] = refresh_token.into();
                Reply::ok(answer)
            }
            Some(other) => oauth_error(
                "unsupported_grant_type",
                &format!("grant type '{other}' is not supported"),
            ),
            None => oauth_error("invalid_request", "grant_type is required"),
        }
    }

    /// Issues a new access token: the grant's answer, without a refresh token.
    fn access_token(&self, rng: &Rng) -> serde_json::Value {
        let token = rng.token();
        let now = Instant::now();
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        // Forget expired tokens here so a long-running sandbox doesn't grow forever.
        issued.retain(|_, expires| *expires > now);
        issued.insert(token.clone(), now + self.ttl);
        json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.ttl.as_secs(),
        })
    }

    /// The request's token if it is an unexpired issued one or the static one;
    /// anything else is a `401`.
    pub fn check_bearer<'a>(&self, request: &'a ApiRequest) -> Result<&'a str, ApiError> {
        let Some(token) = request.authorization.as_deref().and_then(bearer_token) else {
            return Err(ApiError::unauthorized(
                "No authentication bearer token specified in authorization header.",
            ));
        };
        if self.static_token.as_deref() == Some(token) {
            return Ok(token);
        }
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        match issued.get(token) {
            Some(expires) if *expires > Instant::now() => Ok(token),
            Some(_) => Err(ApiError::unauthorized("The access token has expired.")),
            None => Err(ApiError::unauthorized("Invalid login credentials.")),
        }
    }
}

/// `(id, secret)` from `Basic base64(id:secret)`.
fn basic_credentials(header: &str) -> Option<(String, String)> {
    let encoded = strip_scheme(header, "Basic")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn bearer_token(header: &str) -> Option<&str> {
    strip_scheme(header, "Bearer")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// The credentials after an authorization scheme, which matches in any case.
fn strip_scheme<'a>(header: &'a str, scheme: &str) -> Option<&'a str> {
    let (name, rest) = header.trim_start().split_once(' ')?;
    name.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// A `400` in the shape OAuth servers (and Genesys Cloud's login host) use.
fn oauth_error(error: &str, description: &str) -> Reply {
    Reply::json(
        400,
        json!({
            "error": error,
            "description": description,
            "error_description": description,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization_headers() {
        // "id:se:cret" — the secret may itself hold a colon.
        assert_eq!(
            basic_credentials("basic aWQ6c2U6Y3JldA=="),
            Some(("id".into(), "se:cret".into()))
        );
        assert_eq!(basic_credentials("Basic !!!"), None);
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Basic abc"), None);
    }
}
