//! Logging, through the `log` facade: every line the library writes is a `log`
//! record with target [`TARGET`] and the id of the client it concerns as the
//! key-value `client`. A Rust program sees them in whatever logger it installed.
//!
//! The C ABI installs [`Dispatcher`] (so does [`Client::set_log_sink`]): it applies
//! each client's `logLevel` and hands its lines to that client's sink (the C log
//! callback, which the Python wrapper bridges to `logging`), or to stderr without
//! one. Nothing secret is ever formatted into a line: callers pass methods, paths,
//! statuses, durations and ids, never headers, tokens or token-request bodies.
//!
//! [`Client::set_log_sink`]: crate::Client::set_log_sink

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, RwLock};

use log::kv::Key;
use log::{Level, LevelFilter, Log, Metadata, Record};

pub use crate::config::LogLevel;

/// The target of every record the library logs.
pub const TARGET: &str = "genesys_presence";

/// The key-value of a record that names its client.
pub const CLIENT_KEY: &str = "client";

/// Receives each log line that passes the client's level, on the calling thread.
pub type LogSink = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// Logs a line about one client: `client_log!(logger, info, "fmt", args...)`, the
/// client's id going along as the key-value `client`.
macro_rules! client_log {
    ($logger:expr, $level:ident, $($arg:tt)+) => {
        ::log::$level!(target: $crate::log::TARGET, client = $logger.id(); $($arg)+)
    };
}
pub(crate) use client_log;

/// Where one client's lines go.
struct Route {
    level: LogLevel,
    sink: Option<LogSink>,
}

/// Every live client's route, by client id.
static ROUTES: LazyLock<RwLock<HashMap<u64, Route>>> = LazyLock::new(Default::default);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A client's place in the routing table; dropping it (with the client) removes it.
pub struct Logger {
    id: u64,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Logger {
    /// A new client's logger, at the client's `logLevel`.
    pub fn new(level: LogLevel) -> Logger {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        ROUTES
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
            .insert(id, Route { level, sink: None });
        raise_max_level(level);
        Logger { id }
    }

    /// The id its records carry as `client`.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Replaces the sink; `None` goes back to stderr. Installs [`Dispatcher`] if no
    /// logger is installed yet.
    pub fn set_sink(&self, sink: Option<LogSink>) {
        install();
        if let Some(route) = ROUTES
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
            .get_mut(&self.id)
        {
            route.sink = sink;
        }
    }
}

impl Drop for Logger {
    fn drop(&mut self) {
        ROUTES
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
            .remove(&self.id);
    }
}

/// The `log` level of a config level; `None` for `Off`.
fn level_of(level: LogLevel) -> Option<Level> {
    match level {
        LogLevel::Off => None,
        LogLevel::Error => Some(Level::Error),
        LogLevel::Warn => Some(Level::Warn),
        LogLevel::Info => Some(Level::Info),
        LogLevel::Debug => Some(Level::Debug),
        LogLevel::Trace => Some(Level::Trace),
    }
}

fn config_level(level: Level) -> LogLevel {
    match level {
        Level::Error => LogLevel::Error,
        Level::Warn => LogLevel::Warn,
        Level::Info => LogLevel::Info,
        Level::Debug => LogLevel::Debug,
        Level::Trace => LogLevel::Trace,
    }
}

/// Lets records up to `level` through the facade's global filter (never lowers it:
/// other clients may want more).
fn raise_max_level(level: LogLevel) {
    if let Some(level) = level_of(level) {
        if level.to_level_filter() > log::max_level() {
            log::set_max_level(level.to_level_filter());
        }
    }
}

/// Routes the library's records to their client's sink, or stderr, at the client's
/// level; ignores everything else.
pub struct Dispatcher;

static DISPATCHER: Dispatcher = Dispatcher;

/// Installs [`Dispatcher`] as the process's logger, unless one is installed already
/// (a Rust program's own: the records then go to it).
pub fn install() {
    if log::set_logger(&DISPATCHER).is_ok() {
        let wanted = ROUTES
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .values()
            .filter_map(|route| level_of(route.level))
            .map(|level| level.to_level_filter())
            .max()
            .unwrap_or(LevelFilter::Off);
        log::set_max_level(wanted.max(log::max_level()));
    }
}

impl Log for Dispatcher {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.target() == TARGET
    }

    fn log(&self, record: &Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let Some(client) = record
            .key_values()
            .get(Key::from_str(CLIENT_KEY))
            .and_then(|value| value.to_u64())
        else {
            return;
        };
        let sink = {
            let routes = ROUTES.read().unwrap_or_else(|poison| poison.into_inner());
            let Some(route) = routes.get(&client) else {
                return;
            };
            // Below the client's level: not even formatted.
            if level_of(route.level).is_none_or(|level| record.level() > level) {
                return;
            }
            route.sink.clone()
        };
        let level = config_level(record.level());
        let line = record.args().to_string();
        match sink {
            Some(sink) => sink(level, &line),
            None => eprintln!("genesys-presence {}: {line}", level.as_str()),
        }
    }

    fn flush(&self) {}
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "off",
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;
    use std::sync::Mutex;

    /// Formatting it fails the test: it must never be formatted.
    struct Unformattable;

    impl fmt::Display for Unformattable {
        fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
            unreachable!("filtered before formatting")
        }
    }

    #[test]
    fn each_client_gets_its_own_lines_at_its_own_level() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = |name: &'static str| -> LogSink {
            let seen = Arc::clone(&lines);
            Arc::new(move |level, line: &str| {
                seen.lock()
                    .unwrap()
                    .push(format!("{name} {}:{line}", level.as_str()))
            })
        };
        let warn = Logger::new(LogLevel::Warn);
        warn.set_sink(Some(sink("warn")));
        let debug = Logger::new(LogLevel::Debug);
        debug.set_sink(Some(sink("debug")));
        let off = Logger::new(LogLevel::Off);
        off.set_sink(Some(sink("off")));

        for logger in [&warn, &debug, &off] {
            client_log!(logger, error, "e");
            client_log!(logger, info, "i");
        }
        client_log!(warn, info, "{}", Unformattable);
        client_log!(off, error, "{}", Unformattable);
        // A record of the library's target with no client, or of another target.
        log::error!(target: TARGET, "no client");
        log::error!(target: "elsewhere", client = debug.id(); "not ours");
        drop(debug);
        log::error!(target: TARGET, client = 0_u64; "gone");

        assert_eq!(
            *lines.lock().unwrap(),
            ["warn error:e", "debug error:e", "debug info:i"]
        );
    }
}
