//! `genesys-presence`: Genesys Cloud presence from a shell, for operations teams
//! (see README.md, "The command-line tool"). JSON goes to stdout, messages to
//! stderr; exit 0 when everything worked, 1 when a call failed (or some users),
//! 2 when the command line, a file or the configuration is wrong.

mod bulk;
mod connection;
mod failure;
mod interrupt;
mod output;
mod presences;
mod progress;
mod watch;

use std::io::Read;
use std::process::ExitCode;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use genesys_presence::Client;
use serde_json::{json, Value};

use connection::Connection;
use failure::Failure;
use presences::Definitions;

#[derive(Parser, Debug)]
#[command(
    name = "genesys-presence",
    version,
    about = "Genesys Cloud presence from the command line"
)]
#[command(
    after_help = "Credentials and region come from the flags, else from GENESYS_CLOUD_CLIENT_ID, \
    GENESYS_CLOUD_CLIENT_SECRET, GENESYS_CLOUD_ACCESS_TOKEN, GENESYS_CLOUD_REGION, \
    GENESYS_CLOUD_BASE_PATH and GENESYS_CLOUD_AUTH_BASE_PATH.\n\
    Exit status: 0 ok, 1 an API failure (or some users failed), 2 a usage error."
)]
struct Cli {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Calls any operation by its operationId (or a bulk helper by name) and prints its answer.
    Call {
        /// The operationId, e.g. getUserPresencesPurecloud, or getUsersPresencesBulkAll.
        operation_id: String,
        /// Its parameters as a JSON object, e.g. '{"userId": "..."}'; `-` reads them from stdin.
        #[arg(default_value = "{}")]
        params_json: String,
    },
    /// Prints a user's Genesys Cloud presence.
    Get { user_id: String },
    /// Sets a user's presence and/or status message, and prints the new presence.
    #[command(group = clap::ArgGroup::new("change").required(true).multiple(true).args(["presence", "message"]))]
    Set {
        user_id: String,
        /// A system presence name (Available, Busy, "On Queue", ...; any case) or a definition id.
        #[arg(long, value_name = "NAME_OR_ID")]
        presence: Option<String>,
        /// The status message.
        #[arg(long)]
        message: Option<String>,
    },
    /// Prints the organization's presence definitions (every page).
    Definitions,
    /// Reads the presence of every user of a file (one id a line), 50 a request.
    BulkGet {
        /// The file of user ids, one a line (`#` comments and blank lines skipped); `-` is stdin.
        #[arg(long, value_name = "FILE")]
        ids: String,
        /// json: the API's presences as an array; csv: userId,systemPresence,definitionId,message,modifiedDate,source.
        #[arg(long, value_enum, default_value = "json")]
        format: bulk::Format,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
    },
    /// Sets many users' presence from a CSV (columns userId,presence,message) and reports each failure.
    BulkSet {
        /// The CSV, with a header; presence is a name or a definition id, either it or message may be empty; `-` is stdin.
        #[arg(long, value_name = "FILE")]
        csv: String,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
        concurrency: u16,
    },
    /// Prints every change of some users' presence as a JSON line, until Ctrl-C.
    #[command(group = clap::ArgGroup::new("users").required(true).multiple(true).args(["user_ids", "ids"]))]
    Watch {
        /// The users to watch (up to 20,000 with --ids).
        #[arg(value_name = "USER_ID")]
        user_ids: Vec<String>,
        /// A file of user ids, one a line, as for bulk-get; `-` is stdin.
        #[arg(long, value_name = "FILE")]
        ids: Option<String>,
        /// First print each user's presence as it is now (origin "initial").
        #[arg(long)]
        initial: bool,
    },
    /// Prints a completion script for a shell: `genesys-presence completions bash > /etc/bash_completion.d/genesys-presence`.
    Completions { shell: clap_complete::Shell },
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    match run(cli, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("genesys-presence: {}", failure.describe());
            failure.exit_code()
        }
    }
}

fn run(cli: Cli, matches: &ArgMatches) -> Result<(), Failure> {
    let command = match cli.command {
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let out = &mut std::io::stdout();
            clap_complete::generate(shell, &mut command, "genesys-presence", out);
            return Ok(());
        }
        command => command,
    };
    let client = cli.connection.client(matches)?;
    interrupt::install();
    match command {
        Command::Call {
            operation_id,
            params_json,
        } => {
            let params = if params_json == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|error| {
                        Failure::Usage(format!("reading the params from stdin: {error}"))
                    })?;
                text
            } else {
                params_json
            };
            if let Err(error) = serde_json::from_str::<Value>(&params) {
                return Err(Failure::Usage(format!("PARAMS_JSON is not JSON: {error}")));
            }
            let answer = progress::call(&client, &operation_id, &params, "calling")?;
            output::print_json(&answer)
        }
        Command::Get { user_id } => {
            let answer = call(
                &client,
                "getUserPresencesPurecloud",
                json!({"userId": user_id}),
            )?;
            output::print_json(&answer)
        }
        Command::Set {
            user_id,
            presence,
            message,
        } => {
            let mut body = serde_json::Map::new();
            if let Some(presence) = presence {
                let id = Definitions::fetch(&client)?.resolve(&presence)?;
                body.insert("presenceDefinition".into(), json!({"id": id}));
            }
            if let Some(message) = message {
                body.insert("message".into(), json!(message));
            }
            let params = json!({"userId": user_id, "body": body});
            output::print_json(&call(&client, "patchUserPresencesPurecloud", params)?)
        }
        Command::Definitions => {
            output::print_json(&call(&client, "getPresencedefinitionsAll", json!({}))?)
        }
        Command::BulkGet {
            ids,
            format,
            concurrency,
        } => bulk::bulk_get(&client, &ids, format, usize::from(concurrency)),
        Command::BulkSet { csv, concurrency } => {
            bulk::bulk_set(&client, &csv, usize::from(concurrency))
        }
        Command::Watch {
            mut user_ids,
            ids,
            initial,
        } => {
            if let Some(path) = ids {
                user_ids.extend(bulk::read_ids(&path)?);
            }
            watch::watch(client, bulk::distinct(user_ids), initial)
        }
        // Answered before the client is made: it needs no credentials.
        Command::Completions { .. } => Ok(()),
    }
}

fn call(client: &Client, name: &str, params: Value) -> Result<String, Failure> {
    Ok(client.call_with(name, &params.to_string(), interrupt::options())?)
}
