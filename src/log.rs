//! Log lines for the host program: to stderr by default, or to a sink it sets
//! (the C ABI's log callback). Nothing secret is ever formatted into a line:
//! callers pass methods, paths, statuses, durations and ids, never headers,
//! tokens or token-request bodies.

use std::sync::{Arc, RwLock};

pub use crate::config::LogLevel;

/// Receives each log line that passes the level filter, on the calling thread.
pub type LogSink = Arc<dyn Fn(LogLevel, &str) + Send + Sync>;

/// Filters by level and hands lines to the sink.
pub struct Logger {
    level: LogLevel,
    sink: RwLock<Option<LogSink>>,
}

impl std::fmt::Debug for Logger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logger")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

impl Logger {
    pub fn new(level: LogLevel) -> Logger {
        Logger {
            level,
            sink: RwLock::new(None),
        }
    }

    /// Whether lines at `level` are wanted; check before formatting one.
    pub fn enabled(&self, level: LogLevel) -> bool {
        level != LogLevel::Off && level <= self.level
    }

    /// Replaces the sink; `None` goes back to stderr.
    pub fn set_sink(&self, sink: Option<LogSink>) {
        *self
            .sink
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = sink;
    }

    /// Emits a line if `level` is enabled; `line` builds it only then.
    pub fn log(&self, level: LogLevel, line: impl FnOnce() -> String) {
        if !self.enabled(level) {
            return;
        }
        let line = line();
        let sink = self
            .sink
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .clone();
        match sink {
            Some(sink) => sink(level, &line),
            None => eprintln!("genesys-presence {}: {line}", level.as_str()),
        }
    }
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
    use std::sync::Mutex;

    #[test]
    fn lines_below_the_level_are_not_even_formatted() {
        let logger = Logger::new(LogLevel::Warn);
        let lines = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&lines);
        logger.set_sink(Some(Arc::new(move |level, line: &str| {
            seen.lock()
                .unwrap()
                .push(format!("{}:{line}", level.as_str()))
        })));
        logger.log(LogLevel::Error, || "e".into());
        logger.log(LogLevel::Warn, || "w".into());
        logger.log(LogLevel::Info, || {
            unreachable!("filtered before formatting")
        });
        assert_eq!(*lines.lock().unwrap(), ["error:e", "warn:w"]);
        assert!(!Logger::new(LogLevel::Off).enabled(LogLevel::Off));
    }
}
