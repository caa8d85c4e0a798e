//! A loopback HTTP/1.1 server whose every answer a test scripts: statuses,
//! headers, raw bytes, delays, stalls and hang-ups, with each request recorded
//! and timestamped. Connections are kept alive as a real server's are.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub method: String,
    /// Path and query, raw.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A response, after `delay`.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// Sends nothing for this long, then closes.
    Stall(Duration),
    /// Closes the connection without answering.
    HangUp,
    /// Writes these bytes as they are, then closes.
    Raw(Vec<u8>),
    /// Writes `now`, then `later` after `after`, and goes on serving the
    /// connection: bytes a server sends beyond its answer.
    Late {
        now: Vec<u8>,
        later: Vec<u8>,
        after: Duration,
    },
    /// Writes these bytes one at a time, `every` apart, then closes.
    Trickle { bytes: Vec<u8>, every: Duration },
    /// Writes these bytes, then resets the connection (RST, not FIN).
    Reset(Vec<u8>),
    /// Writes `head`, then `chunk` again and again until `total` bytes of it
    /// went out or the client stopped reading; then closes.
    Stream {
        head: Vec<u8>,
        chunk: Vec<u8>,
        total: u64,
    },
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    pub fn after(mut self, wait: Duration) -> Reply {
        if let Reply::Respond { delay, .. } = &mut self {
            *delay = wait;
        }
        self
    }

    /// A token endpoint's answer.
    pub fn token(access_token: &str, expires_in: u64) -> Reply {
        let body = format!(
            r#"{{"access_token":"{access_token}","token_type":"bearer","expires_in":{expires_in}}}"#
        );
        Reply::json(200, &body)
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

pub struct ScriptedServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl ScriptedServer {
    /// A server that answers each request with what `handler` says.
    pub fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> ScriptedServer {
        ScriptedServer::start_on(0, handler)
    }

    /// As [`ScriptedServer::start`], on a given loopback port (0: any free one).
    pub fn start_on(
        port: u16,
        handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
    ) -> ScriptedServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = Arc::clone(&received);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
                thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        ScriptedServer { url, received }
    }

    /// A server that gives `replies` in order, then `{}` with 200.
    pub fn sequence(replies: Vec<Reply>) -> ScriptedServer {
        let replies = Mutex::new(VecDeque::from(replies));
        ScriptedServer::start(move |_| {
            replies
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Reply::json(200, "{}"))
        })
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        log.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Respond {
                status,
                headers,
                body,
                delay,
            } => {
                thread::sleep(delay);
                let mut head = format!(
                    "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                if writer
                    .write_all(head.as_bytes())
                    .and_then(|()| writer.write_all(&body))
                    .is_err()
                {
                    return;
                }
            }
            Reply::Stall(wait) => {
                thread::sleep(wait);
                return;
            }
            Reply::HangUp => return,
            Reply::Raw(bytes) => {
                let _ = writer.write_all(&bytes);
                return;
            }
            Reply::Late { now, later, after } => {
                let written = writer.write_all(&now).and_then(|()| {
                    thread::sleep(after);
                    writer.write_all(&later)
                });
                if written.is_err() {
                    return;
                }
            }
            Reply::Trickle { bytes, every } => {
                for byte in bytes {
                    if writer.write_all(&[byte]).is_err() {
                        return;
                    }
                    thread::sleep(every);
                }
                return;
            }
            Reply::Reset(bytes) => {
                let _ = writer.write_all(&bytes);
                reset(&writer);
                return;
            }
            Reply::Stream { head, chunk, total } => {
                let _ = writer.write_all(&head);
                let mut sent = 0;
                while sent < total && writer.write_all(&chunk).is_ok() {
                    sent += chunk.len() as u64;
                }
                return;
            }
        }
    }
}

/// Makes the coming close send a TCP RST, as a crashed or hostile peer does:
/// `SO_LINGER` with a zero timeout (not exposed by `std` on stable).
#[cfg(target_os = "linux")]
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Linger {
        onoff: i32,
        seconds: i32,
    }
    extern "C" {
        fn setsockopt(fd: i32, level: i32, name: i32, value: *const Linger, len: u32) -> i32;
    }
    const SOL_SOCKET: i32 = 1;
    const SO_LINGER: i32 = 13;
    let linger = Linger {
        onoff: 1,
        seconds: 0,
    };
    // SAFETY: a valid socket and a pointer to a live value of the given size.
    let result = unsafe {
        setsockopt(
            stream.as_raw_fd(),
            SOL_SOCKET,
            SO_LINGER,
            &linger,
            std::mem::size_of::<Linger>() as u32,
        )
    };
    assert_eq!(result, 0, "setsockopt(SO_LINGER)");
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Received> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|read| *read > 0)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        at: Instant::now(),
        method,
        target,
        headers,
        body,
    })
}
