//! `bulk-get` and `bulk-set`: any number of users through the library's bulk helpers,
//! with a progress bar, Ctrl-C, and an outcome for every user.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};

use clap::ValueEnum;
use genesys_presence::{Client, Error, ErrorKind};
use serde::Serialize;
use serde_json::{json, Value};

use crate::failure::{describe_error_json, Failure};
use crate::output;
use crate::presences::Definitions;
use crate::progress;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

/// Opens `path`, or stdin for `-`.
fn open(path: &str) -> Result<Box<dyn Read>, Failure> {
    if path == "-" {
        return Ok(Box::new(io::stdin()));
    }
    File::open(path)
        .map(|file| Box::new(file) as Box<dyn Read>)
        .map_err(|error| Failure::Usage(format!("cannot read {path}: {error}")))
}

/// The user ids of `path`: one a line; blank lines and `#` comments skipped, each id
/// once.
pub fn read_ids(path: &str) -> Result<Vec<String>, Failure> {
    let mut text = String::new();
    open(path)?
        .read_to_string(&mut text)
        .map_err(|error| Failure::Usage(format!("cannot read {path}: {error}")))?;
    let ids = distinct(
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_owned),
    );
    if ids.is_empty() {
        return Err(Failure::Usage(format!("{path} holds no user id")));
    }
    Ok(ids)
}

/// `ids` in their order, each once.
pub fn distinct(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

pub fn bulk_get(
    client: &Client,
    ids_path: &str,
    format: Format,
    concurrency: usize,
) -> Result<(), Failure> {
    let ids = read_ids(ids_path)?;
    let params = json!({"id": ids, "concurrency": concurrency}).to_string();
    let (presences, failure) =
        match progress::call(client, "getUsersPresencesBulkAll", &params, "reading users") {
            Ok(answer) => (parse_array(&answer)?, None),
            Err(error) if error.details.failures.is_some() => {
                let presences = error
                    .details
                    .presences
                    .as_ref()
                    .map(|raw| raw.get())
                    .unwrap_or("[]");
                (parse_array(presences)?, Some(error))
            }
            Err(error) => return Err(error.into()),
        };
    match format {
        Format::Json => output::print_json(&Value::Array(presences).to_string())?,
        Format::Csv => write_csv(&presences)?,
    }
    match failure {
        None => Ok(()),
        Some(error) => {
            let failures = failures_of(&error);
            // Users an interruption left unread are counted below, not listed.
            for failure in failures.iter().filter(|f| f.error["kind"] != "cancelled") {
                eprintln!(
                    "{}: {}",
                    failure.user_id,
                    describe_error_json(&failure.error)
                );
            }
            let what = if error.kind == ErrorKind::Cancelled {
                "interrupted: "
            } else {
                ""
            };
            Err(Failure::Failed(format!(
                "{what}{} of {} users not read",
                failures.len(),
                ids.len()
            )))
        }
    }
}

/// One presence a line: `userId,systemPresence,definitionId,message,modifiedDate,source`.
fn write_csv(presences: &[Value]) -> Result<(), Failure> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = (|| -> csv::Result<()> {
        writer.write_record([
            "userId",
            "systemPresence",
            "definitionId",
            "message",
            "modifiedDate",
            "source",
        ])?;
        for presence in presences {
            let field = |pointer: &str| {
                presence
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .unwrap_or("")
            };
            let user_id = presence
                .get("userId")
                .and_then(Value::as_str)
                .unwrap_or(field("/id"));
            writer.write_record([
                user_id,
                field("/presenceDefinition/systemPresence"),
                field("/presenceDefinition/id"),
                field("/message"),
                field("/modifiedDate"),
                field("/source"),
            ])?;
        }
        writer.flush()?;
        Ok(())
    })();
    written.map_err(|error| Failure::Failed(format!("writing CSV: {error}")))?;
    let bytes = writer
        .into_inner()
        .map_err(|error| Failure::Failed(error.to_string()))?;
    output::print_text(String::from_utf8_lossy(&bytes).trim_end_matches('\n')).map(drop)
}

/// A row of a `bulk-set` CSV.
struct Row {
    line: u64,
    user_id: String,
    presence: Option<String>,
    message: Option<String>,
}

const COLUMNS: [&str; 3] = ["userId", "presence", "message"];

/// The rows of `path`, every one checked: a malformed one is a usage error naming
/// its line, and nothing is sent.
fn read_rows(path: &str) -> Result<Vec<Row>, Failure> {
    let at = |line: u64, why: String| Failure::Usage(format!("{path}: line {line}: {why}"));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(open(path)?);
    let headers = reader
        .headers()
        .map_err(|error| at(1, error.to_string()))?
        .clone();
    let column = |name: &str| headers.iter().position(|header| header == name);
    if let Some(unknown) = headers.iter().find(|header| !COLUMNS.contains(header)) {
        return Err(at(
            1,
            format!(
                "unknown column {unknown:?}; the columns are {}",
                COLUMNS.join(",")
            ),
        ));
    }
    let Some(user_column) = column("userId") else {
        return Err(at(
            1,
            format!("no userId column; the columns are {}", COLUMNS.join(",")),
        ));
    };
    let (presence_column, message_column) = (column("presence"), column("message"));
    let mut rows = Vec::new();
    let mut lines: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, csv::Position::line);
            let why = match error.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    format!("{len} fields where the header has {expected_len}")
                }
                _ => error.to_string(),
            };
            at(line, why)
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |index: Option<usize>| {
            index
                .and_then(|index| record.get(index))
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let Some(user_id) = cell(Some(user_column)) else {
            return Err(at(line, "userId is empty".into()));
        };
        let (presence, message) = (cell(presence_column), cell(message_column));
        if presence.is_none() && message.is_none() {
            return Err(at(
                line,
                format!("nothing to set for {user_id}: presence and message are empty"),
            ));
        }
        if let Some(first) = lines.insert(user_id.clone(), line) {
            return Err(at(line, format!("{user_id} is already on line {first}")));
        }
        rows.push(Row {
            line,
            user_id,
            presence,
            message,
        });
    }
    if rows.is_empty() {
        return Err(Failure::Usage(format!("{path} holds no row")));
    }
    Ok(rows)
}

/// What `bulk-set` prints: a count, and one entry per user not set.
#[derive(Serialize)]
struct Report {
    total: usize,
    set: usize,
    failed: usize,
    interrupted: bool,
    failures: Vec<RowFailure>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowFailure {
    line: u64,
    user_id: String,
    error: Value,
}

pub fn bulk_set(client: &Client, csv_path: &str, concurrency: usize) -> Result<(), Failure> {
    let rows = read_rows(csv_path)?;
    // Read once, and only when a row names a presence.
    let definitions = rows
        .iter()
        .any(|row| row.presence.is_some())
        .then(|| Definitions::fetch(client))
        .transpose()?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut entry = json!({"id": row.user_id, "source": "PURECLOUD"});
        if let (Some(presence), Some(definitions)) = (&row.presence, &definitions) {
            let id = definitions
                .resolve(presence)
                .map_err(|failure| match failure {
                    Failure::Usage(why) => {
                        Failure::Usage(format!("{csv_path}: line {}: {why}", row.line))
                    }
                    other => other,
                })?;
            entry["presenceDefinition"] = json!({"id": id});
        }
        if let Some(message) = &row.message {
            entry["message"] = json!(message);
        }
        entries.push(entry);
    }
    let params = json!({"body": entries, "concurrency": concurrency}).to_string();
    let error = match progress::call(client, "putUsersPresencesBulkAll", &params, "setting users") {
        Ok(_) => None,
        Err(error) if error.details.failures.is_some() => Some(error),
        Err(error) => return Err(error.into()),
    };
    let line_of: HashMap<&str, u64> = rows
        .iter()
        .map(|row| (row.user_id.as_str(), row.line))
        .collect();
    let failures: Vec<RowFailure> = error
        .as_ref()
        .map(failures_of)
        .unwrap_or_default()
        .into_iter()
        .map(|failure| RowFailure {
            line: line_of.get(failure.user_id.as_str()).copied().unwrap_or(0),
            user_id: failure.user_id,
            error: failure.error,
        })
        .collect();
    let interrupted = error
        .as_ref()
        .is_some_and(|error| error.kind == ErrorKind::Cancelled);
    let report = Report {
        total: rows.len(),
        set: rows.len() - failures.len(),
        failed: failures.len(),
        interrupted,
        failures,
    };
    output::print_json(
        &serde_json::to_string(&report).map_err(|error| Failure::Failed(error.to_string()))?,
    )?;
    if report.failed == 0 {
        return Ok(());
    }
    let what = if interrupted { "interrupted: " } else { "" };
    Err(Failure::Failed(format!(
        "{what}{} of {} users not set ({} set); the report on stdout names them",
        report.failed, report.total, report.set
    )))
}

/// A user a bulk call did not read or set.
struct UserFailure {
    user_id: String,
    error: Value,
}

/// The `failures` of a bulk call's error.
fn failures_of(error: &Error) -> Vec<UserFailure> {
    let failures: Vec<Value> = error
        .details
        .failures
        .as_ref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    failures
        .into_iter()
        .map(|mut failure| UserFailure {
            user_id: failure["userId"].as_str().unwrap_or_default().to_owned(),
            error: failure["error"].take(),
        })
        .collect()
}

fn parse_array(json: &str) -> Result<Vec<Value>, Failure> {
    serde_json::from_str(json)
        .map_err(|error| Failure::Failed(format!("the answer is not a JSON array: {error}")))
}
