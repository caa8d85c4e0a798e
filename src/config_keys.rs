//! Every key of the config JSON, declared once: name, type, default and what it
//! means. The parser (`config/mod.rs`) accepts exactly these keys (a test holds them
//! equal); the README's config table and both wrappers' options are generated from
//! this table (`tools/generate.py`, through `gp_config_keys_json`).

use serde_json::{json, Value};

/// The JSON type a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    String,
    Integer,
    Boolean,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// An object of these keys, any subset.
    Object(&'static [ConfigKey]),
}

/// One config key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKey {
    /// camelCase, as the config JSON spells it.
    pub name: &'static str,
    pub key_type: KeyType,
    /// The default, as the README shows it (`None`: not set).
    pub default: Option<&'static str>,
    /// What it means, in Markdown.
    pub doc: &'static str,
}

const fn key(
    name: &'static str,
    key_type: KeyType,
    default: Option<&'static str>,
    doc: &'static str,
) -> ConfigKey {
    ConfigKey {
        name,
        key_type,
        default,
        doc,
    }
}

/// The keys of `retry`.
pub static RETRY_KEYS: &[ConfigKey] = &[
    key(
        "maxRetries",
        KeyType::Integer,
        Some("3"),
        "retries after the first attempt; 0 turns retrying off",
    ),
    key(
        "maxRetryTimeMs",
        KeyType::Integer,
        Some("60000"),
        "the most time one call spends, all attempts and waits included",
    ),
    key(
        "maxRetryAfterSec",
        KeyType::Integer,
        Some("180"),
        "a `Retry-After` longer than this is returned to the caller, not slept",
    ),
];

pub static CONFIG_KEYS: &[ConfigKey] = &[
    key(
        "environment",
        KeyType::String,
        Some("`mypurecloud.com`"),
        "a host (`mypurecloud.com`, `mypurecloud.ie`, `usw2.pure.cloud`, ...: the 18 of the \
         official SDKs, or any other) or a region name (`us-east-1`, `eu-west-1`, ...)",
    ),
    key(
        "basePath",
        KeyType::String,
        Some("`https://api.{env}`"),
        "the API's full URL, overriding `environment` (a gateway, the sandbox, tests); \
         `http://` only to loopback unless `allowInsecureHttp`",
    ),
    key(
        "authBasePath",
        KeyType::String,
        Some("`https://login.{env}`"),
        "the login service's full URL, as `basePath` is the API's",
    ),
    key(
        "accessToken",
        KeyType::String,
        None,
        "a token obtained elsewhere (auth code, PKCE, SAML flows); replace it later with \
         `gp_client_set_access_token`",
    ),
    key(
        "clientId",
        KeyType::String,
        None,
        "with `clientSecret`: the client-credentials grant, fetched and renewed by the library",
    ),
    key(
        "clientSecret",
        KeyType::String,
        None,
        "the secret of `clientId`",
    ),
    key(
        "refreshToken",
        KeyType::String,
        None,
        "with `clientId`/`clientSecret`: the refresh-token grant (an app acting for a \
         user), renewed by the library; each rotated refresh token goes to the token \
         callback (`gp_client_set_token_callback`)",
    ),
    key(
        "timeoutMs",
        KeyType::Integer,
        Some("30000"),
        "the whole-request time limit",
    ),
    key(
        "connectTimeoutMs",
        KeyType::Integer,
        Some("10000"),
        "the connect time limit",
    ),
    key(
        "retry",
        KeyType::Object(RETRY_KEYS),
        Some("as shown"),
        "`{\"maxRetries\": 3, \"maxRetryTimeMs\": 60000, \"maxRetryAfterSec\": 180}`, any \
         subset; `maxRetries: 0` turns retrying off",
    ),
    key(
        "rateLimit",
        KeyType::Choice(&["auto", "off"]),
        Some("`auto`"),
        "pacing, shared by every thread and bulk worker of the client: `auto` stays \
         inside the budget the API announces (`inin-ratelimit-*` headers), `off` does not \
         pace, or a number (JSON or text): at most that many requests in any minute",
    ),
    key(
        "proxy",
        KeyType::String,
        None,
        "`http://[user:pass@]host:port`; never taken from the environment",
    ),
    key(
        "caCertPath",
        KeyType::String,
        None,
        "PEM file (up to 16 MiB) of extra trusted CAs, added to the default roots",
    ),
    key(
        "userAgent",
        KeyType::String,
        Some("`genesys-presence/<version>`"),
        "sent as `User-Agent`",
    ),
    key(
        "allowInsecureHttp",
        KeyType::Boolean,
        Some("`false`"),
        "allow an `http://` base path to a non-loopback host",
    ),
    key(
        "logLevel",
        KeyType::Choice(&["off", "error", "warn", "info", "debug", "trace"]),
        Some("`off`"),
        "how much the library logs",
    ),
    key(
        "maxResponseBytes",
        KeyType::Integer,
        Some("33554432 (32 MiB)"),
        "the largest response body read; a larger one is an error, so a misbehaving server \
         cannot exhaust memory",
    ),
];

/// The key table as JSON (`gp_config_keys_json`), for the wrappers' generator.
pub fn config_keys_json() -> Value {
    Value::Array(CONFIG_KEYS.iter().map(key_json).collect())
}

fn key_json(key: &ConfigKey) -> Value {
    let (key_type, choices, keys) = match key.key_type {
        KeyType::String => ("string", None, None),
        KeyType::Integer => ("integer", None, None),
        KeyType::Boolean => ("boolean", None, None),
        KeyType::Choice(choices) => ("string", Some(choices), None),
        KeyType::Object(keys) => (
            "object",
            None,
            Some(keys.iter().map(key_json).collect::<Vec<_>>()),
        ),
    };
    json!({
        "name": key.name,
        "type": key_type,
        "choices": choices,
        "keys": keys,
        "default": key.default,
        "doc": key.doc,
    })
}
