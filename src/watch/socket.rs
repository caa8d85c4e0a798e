//! A watch's websocket: TCP (through the client's HTTP proxy, if any), TLS with the
//! client's trusted roots for `wss://`, then the blocking `tungstenite` handshake.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::WebSocket;
use ureq::http::Uri;

use crate::config::{is_loopback, Config};
use crate::error::{Error, Result};
use crate::transport::trusted_roots;

/// The largest message taken from the server: notifications are a few hundred bytes.
const MAX_MESSAGE_BYTES: usize = 1024 * 1024;
/// The longest proxy answer to `CONNECT` read (status line and headers).
const MAX_PROXY_ANSWER_BYTES: u64 = 16 * 1024;

/// Plain TCP or TLS over TCP.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => &tls.sock,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(tcp) => tcp.read(buffer),
            Stream::Tls(tls) => tls.read(buffer),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(tcp) => tcp.write(bytes),
            Stream::Tls(tls) => tls.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(tcp) => tcp.flush(),
            Stream::Tls(tls) => tls.flush(),
        }
    }
}

pub type Socket = WebSocket<Stream>;

/// What a watch needs to open sockets like the client's HTTP requests: the proxy,
/// the trusted roots, the time limits. Built once per watch.
pub struct Connector {
    proxy: Option<ureq::Proxy>,
    tls: Arc<ClientConfig>,
    connect_timeout: Duration,
    handshake_timeout: Duration,
    allow_insecure: bool,
}

impl Connector {
    pub fn new(config: &Config) -> Result<Connector> {
        let proxy = match &config.proxy {
            None => None,
            Some(url) => {
                let proxy = ureq::Proxy::new(url)
                    .map_err(|error| Error::invalid_argument(format!("config: proxy: {error}")))?;
                if proxy.protocol() != ureq::ProxyProtocol::Http {
                    return Err(Error::invalid_argument(
                        "watch: only an http:// proxy can carry the notification websocket",
                    ));
                }
                Some(proxy)
            }
        };
        let mut roots = rustls::RootCertStore::empty();
        for certificate in trusted_roots(config)? {
            // A certificate rustls cannot use is left out, as ureq leaves it out.
            let _ = roots.add(certificate);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| Error::internal(format!("TLS setup: {error}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Connector {
            proxy,
            tls: Arc::new(tls),
            connect_timeout: config.connect_timeout,
            handshake_timeout: config.timeout,
            allow_insecure: config.allow_insecure_http,
        })
    }

    /// Opens a websocket on `uri` (a channel's `connectUri`); reads then time out
    /// after `read_timeout`, so the reader can keep its clocks.
    pub fn connect(&self, uri: &str, read_timeout: Duration) -> Result<Socket> {
        let parsed: Uri = uri
            .parse()
            .map_err(|_| Error::transport(format!("connectUri {uri:?} is not a URL")))?;
        let tls = match parsed.scheme_str() {
            Some("wss") => true,
            Some("ws") => false,
            _ => {
                return Err(Error::transport(format!(
                    "connectUri {uri:?} is not a ws:// or wss:// URL"
                )))
            }
        };
        let host = parsed
            .host()
            .ok_or_else(|| Error::transport(format!("connectUri {uri:?} has no host")))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if !tls && !self.allow_insecure && !is_loopback(host) {
            return Err(Error::transport(format!(
                "connectUri {uri:?} uses ws:// to a non-loopback host; set allowInsecureHttp to allow it"
            )));
        }
        let port = parsed.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let tcp = self.tcp_to(host, port)?;
        tcp.set_nodelay(true).map_err(io_error)?;
        tcp.set_read_timeout(Some(self.handshake_timeout))
            .map_err(io_error)?;
        tcp.set_write_timeout(Some(self.handshake_timeout))
            .map_err(io_error)?;
        let stream = if tls {
            let name = ServerName::try_from(host.to_owned())
                .map_err(|_| Error::transport(format!("connectUri {uri:?}: bad host name")))?;
            let connection = ClientConnection::new(Arc::clone(&self.tls), name)
                .map_err(|error| Error::transport(format!("TLS: {error}")))?;
            Stream::Tls(Box::new(StreamOwned::new(connection, tcp)))
        } else {
            Stream::Plain(tcp)
        };
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE_BYTES))
            .max_frame_size(Some(MAX_MESSAGE_BYTES));
        let (socket, _) = tungstenite::client::client_with_config(uri, stream, Some(config))
            .map_err(|error| Error::transport(format!("websocket handshake: {error}")))?;
        socket
            .get_ref()
            .tcp()
            .set_read_timeout(Some(read_timeout))
            .map_err(io_error)?;
        Ok(socket)
    }

    /// A TCP connection to `host:port`, through the proxy when there is one.
    fn tcp_to(&self, host: &str, port: u16) -> Result<TcpStream> {
        let Some(proxy) = &self.proxy else {
            return self.tcp_connect(host, port);
        };
        let mut tcp = self.tcp_connect(proxy.host(), proxy.port())?;
        tcp.set_read_timeout(Some(self.handshake_timeout))
            .map_err(io_error)?;
        let authority = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
        if let Some(user) = proxy.username() {
            let credentials = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:{}", proxy.password().unwrap_or("")));
            request.push_str(&format!("Proxy-Authorization: Basic {credentials}\r\n"));
        }
        request.push_str("\r\n");
        tcp.write_all(request.as_bytes()).map_err(io_error)?;
        let mut answer = BufReader::new((&tcp).take(MAX_PROXY_ANSWER_BYTES));
        let mut status_line = String::new();
        answer.read_line(&mut status_line).map_err(io_error)?;
        let status = status_line.split_whitespace().nth(1).unwrap_or("");
        if status != "200" {
            return Err(Error::transport(format!(
                "proxy refused CONNECT: {}",
                status_line.trim()
            )));
        }
        loop {
            let mut line = String::new();
            if answer.read_line(&mut line).map_err(io_error)? == 0 {
                return Err(Error::transport(
                    "proxy closed the connection after CONNECT",
                ));
            }
            if line == "\r\n" || line == "\n" {
                break;
            }
        }
        if !answer.buffer().is_empty() {
            return Err(Error::transport(
                "proxy sent bytes before the tunnel opened",
            ));
        }
        Ok(tcp)
    }

    fn tcp_connect(&self, host: &str, port: u16) -> Result<TcpStream> {
        let addresses = (host, port)
            .to_socket_addrs()
            .map_err(|error| Error::transport(format!("resolving {host}: {error}")))?;
        let mut last = Error::transport(format!("{host} has no address"));
        for address in addresses {
            match TcpStream::connect_timeout(&address, self.connect_timeout) {
                Ok(tcp) => return Ok(tcp),
                Err(error) => {
                    last = Error::transport(format!("connecting to {host}:{port}: {error}"))
                }
            }
        }
        Err(last)
    }
}

/// Closes `socket`'s connection at once, from any thread: a read blocked on it returns.
pub fn shut_down(tcp: &TcpStream) {
    let _ = tcp.shutdown(Shutdown::Both);
}

/// A handle on the socket's TCP connection, to shut it down from another thread.
pub fn tcp_handle(socket: &Socket) -> Option<TcpStream> {
    socket.get_ref().tcp().try_clone().ok()
}

fn io_error(error: io::Error) -> Error {
    Error::transport(error.to_string())
}
