//! Arbitrary bytes as the API's answer, served by a loopback stub to a real
//! client through `gp_call`: whatever comes back (any status, headers, framing,
//! body), the call ends within its timeout with a documented status and JSON,
//! and never panics or crashes.
//!
//! Input: the first byte picks the operation (its response model decides what
//! a 2xx must hold) and the mode. In structured mode (high bit clear) the
//! second byte picks the status, then come header lines up to an empty line
//! and the body: the stub adds a correct `Content-Length` unless the input
//! frames the body itself. In raw mode (high bit set) the rest of the input is
//! written to the socket as it is: status line, headers and body.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::CString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr::null_mut;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::{check_answer, shared_client, take_string};
use genesys_presence::ffi::client::{gp_call, gp_client};
use genesys_presence::ffi::GP_ERROR_HTTP;
use libfuzzer_sys::fuzz_target;

/// Operations whose responses are an object, an array, and nothing.
const OPERATIONS: [&str; 3] = [
    "getPresenceSettings",
    "getSystempresences",
    "deletePresenceSource",
];
const PARAMS: [&str; 3] = ["{}", "{}", r#"{"sourceId": "s"}"#];

const STATUSES: [u16; 24] = [
    200, 201, 202, 204, 206, 299, 100, 101, 301, 302, 304, 307, 400, 401, 403, 404, 409, 429, 500,
    502, 503, 504, 599, 999,
];

/// The library's per-attempt limit in this target; a call must end well within
/// libFuzzer's `-timeout`.
const TIMEOUT_MS: u64 = 2000;

/// What the stub writes on its next connections.
static RESPONSE: Mutex<Vec<u8>> = Mutex::new(Vec::new());
/// Held by the stub while it serves a connection, so that the next input
/// starts only once the previous answer has been written and closed.
static SERVING: Mutex<()> = Mutex::new(());

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // An assertion failing elsewhere ends the process; poisoning is moot.
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Starts the stub once and makes one client of it for the whole run.
fn client() -> *const gp_client {
    shared_client(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _serving = lock(&SERVING);
                serve(stream);
            }
        });
        // One quick retry (after a Retry-After of 0 or a past date) is
        // allowed; any longer wait is beyond the 50 ms budget and returned.
        format!(
            r#"{{"basePath": "{url}", "accessToken": "fuzz-token", "timeoutMs": {TIMEOUT_MS},
                "retry": {{"maxRetries": 1, "maxRetryTimeMs": 50}},
                "maxResponseBytes": 65536}}"#
        )
    })
}

/// Reads the request head (the target's operations send no body), writes the
/// scripted bytes, and closes.
fn serve(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(TIMEOUT_MS)));
    let mut head = Vec::new();
    let mut buffer = [0; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    let response = lock(&RESPONSE).clone();
    // The client may already have given up (a limit, a parse error): ignore.
    let _ = stream.write_all(&response);
}

/// The bytes to serve for `input`, and the status they carry if structured.
fn response_bytes(mode: u8, input: &[u8]) -> (Vec<u8>, Option<u16>) {
    if mode & 0x80 != 0 {
        return (input.to_vec(), None);
    }
    let Some((&status_byte, rest)) = input.split_first() else {
        return (
            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Some(200),
        );
    };
    let status = STATUSES[usize::from(status_byte) % STATUSES.len()];
    let (headers, body) = match rest.windows(2).position(|window| window == b"\n\n") {
        Some(split) => (&rest[..split], &rest[split + 2..]),
        None => (&[][..], rest),
    };
    let mut out = format!("HTTP/1.1 {status} Fuzzed\r\n").into_bytes();
    let mut framed = false;
    for line in headers.split(|&byte| byte == b'\n') {
        let name = line.split(|&byte| byte == b':').next().unwrap_or_default();
        framed |= name.eq_ignore_ascii_case(b"content-length")
            || name.eq_ignore_ascii_case(b"transfer-encoding");
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    if !framed {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    (out, Some(status))
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, input)) = data.split_first() else {
        return;
    };
    let which = usize::from(mode & 0x7F) % OPERATIONS.len();
    let (bytes, status_sent) = response_bytes(mode, input);
    *lock(&RESPONSE) = bytes;

    let client = client();
    let operation = CString::new(OPERATIONS[which]).unwrap();
    let params = CString::new(PARAMS[which]).unwrap();
    let mut out = null_mut();
    let started = Instant::now();
    // SAFETY: a live client and valid strings.
    let status = unsafe { gp_call(client, operation.as_ptr(), params.as_ptr(), &mut out) };
    let took = started.elapsed();
    let json = take_string(out).expect("gp_call always answers");
    drop(lock(&SERVING));

    let error = check_answer(status, &json);
    assert!(
        status != 1 && status != 4,
        "a valid call with a token is neither an argument nor an auth error: {json}"
    );
    // Two attempts at most, each within its timeout.
    assert!(
        took < Duration::from_millis(2 * TIMEOUT_MS + 1000),
        "took {took:?}"
    );
    if let (Some(error), Some(sent), GP_ERROR_HTTP) = (&error, status_sent, status) {
        assert_eq!(error["status"].as_u64(), Some(u64::from(sent)), "{json}");
    }
    let echoed = data.windows(10).any(|window| window == b"fuzz-token");
    assert!(
        echoed || !json.contains("fuzz-token"),
        "the token leaked: {json}"
    );
});
