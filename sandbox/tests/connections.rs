//! The sandbox's HTTP server under load and abuse, over raw sockets: many connections
//! at once, idle and half-sent ones, keep-alive without delayed-ACK stalls, malformed
//! requests and oversized bodies, and that it keeps serving through all of it.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use presence_sandbox::{Sandbox, SandboxOptions};

const TOKEN: &str = "test-token";
/// Longer than any answer may take here; a read that waits this long fails the test.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        ..SandboxOptions::default()
    })
    .expect("sandbox starts")
}

/// A `GET` of `path` with the test token, keeping the connection open.
fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: Bearer {TOKEN}\r\n\r\n")
}

/// A connection whose reads give up after [`ANSWER_WITHIN`].
fn connect(address: SocketAddr) -> BufReader<TcpStream> {
    let stream = TcpStream::connect(address).expect("connects");
    stream.set_read_timeout(Some(ANSWER_WITHIN)).unwrap();
    BufReader::new(stream)
}

/// Reads one response: its status and body (by `Content-Length`).
fn read_response(reader: &mut BufReader<TcpStream>) -> io::Result<(u16, Vec<u8>)> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line)? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| io::Error::other(format!("not a status line: {status_line:?}")))?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().map_err(io::Error::other)?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((status, body))
}

/// Sends `request` and reads its response on the same connection.
fn exchange(reader: &mut BufReader<TcpStream>, request: &[u8]) -> io::Result<(u16, Vec<u8>)> {
    reader.get_mut().write_all(request)?;
    read_response(reader)
}

/// The sandbox still answers a new connection, within [`ANSWER_WITHIN`].
fn assert_serving(address: SocketAddr) {
    let started = Instant::now();
    let (status, _) = exchange(
        &mut connect(address),
        get_request("/api/v2/systempresences").as_bytes(),
    )
    .expect("a new connection is served");
    assert_eq!(status, 200);
    assert!(started.elapsed() < ANSWER_WITHIN);
}

#[test]
fn sixty_four_connections_sending_at_once_are_all_answered() {
    const CONNECTIONS: usize = 64;
    for start in 0..10 {
        let sandbox = sandbox();
        let address = sandbox.address();
        let barrier = Arc::new(Barrier::new(CONNECTIONS));
        let clients: Vec<_> = (0..CONNECTIONS)
            .map(|index| {
                let barrier = barrier.clone();
                thread::spawn(move || {
                    let mut connection = connect(address);
                    barrier.wait();
                    let sent = Instant::now();
                    let path = format!("/api/v2/users/user-{index}/presences/purecloud");
                    let answer = exchange(&mut connection, get_request(&path).as_bytes());
                    (answer.map(|(status, _)| status), sent.elapsed())
                })
            })
            .collect();
        for (index, client) in clients.into_iter().enumerate() {
            let (status, elapsed) = client.join().unwrap();
            assert_eq!(
                status.ok(),
                Some(200),
                "start {start}, connection {index}: no answer in {elapsed:?}"
            );
            assert!(elapsed < ANSWER_WITHIN, "start {start}: {elapsed:?}");
        }
    }
}

#[test]
fn idle_and_half_sent_connections_do_not_starve_a_new_one() {
    let sandbox = sandbox();
    let address = sandbox.address();
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(address).unwrap())
        .collect();
    let half_sent: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut stream = TcpStream::connect(address).unwrap();
            stream
                .write_all(b"PATCH /api/v2/users/u/presences/purecloud HTTP/1.1\r\nHost: sa")
                .unwrap();
            stream
        })
        .collect();
    let mut body_pending = TcpStream::connect(address).unwrap();
    body_pending
        .write_all(
            format!(
                "PATCH /api/v2/users/u/presences/purecloud HTTP/1.1\r\nHost: sandbox\r\n\
                 Authorization: Bearer {TOKEN}\r\nContent-Length: 100\r\n\r\n{{\"mess"
            )
            .as_bytes(),
        )
        .unwrap();
    assert_serving(address);
    drop((idle, half_sent, body_pending));
    assert_serving(address);
}

#[test]
fn a_bulk_read_over_keep_alive_is_not_held_by_delayed_acks() {
    let sandbox = sandbox();
    let ids: Vec<String> = (0..50).map(|n| format!("user-{n}")).collect();
    let request = get_request(&format!(
        "/api/v2/users/presences/purecloud/bulk?id={}",
        ids.join(",")
    ));
    let mut connection = connect(sandbox.address());
    let mut times = Vec::new();
    for _ in 0..21 {
        let started = Instant::now();
        let (status, body) = exchange(&mut connection, request.as_bytes()).unwrap();
        times.push(started.elapsed());
        assert_eq!(status, 200);
        let presences: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(presences.as_array().map(Vec::len), Some(50));
    }
    times.sort_unstable();
    // A response held back until the client's delayed ACK takes 40 ms or more.
    let median = times[times.len() / 2];
    assert!(
        median < Duration::from_millis(10),
        "median {median:?} of {times:?}"
    );
}

#[test]
fn malformed_http_is_refused_and_serving_goes_on() {
    let sandbox = sandbox();
    let address = sandbox.address();
    for garbage in [
        &b"NOT HTTP AT ALL\r\n\r\n"[..],
        b"GET /api/v2/systempresences HTTP/9.9\r\n\r\n",
        b"GET /api/v2/systempresences HTTP/1.1\r\nBad Header Line\r\n\r\n",
        b"\x00\xff\xfe\r\n\r\n",
        b"POST /oauth/token HTTP/1.1\r\nHost: s\r\nContent-Length: nope\r\n\r\n",
    ] {
        let mut connection = connect(address);
        connection.get_mut().write_all(garbage).unwrap();
        // A 400, or the connection closed: anything but a hang or a 2xx.
        match read_response(&mut connection) {
            Ok((status, _)) => assert_eq!(status, 400, "{garbage:?}"),
            Err(e) => assert_ne!(e.kind(), io::ErrorKind::WouldBlock, "{garbage:?}: hung"),
        }
        assert_serving(address);
    }
}

#[test]
fn oversized_bodies_get_413_and_serving_goes_on() {
    let sandbox = sandbox();
    let address = sandbox.address();
    let head = |framing: &str| {
        format!(
            "PATCH /api/v2/users/u/presences/purecloud HTTP/1.1\r\nHost: sandbox\r\n\
             Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n{framing}\r\n"
        )
    };
    let chunk = vec![b' '; 1024 * 1024];

    // Declared by Content-Length, then sent.
    let mut connection = connect(address);
    let length = 11 * chunk.len();
    let mut request = head(&format!("Content-Length: {length}\r\n")).into_bytes();
    request.extend(std::iter::repeat_n(b' ', length));
    assert_eq!(exchange(&mut connection, &request).unwrap().0, 413);

    // Chunked, so the size shows only as it arrives.
    let mut connection = connect(address);
    let mut request = head("Transfer-Encoding: chunked\r\n").into_bytes();
    for _ in 0..11 {
        request.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend(&chunk);
        request.extend(b"\r\n");
    }
    request.extend(b"0\r\n\r\n");
    assert_eq!(exchange(&mut connection, &request).unwrap().0, 413);

    // Declared far past the limit: refused before any of it is read.
    let mut connection = connect(address);
    let request = head("Content-Length: 1000000000000\r\n");
    connection.get_mut().write_all(request.as_bytes()).unwrap();
    assert_eq!(read_response(&mut connection).unwrap().0, 413);

    assert_serving(address);
}

#[test]
fn unknown_routes_get_an_error_body() {
    let sandbox = sandbox();
    let mut connection = connect(sandbox.address());
    for path in ["/", "/api/v2/", "/api/v2/nothing/here", "/_nothing"] {
        let (status, body) = exchange(&mut connection, get_request(path).as_bytes()).unwrap();
        assert_eq!(status, 404, "{path}");
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "not.found", "{path}");
        assert_eq!(body["status"], 404, "{path}");
    }
}
