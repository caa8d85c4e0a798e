//! TLS for real: a local HTTPS server whose certificate a throw-away CA signed
//! is refused by default and accepted once `caCertPath` adds that CA, for API
//! calls and for a watch's `wss://` websocket alike.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::notifications::notification_api;
use genesys_presence::watch::WatchEvent;
use genesys_presence::{Client, ErrorKind, Watch, WatchOptions};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;

/// A TLS server configuration for `localhost` with a certificate a throw-away CA
/// signed, and the PEM of that CA.
fn localhost_tls() -> (Arc<rustls::ServerConfig>, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(server_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .unwrap();
    (Arc::new(config), ca_cert.pem())
}

/// Starts an HTTPS server for `localhost` answering `{"tls":true}`; returns
/// its URL and the PEM of the CA that signed its certificate.
fn https_server() -> (String, String) {
    let (config, ca_pem) = localhost_tls();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let connection = rustls::ServerConnection::new(Arc::clone(&config)).unwrap();
            let mut stream = rustls::StreamOwned::new(connection, tcp);
            let mut reader = BufReader::new(&mut stream);
            let mut line = String::new();
            // A refused handshake ends here with an error: nothing to answer.
            while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                line.clear();
            }
            let body = r#"{"tls":true}"#;
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
            stream.conn.send_close_notify();
            let _ = stream.flush();
        }
    });
    (url, ca_pem)
}

fn settings_with(config: serde_json::Value) -> genesys_presence::Result<serde_json::Value> {
    Client::from_json(&config.to_string())?.call("getPresenceSettings", json!({}))
}

#[test]
fn an_unknown_ca_is_refused_and_accepted_once_added_with_ca_cert_path() {
    let (url, ca_pem) = https_server();
    let refused =
        settings_with(json!({"basePath": url, "accessToken": "t", "retry": {"maxRetries": 0}}))
            .unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Transport, "{refused}");
    assert!(
        refused.message.to_lowercase().contains("certificate"),
        "{refused}"
    );

    let dir = std::env::temp_dir().join(format!("gp-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_pem).unwrap();
    let accepted =
        settings_with(json!({"basePath": url, "accessToken": "t", "caCertPath": ca_path})).unwrap();
    assert_eq!(accepted, json!({"tls": true}));

    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "not a certificate").unwrap();
    let error = settings_with(json!({"caCertPath": empty})).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidArgument);
    assert!(error.message.contains("no PEM certificate"), "{error}");
    let error = settings_with(json!({"caCertPath": dir.join("missing.pem")})).unwrap_err();
    assert!(error.message.contains("caCertPath"), "{error}");
    // Endless or huge: refused after a bounded read.
    let error = settings_with(json!({"caCertPath": "/dev/zero"})).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidArgument);
    assert!(error.message.contains("larger than 16 MiB"), "{error}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Starts a `wss://` server for `localhost` that sends each websocket one
/// presence notification for user `a`; returns its port and its CA's PEM.
fn wss_server() -> (u16, String) {
    let (config, ca_pem) = localhost_tls();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = Arc::clone(&config);
            thread::spawn(move || {
                let connection = rustls::ServerConnection::new(config).unwrap();
                // A refused TLS handshake ends here.
                let Ok(mut socket) = tungstenite::accept(rustls::StreamOwned::new(connection, tcp))
                else {
                    return;
                };
                let event = json!({"topicName": "v2.users.a.presence",
                    "eventBody": {"presenceDefinition": {"id": "d", "systemPresence": "Busy"},
                                  "message": "over TLS", "modifiedDate": "2026-12-07T00:00:00Z"}});
                let _ = socket.send(tungstenite::Message::text(event.to_string()));
                while socket.read().is_ok() {}
            });
        }
    });
    (port, ca_pem)
}

#[test]
fn a_watch_websocket_trusts_what_the_client_trusts() {
    let (port, ca_pem) = wss_server();
    let (api, _mocks) = notification_api(&format!("wss://localhost:{port}/channels/c1"));
    let watch = |extra: serde_json::Value| {
        let mut config = json!({"basePath": api.url(), "accessToken": "t"});
        config
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let client = Arc::new(Client::from_json(&config.to_string()).unwrap());
        Watch::start(client, WatchOptions::new(vec!["a".to_owned()]))
    };
    let refused = watch(json!({})).unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Transport, "{refused}");
    assert!(
        refused.message.to_lowercase().contains("certificate"),
        "{refused}"
    );

    let dir = std::env::temp_dir().join(format!("gp-wss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_pem).unwrap();
    let watch = watch(json!({"caCertPath": ca_path})).unwrap();
    match watch.next(Duration::from_secs(5)).unwrap() {
        Some(WatchEvent::Presence { presence, .. }) => {
            assert_eq!(presence.message.as_deref(), Some("over TLS"))
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(dir).unwrap();
}
