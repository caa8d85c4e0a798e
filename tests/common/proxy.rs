//! An HTTP CONNECT proxy for the tests: it requires `user:pass` and logs each
//! request head it receives.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use base64::Engine as _;

/// An HTTP CONNECT proxy that requires `user:pass` and tunnels to the target.
pub fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://user:pass@{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let log = Arc::clone(&log);
            thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut head = Vec::new();
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    head.push(line.trim().to_owned());
                }
                log.lock().unwrap().extend(head.iter().cloned());
                let target = head[0].split_whitespace().nth(1).unwrap().to_owned();
                let expected = base64::engine::general_purpose::STANDARD.encode("user:pass");
                let mut client = client;
                if !head
                    .iter()
                    .any(|line| line == &format!("Proxy-Authorization: Basic {expected}"))
                {
                    let _ = client.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
                    return;
                }
                let upstream = TcpStream::connect(target).unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .unwrap();
                let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
                let mut down_write = client.try_clone().unwrap();
                thread::spawn(move || std::io::copy(&mut up_read, &mut down_write));
                let _ = std::io::copy(&mut reader, &mut up_write);
            });
        }
    });
    (url, seen)
}
