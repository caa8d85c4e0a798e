//! Bearer tokens: a static one given by the caller, or the client-credentials or
//! refresh-token grant, fetched once for all threads and renewed before it
//! expires. The login service rotates refresh tokens: each new one is kept for
//! the next renewal and handed to the token callback, for the app to persist.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;
use ureq::http::header::{AUTHORIZATION, CONTENT_TYPE};
use zeroize::Zeroizing;

use crate::config::{checked_header_value, Config, Credentials};
use crate::error::{Error, Result};
use crate::log::{client_log, Logger};
use crate::transport::{transport_error, Transport};

/// Renew this long before expiry (or at a tenth of the lifetime, if shorter),
/// so a call never leaves with a token about to lapse.
const RENEWAL_MARGIN: Duration = Duration::from_secs(60);

/// A token and when the library stops using it.
#[derive(Clone)]
struct Token {
    value: Zeroizing<String>,
    renew_at: Option<Instant>,
}

/// What a token response brought beside the access token.
struct Granted {
    refresh_token: Option<Zeroizing<String>>,
    expires_in: Option<u64>,
}

/// Hands out bearer tokens to concurrent calls.
pub struct Auth {
    credentials: Credentials,
    token_url: String,
    current: RwLock<Option<Token>>,
    /// Held while a token is fetched, so concurrent first calls fetch once.
    fetching: Mutex<()>,
    /// How many times the token was replaced (fetched or set): watches reconnect
    /// when it moves.
    generation: AtomicU64,
    /// The refresh token the next renewal uses (the refresh-token grant only).
    refresh_token: Mutex<Option<Zeroizing<String>>>,
    /// Told of every token the refresh-token grant brings.
    on_token: RwLock<Option<TokenCallback>>,
}

/// What the refresh-token grant brought: the refresh token to keep (rotated by
/// the login service), and the access token with its lifetime.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenGrant<'a> {
    pub refresh_token: &'a str,
    pub access_token: &'a str,
    pub expires_in: Option<u64>,
}

/// Called with each [`TokenGrant`], on the thread that renewed the token.
pub type TokenCallback = Arc<dyn Fn(&TokenGrant) + Send + Sync>;

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenError {
    error: Option<String>,
    description: Option<String>,
    error_description: Option<String>,
}

impl Auth {
    pub fn new(config: &Config) -> Auth {
        let current = match &config.credentials {
            Credentials::AccessToken(token) => Some(Token {
                value: token.clone(),
                renew_at: None,
            }),
            _ => None,
        };
        Auth {
            credentials: config.credentials.clone(),
            token_url: format!("{}/oauth/token", config.auth_base_url),
            current: RwLock::new(current),
            fetching: Mutex::new(()),
            generation: AtomicU64::new(0),
            refresh_token: Mutex::new(match &config.credentials {
                Credentials::RefreshToken { refresh_token, .. } => Some(refresh_token.clone()),
                _ => None,
            }),
            on_token: RwLock::new(None),
        }
    }

    /// A token valid for at least the renewal margin, fetching one if needed.
    pub fn token(&self, transport: &Transport, logger: &Logger) -> Result<Zeroizing<String>> {
        if let Some(token) = self.usable() {
            return Ok(token);
        }
        let (client_id, client_secret) = match &self.credentials {
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            }
            | Credentials::RefreshToken {
                client_id,
                client_secret,
                ..
            } => (client_id, client_secret),
            _ => {
                return Err(Error::auth(
                    "no access token: configure accessToken or clientId/clientSecret, \
                     or set one with gp_client_set_access_token",
                ))
            }
        };
        let _single_flight = self
            .fetching
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        // Another thread may have fetched while this one waited.
        if let Some(token) = self.usable() {
            return Ok(token);
        }
        let refresh_token = self
            .refresh_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone();
        let form = Zeroizing::new(match &refresh_token {
            None => "grant_type=client_credentials".to_owned(),
            Some(token) => format!(
                "grant_type=refresh_token&refresh_token={}",
                percent_encoding::utf8_percent_encode(token, crate::operations::ENCODE_SET)
            ),
        });
        let (token, granted) = self
            .fetch(transport, client_id, client_secret, &form)
            .inspect_err(|error| client_log!(logger, error, "{}", error.message))?;
        if refresh_token.is_some() {
            self.rotated(&token, granted, logger);
        }
        client_log!(
            logger,
            debug,
            "fetched a token from {} for client {client_id}",
            self.token_url
        );
        let value = token.value.clone();
        *self
            .current
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(token);
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(value)
    }

    /// Keeps the refresh token a renewal brought (the old one is spent) and tells
    /// the token callback. A callback that panics is logged; the token stands.
    fn rotated(&self, token: &Token, granted: Granted, logger: &Logger) {
        let mut kept = self
            .refresh_token
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(rotated) = granted.refresh_token {
            *kept = Some(rotated);
        }
        let Some(refresh_token) = kept.clone() else {
            return;
        };
        drop(kept);
        let callback = self
            .on_token
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone();
        let Some(callback) = callback else { return };
        let grant = TokenGrant {
            refresh_token: &refresh_token,
            access_token: &token.value,
            expires_in: granted.expires_in,
        };
        if catch_unwind(AssertUnwindSafe(|| callback(&grant))).is_err() {
            client_log!(
                logger,
                error,
                "the token callback panicked; the new refresh token was not handed over"
            );
        }
    }

    /// Sets (or, with `None`, removes) the callback told of each token the
    /// refresh-token grant brings.
    pub fn set_token_callback(&self, callback: Option<TokenCallback>) {
        *self
            .on_token
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = callback;
    }

    /// Forgets `rejected` after the API answered 401 with it, so the next
    /// `token()` fetches a new one. Returns whether a new one can be fetched.
    pub fn invalidate(&self, rejected: &str) -> bool {
        if !matches!(
            self.credentials,
            Credentials::ClientCredentials { .. } | Credentials::RefreshToken { .. }
        ) {
            return false;
        }
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if current
            .as_ref()
            .is_some_and(|token| token.value.as_str() == rejected)
        {
            *current = None;
        }
        true
    }

    /// Replaces the token (for callers running their own OAuth flow).
    pub fn set_access_token(&self, token: Zeroizing<String>) {
        *self
            .current
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(Token {
            value: token,
            renew_at: None,
        });
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Moves each time the token is replaced.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn usable(&self) -> Option<Zeroizing<String>> {
        let current = self
            .current
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        current
            .as_ref()
            .filter(|token| token.renew_at.is_none_or(|at| Instant::now() < at))
            .map(|token| token.value.clone())
    }

    fn fetch(
        &self,
        transport: &Transport,
        client_id: &str,
        client_secret: &str,
        form: &str,
    ) -> Result<(Token, Granted)> {
        let credentials = Zeroizing::new(format!("{client_id}:{client_secret}"));
        let basic = Zeroizing::new(
            base64::engine::general_purpose::STANDARD.encode(credentials.as_bytes()),
        );
        let requested = Instant::now();
        let authorization = Zeroizing::new(format!("Basic {}", basic.as_str()));
        let mut response = transport
            .with_agent(|agent| {
                agent
                    .post(&self.token_url)
                    .header(AUTHORIZATION, authorization.as_str())
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .send(form)
            })
            .map_err(|error| {
                Error::auth(format!(
                    "token request to {} failed: {}",
                    self.token_url,
                    transport_error(error)
                ))
            })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_vec()
            .map_err(|error| Error::auth(format!("token response unreadable: {error}")))?;
        if !(200..300).contains(&status) {
            let reason = serde_json::from_slice::<TokenError>(&body)
                .ok()
                .and_then(|error| {
                    let detail = error.error_description.or(error.description);
                    match (error.error, detail) {
                        (Some(code), Some(detail)) => Some(format!("{code}: {detail}")),
                        (code, detail) => code.or(detail),
                    }
                })
                .unwrap_or_else(|| "no reason given".to_owned());
            let mut error = Error::auth(format!(
                "token request refused with HTTP {status}: {reason}"
            ));
            error.details.status = Some(status);
            return Err(error);
        }
        let granted: TokenResponse = serde_json::from_slice(&body).map_err(|error| {
            Error::auth(format!("token response is not the expected JSON: {error}"))
        })?;
        if granted.access_token.is_empty()
            || checked_header_value("access token", &granted.access_token).is_err()
        {
            // Cached, it would fail every call until it expired.
            return Err(Error::auth(
                "token response holds an access token that cannot be sent in a header",
            ));
        }
        // Checked: `expires_in` is the server's number, up to u64::MAX; a
        // lifetime beyond what `Instant` can represent never expires.
        let renew_at = granted.expires_in.and_then(|seconds| {
            let lifetime = Duration::from_secs(seconds);
            requested.checked_add(lifetime - RENEWAL_MARGIN.min(lifetime / 10))
        });
        let extras = Granted {
            refresh_token: granted.refresh_token.map(Zeroizing::new),
            expires_in: granted.expires_in,
        };
        Ok((
            Token {
                value: Zeroizing::new(granted.access_token),
                renew_at,
            },
            extras,
        ))
    }
}
