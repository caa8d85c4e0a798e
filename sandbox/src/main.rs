//! `presence-sandbox`: runs the in-memory Genesys Cloud Presence API simulator until
//! killed. Its first line of stdout is `listening on http://HOST:PORT`.

use std::fmt::Display;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::str::FromStr;

use presence_sandbox::{Sandbox, SandboxOptions};

const USAGE: &str = "\
usage: presence-sandbox [options]

A stateful, in-memory simulator of the Genesys Cloud Presence API.
Prints `listening on http://HOST:PORT` first, then serves until killed.

options:
  --host ADDR            address to bind (default 127.0.0.1)
  --port N               port to bind, 0 for any free one (default 0)
  --client-id ID         OAuth client id (default sandbox-client)
  --client-secret S      OAuth client secret (default sandbox-secret)
  --token-ttl SECS       lifetime of issued tokens (default 3600)
  --token T              a bearer token that is always accepted
  --refresh-token R      a refresh token the refresh_token grant accepts; each
                         use answers a new one and retires the old
  --fault-429-rate R     fraction 0-1 of API requests answered 429 (default 0)
  --retry-after SECS     Retry-After of those 429s (default 1)
  --fault-503-rate R     fraction 0-1 of API requests answered 503 (default 0)
  --latency-ms MS        delay added to every request (default 0)
  --rate-limit N/WINDOW  at most N API requests per access token in each fixed
                         WINDOW (ms, s or m: 300/60s, 20/2s); off by default
  --channel-ttl-secs S   lifetime of notification channels (default 86400)
  --heartbeat-secs S     between heartbeats on notification websockets
                         (default 30)
  --workers N            threads answering requests, each serving any number
                         of connections (default 8)
  --help                 show this help";

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("presence-sandbox: {message} (see --help)");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start(options) {
        Ok(sandbox) => sandbox,
        // Out-of-range values (a rate above 1, no workers) are usage errors too.
        Err(e) if e.kind() == ErrorKind::InvalidInput => {
            eprintln!("presence-sandbox: {e} (see --help)");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("presence-sandbox: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    // Whoever started us waits for this line to learn the port; it must not sit in a buffer.
    if writeln!(stdout, "listening on {}", sandbox.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    sandbox.wait();
    ExitCode::SUCCESS
}

/// The options the arguments ask for; `Ok(None)` for `--help`. Values follow their
/// flag as the next argument or after `=`.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<SandboxOptions>, String> {
    let mut options = SandboxOptions::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--help" || arg == "-h" {
            return Ok(None);
        }
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        let mut value = || {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--host" => options.host = value()?,
            "--port" => options.port = parse(&flag, &value()?)?,
            "--client-id" => options.client_id = value()?,
            "--client-secret" => options.client_secret = value()?,
            "--token-ttl" => options.token_ttl_secs = parse(&flag, &value()?)?,
            "--token" => options.static_token = Some(value()?),
            "--refresh-token" => options.refresh_token = Some(value()?),
            "--fault-429-rate" => options.fault_429_rate = parse(&flag, &value()?)?,
            "--retry-after" => options.retry_after_secs = parse(&flag, &value()?)?,
            "--fault-503-rate" => options.fault_503_rate = parse(&flag, &value()?)?,
            "--latency-ms" => options.latency_ms = parse(&flag, &value()?)?,
            "--rate-limit" => options.rate_limit = Some(parse(&flag, &value()?)?),
            "--heartbeat-secs" => options.heartbeat_secs = parse(&flag, &value()?)?,
            "--channel-ttl-secs" => options.channel_ttl_secs = parse(&flag, &value()?)?,
            "--workers" => options.workers = parse(&flag, &value()?)?,
            _ => return Err(format!("unknown argument '{flag}'")),
        }
    }
    Ok(Some(options))
}

fn parse<T: FromStr<Err: Display>>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|e| format!("{flag}: '{text}' is not a valid value: {e}"))
}
