//! `call`, `get`, `set`, `definitions`, the configuration and the exit codes.

mod common;

use common::*;
use serde_json::json;

#[test]
fn set_by_name_then_get_shows_the_change() {
    let sandbox = sandbox();
    let set = json_of(
        &run(
            &sandbox,
            &[
                "set",
                "agent-1",
                "--presence",
                "busy",
                "--message",
                "In a meeting",
            ],
        ),
        0,
    );
    assert_eq!(set["presenceDefinition"]["systemPresence"], "Busy");
    assert_eq!(
        presence_of(&sandbox, "agent-1"),
        ("Busy".into(), "In a meeting".into())
    );
    // Spaces, underscores and case do not matter.
    json_of(
        &run(&sandbox, &["set", "agent-1", "--presence", "on_queue"]),
        0,
    );
    assert_eq!(presence_of(&sandbox, "agent-1").0, "On Queue");
}

#[test]
fn set_by_definition_id_and_message_alone() {
    let sandbox = sandbox();
    let definitions = json_of(&run(&sandbox, &["definitions"]), 0);
    let meal = definitions
        .as_array()
        .expect("definitions are an array")
        .iter()
        .find(|definition| definition["systemPresence"] == "Meal")
        .expect("a Meal definition")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    json_of(&run(&sandbox, &["set", "agent-2", "--presence", &meal]), 0);
    json_of(
        &run(&sandbox, &["set", "agent-2", "--message", "back at 2"]),
        0,
    );
    assert_eq!(
        presence_of(&sandbox, "agent-2"),
        ("Meal".into(), "back at 2".into())
    );
}

#[test]
fn an_unknown_presence_name_lists_the_valid_ones_and_sets_nothing() {
    let sandbox = sandbox();
    let before = presence_of(&sandbox, "agent-3");
    let message = usage_error(&run(&sandbox, &["set", "agent-3", "--presence", "Lunch"]));
    assert!(message.contains("unknown presence \"Lunch\""), "{message}");
    for name in ["Available", "Busy", "On Queue", "Meal"] {
        assert!(message.contains(name), "{name} not listed: {message}");
    }
    assert_eq!(presence_of(&sandbox, "agent-3"), before);
}

#[test]
fn call_runs_any_operation_and_params_may_come_from_stdin() {
    let sandbox = sandbox();
    let answer = json_of(
        &run(
            &sandbox,
            &[
                "call",
                "getUserPresencesPurecloud",
                r#"{"userId": "agent-4"}"#,
            ],
        ),
        0,
    );
    assert_eq!(answer["id"], "agent-4");
    let listing = json_of(&run(&sandbox, &["call", "getSystempresences"]), 0);
    assert!(
        listing.as_array().is_some_and(|list| !list.is_empty()),
        "{listing}"
    );

    let mut piped = command(&sandbox, &["call", "getUserPresencesPurecloud", "-"]);
    piped
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = piped.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(json!({"userId": "agent-5"}).to_string().as_bytes())
        .unwrap();
    let answer = json_of(&child.wait_with_output().unwrap(), 0);
    assert_eq!(answer["id"], "agent-5");
}

#[test]
fn bad_calls_are_usage_errors_and_api_failures_exit_1() {
    let sandbox = sandbox();
    let message = usage_error(&run(&sandbox, &["call", "getUserPresencesPureCloud", "{}"]));
    assert!(
        message.contains("did you mean getUserPresencesPurecloud"),
        "{message}"
    );
    let message = usage_error(&run(
        &sandbox,
        &["call", "getUserPresencesPurecloud", "{not json"],
    ));
    assert!(message.contains("JSON"), "{message}");
    let message = usage_error(&run(&sandbox, &["call", "getUserPresencesPurecloud", "{}"]));
    assert!(message.contains("userId"), "{message}");

    // A definition the sandbox does not know: the API refuses it (HTTP 400).
    let output = run(
        &sandbox,
        &["call", "getPresencedefinition", r#"{"presenceId": "nope"}"#],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let message = stderr(&output);
    assert!(message.contains("HTTP 4"), "{message}");
}

#[test]
fn missing_or_conflicting_credentials_are_usage_errors() {
    let sandbox = sandbox();
    let url = sandbox.url();
    let output = bare_command()
        .args(["--base-path", &url, "get", "agent-6"])
        .output()
        .unwrap();
    assert!(usage_error(&output).contains("no credentials"));
    let output = bare_command()
        .args([
            "--base-path",
            &url,
            "--client-id",
            "sandbox-client",
            "get",
            "agent-6",
        ])
        .output()
        .unwrap();
    assert!(usage_error(&output).contains("--client-id needs --client-secret"));
    let output = bare_command()
        .args([
            "--base-path",
            &url,
            "--token",
            TOKEN,
            "--client-id",
            "c",
            "--client-secret",
            "s",
        ])
        .args(["get", "agent-6"])
        .output()
        .unwrap();
    assert!(usage_error(&output).contains("not both"));
    let output = bare_command()
        .args([
            "--base-path",
            "ftp://example",
            "--token",
            TOKEN,
            "get",
            "agent-6",
        ])
        .output()
        .unwrap();
    assert!(usage_error(&output).contains("basePath"));
}

#[test]
fn the_environment_configures_and_flags_win() {
    let sandbox = sandbox();
    // An OAuth client from the environment (the sandbox's own).
    let output = bare_command()
        .env("GENESYS_CLOUD_BASE_PATH", sandbox.url())
        .env("GENESYS_CLOUD_CLIENT_ID", "sandbox-client")
        .env("GENESYS_CLOUD_CLIENT_SECRET", "sandbox-secret")
        .args(["get", "agent-7"])
        .output()
        .unwrap();
    assert_eq!(json_of(&output, 0)["id"], "agent-7");
    // A token flag beats the environment's OAuth client, which is wrong here.
    let output = bare_command()
        .env("GENESYS_CLOUD_BASE_PATH", sandbox.url())
        .env("GENESYS_CLOUD_CLIENT_ID", "wrong-client")
        .env("GENESYS_CLOUD_CLIENT_SECRET", "wrong-secret")
        .args(["get", "agent-7", "--token", TOKEN])
        .output()
        .unwrap();
    assert_eq!(json_of(&output, 0)["id"], "agent-7");
    // A --base-path flag beats the environment's.
    let output = bare_command()
        .env("GENESYS_CLOUD_BASE_PATH", "http://127.0.0.1:9")
        .env("GENESYS_CLOUD_ACCESS_TOKEN", TOKEN)
        .args(["--base-path", &sandbox.url(), "get", "agent-7"])
        .output()
        .unwrap();
    assert_eq!(json_of(&output, 0)["id"], "agent-7");
    // A wrong secret is the API's refusal: exit 1.
    let output = bare_command()
        .env("GENESYS_CLOUD_BASE_PATH", sandbox.url())
        .env("GENESYS_CLOUD_CLIENT_ID", "sandbox-client")
        .env("GENESYS_CLOUD_CLIENT_SECRET", "wrong-secret")
        .args(["get", "agent-7"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn every_command_has_help_and_usage_errors_exit_2() {
    for args in [
        vec!["--help"],
        vec!["call", "--help"],
        vec!["get", "--help"],
        vec!["set", "--help"],
        vec!["definitions", "--help"],
        vec!["bulk-get", "--help"],
        vec!["bulk-set", "--help"],
        vec!["watch", "--help"],
        vec!["completions", "--help"],
    ] {
        let output = bare_command().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            stdout(&output).contains("Usage: genesys-presence"),
            "{args:?}"
        );
    }
    for args in [
        vec![],
        vec!["get"],
        vec!["set", "agent-8"],
        vec!["frobnicate"],
    ] {
        let output = bare_command().args(&args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn ctrl_c_ends_a_call_waiting_to_retry() {
    // Every request answered 429 with `Retry-After: 30`: the call would wait 30 s.
    let sandbox = sandbox_with(|options| {
        options.fault_429_rate = 1.0;
        options.retry_after_secs = 30;
    });
    let child = spawn(command(&sandbox, &["get", "agent-9"]));
    std::thread::sleep(std::time::Duration::from_millis(400));
    let interrupted = std::time::Instant::now();
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    assert!(
        interrupted.elapsed() < std::time::Duration::from_millis(800),
        "{:?}",
        interrupted.elapsed()
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("cancelled"), "{}", stderr(&output));
}
