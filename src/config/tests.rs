//! The config parser's tests.
use super::*;
use crate::config_keys::{ConfigKey, KeyType, CONFIG_KEYS, RETRY_KEYS};
use serde_json::json;

fn error_of(json: &str) -> String {
    Config::from_json(json).unwrap_err().message
}

/// The keys the parser accepts, as serde lists them for an unknown one:
/// "... expected one of `a`, `b` at line 1 column 12".
fn accepted_keys(unknown_field_error: &str) -> Vec<String> {
    let (_, expected) = unknown_field_error
        .split_once("expected one of ")
        .unwrap_or_else(|| panic!("no list of keys in {unknown_field_error:?}"));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

fn names(keys: &[ConfigKey]) -> Vec<String> {
    keys.iter().map(|key| key.name.to_owned()).collect()
}

#[test]
fn the_parser_takes_exactly_the_keys_of_the_table() {
    let top = accepted_keys(&error_of(r#"{"noSuchKey": 1}"#));
    assert_eq!(top, names(CONFIG_KEYS));
    let retry = accepted_keys(&error_of(r#"{"retry": {"noSuchKey": 1}}"#));
    assert_eq!(retry, names(RETRY_KEYS));
}

#[test]
fn the_parser_refuses_what_the_table_does_not_type_a_key_as() {
    for key in CONFIG_KEYS.iter().chain(RETRY_KEYS) {
        let wrong = match key.key_type {
            KeyType::String => json!(5),
            KeyType::Integer => json!("5"),
            KeyType::Boolean => json!("yes"),
            KeyType::Choice(_) => json!("none of them"),
            KeyType::Object(_) => json!([]),
        };
        let config = if RETRY_KEYS.contains(key) {
            json!({"retry": {key.name: wrong}})
        } else {
            json!({key.name: wrong})
        };
        let message = error_of(&config.to_string());
        assert!(message.contains(key.name), "{}: {message}", key.name);
    }
}

#[test]
fn defaults_point_at_us_east_1() {
    let config = Config::from_json("").unwrap();
    assert_eq!(config.base_url, "https://api.mypurecloud.com");
    assert_eq!(config.auth_base_url, "https://login.mypurecloud.com");
    assert_eq!(config.timeout, Duration::from_secs(30));
    assert_eq!(config.connect_timeout, Duration::from_secs(10));
    assert_eq!(config.retry, RetryPolicy::default());
    assert_eq!(config.credentials, Credentials::None);
    assert!(config.user_agent.starts_with("genesys-presence/"));
    assert_eq!(config.max_response_bytes, 32 * 1024 * 1024);
}

#[test]
fn regions_and_hosts_map_to_api_and_login() {
    for (json, api) in [
        (
            r#"{"environment":"eu-west-1"}"#,
            "https://api.mypurecloud.ie",
        ),
        (
            r#"{"environment":"mypurecloud.ie"}"#,
            "https://api.mypurecloud.ie",
        ),
        (
            r#"{"environment":"us-west-2"}"#,
            "https://api.usw2.pure.cloud",
        ),
        (
            r#"{"environment":"inindca.com"}"#,
            "https://api.inindca.com",
        ),
    ] {
        assert_eq!(Config::from_json(json).unwrap().base_url, api, "{json}");
    }
    let config = Config::from_json(r#"{"environment":"eusc-de-east-1"}"#).unwrap();
    assert_eq!(config.auth_base_url, "https://login.edee1.eusc-pure.cloud");
    assert_eq!(REGIONS.len(), 18);
}

#[test]
fn errors_name_the_key() {
    assert!(error_of(r#"{"timeoutMS": 5}"#).contains("unknown field `timeoutMS`"));
    assert!(error_of(r#"{"timeoutMs": "5"}"#).contains("timeoutMs"));
    assert!(error_of(r#"{"retry": {"maxRetries": -1}}"#).contains("retry.maxRetries"));
    assert!(error_of(r#"{"retry": {"tries": 1}}"#).contains("tries"));
    assert!(error_of(r#"{"logLevel": "loud"}"#).contains("logLevel"));
    assert!(error_of(r#"{"environment": "https://api.x.com"}"#).contains("environment"));
    assert!(error_of(r#"{"timeoutMs": 0}"#).contains("timeoutMs"));
    assert!(error_of(r#"{"maxResponseBytes": 0}"#).contains("maxResponseBytes"));
    assert!(error_of(r#"{"clientId": "x"}"#).contains("clientSecret"));
    assert!(error_of("[1]").starts_with("config: "));
    assert!(error_of("{").starts_with("config: "));
}

#[test]
fn plain_http_only_to_loopback_unless_allowed() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1/",
        "http://[::1]:9",
        "https://gw.example.com/genesys",
    ] {
        let json = format!(r#"{{"basePath": "{ok}"}}"#);
        assert!(Config::from_json(&json).is_ok(), "{ok}");
    }
    let insecure = r#"{"basePath": "http://gw.example.com"}"#;
    assert!(error_of(insecure).contains("allowInsecureHttp"));
    let allowed = r#"{"basePath": "http://gw.example.com", "allowInsecureHttp": true}"#;
    assert_eq!(
        Config::from_json(allowed).unwrap().base_url,
        "http://gw.example.com"
    );
    assert!(error_of(r#"{"authBasePath": "ftp://x"}"#).contains("authBasePath"));
}

#[test]
fn header_values_cannot_inject_headers() {
    assert!(error_of(r#"{"accessToken": "abc\r\nX-Evil: 1"}"#).contains("accessToken"));
    assert!(error_of(r#"{"userAgent": "ua\nX-Evil: 1"}"#).contains("userAgent"));
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let config = Config::from_json(r#"{"clientId": "id-1", "clientSecret": "s3cret"}"#).unwrap();
    let debug = format!("{config:?}");
    assert!(debug.contains("id-1") && !debug.contains("s3cret"));
    let config = Config::from_json(r#"{"accessToken": "t0ken"}"#).unwrap();
    assert!(!format!("{config:?}").contains("t0ken"));
    for (proxy, shown) in [
        (
            "http://user:p4ss@proxy:3128",
            "http://<redacted>@proxy:3128",
        ),
        (
            "http://user:p@4ss@proxy:3128",
            "http://<redacted>@proxy:3128",
        ),
        ("user:p4ss@proxy:3128", "<redacted>@proxy:3128"),
        ("http://proxy:3128", "http://proxy:3128"),
    ] {
        let config = Config::from_json(&format!(r#"{{"proxy": "{proxy}"}}"#)).unwrap();
        let debug = format!("{config:?}");
        assert!(debug.contains(shown) && !debug.contains("4ss"), "{debug}");
    }
}
