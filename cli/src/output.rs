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
    print_text(&text)
}

/// Writes `text` and a newline on stdout.
pub fn print_text(text: &str) -> Result<(), Failure> {
    write_line(&mut io::stdout().lock(), text)
        .map_err(|error| Failure::Partial(format!("writing to stdout: {error}")))
}

/// Writes `line` and a newline, flushed (a watch's events must not wait in a buffer);
/// a reader that went away is not an error.
pub fn write_line(out: &mut impl Write, line: &str) -> io::Result<()> {
    match writeln!(out, "{line}").and_then(|()| out.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
