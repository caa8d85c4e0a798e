//! What goes to stdout: JSON, readable on a terminal and compact in a pipe.

use std::io::{self, IsTerminal, Write};

use serde_json::Value;

use crate::failure::Failure;

/// Writes `json` (a document the API answered) as one value on stdout: indented
/// when a person reads it, as one line when a program does. A closed pipe (`| head`)
/// ends the output quietly.
pub fn print_json(json: &str) -> Result<(), Failure> {
    let stdout = io::stdout();
    let text = if stdout.is_terminal() {
        match serde_json::from_str::<Value>(json) {
            Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_else(|_| json.to_owned()),
            Err(_) => json.to_owned(),
        }
    } else {
        json.to_owned()
    };
    print_text(&text).map(drop)
}

/// Writes `text` and a newline on stdout, flushed (a watch's events must not wait in a
/// buffer). `Ok(false)` when the reader went away (`| head`), which is not an error.
pub fn print_text(text: &str) -> Result<bool, Failure> {
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(error) => Err(Failure::Failed(format!("writing to stdout: {error}"))),
    }
}
