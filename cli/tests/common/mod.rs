//! Running the `genesys-presence` binary as a process against an in-process sandbox.
#![allow(dead_code)] // each test file uses a different subset

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

pub const TOKEN: &str = "cli-test-token";
pub const BINARY: &str = env!("CARGO_BIN_EXE_genesys-presence");

/// A sandbox that accepts [`TOKEN`], with options adjusted by `tweak`.
pub fn sandbox_with(tweak: impl FnOnce(&mut SandboxOptions)) -> Sandbox {
    let mut options = SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        ..SandboxOptions::default()
    };
    tweak(&mut options);
    Sandbox::start(options).expect("sandbox starts")
}

pub fn sandbox() -> Sandbox {
    sandbox_with(|_| {})
}

/// The binary with no `GENESYS_CLOUD_*` variable of the test's environment.
pub fn bare_command() -> Command {
    let mut command = Command::new(BINARY);
    for (name, _) in std::env::vars() {
        if name.starts_with("GENESYS_CLOUD_") {
            command.env_remove(name);
        }
    }
    command.stdin(Stdio::null());
    command
}

/// The binary pointed at `sandbox` with its token, running `args`.
pub fn command(sandbox: &Sandbox, args: &[&str]) -> Command {
    let mut command = bare_command();
    command
        .args(["--base-path", &sandbox.url(), "--token", TOKEN])
        .args(args);
    command
}

pub fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    command(sandbox, args).output().expect("the binary runs")
}

pub fn spawn(mut command: Command) -> Child {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// stdout parsed as one JSON document, after checking the exit code.
pub fn json_of(output: &Output, code: i32) -> Value {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {}", stdout(output)))
}

/// Asserts the exit code is 2 with nothing on stdout, and returns stderr.
pub fn usage_error(output: &Output) -> String {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {message}");
    assert!(output.stdout.is_empty(), "stdout: {}", stdout(output));
    assert!(!message.contains("panicked"), "{message}");
    message
}

/// A user's presence as the sandbox has it: (system presence, message).
pub fn presence_of(sandbox: &Sandbox, user_id: &str) -> (String, String) {
    let presence = json_of(&run(sandbox, &["get", user_id]), 0);
    (
        presence["presenceDefinition"]["systemPresence"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        presence["message"].as_str().unwrap_or_default().to_owned(),
    )
}

pub fn write_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writes the file");
    path.to_str().unwrap().to_owned()
}

/// A scratch directory, removed on drop.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("gp-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creates a scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// POSTs `body` to a `/_sandbox/` control of `sandbox`.
pub fn control(sandbox: &Sandbox, path: &str, body: &Value) {
    ureq::post(format!("{}/_sandbox/{path}", sandbox.url()))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap_or_else(|error| panic!("/_sandbox/{path}: {error}"));
}

/// Forgets the faults `/_sandbox/faults/users` set.
pub fn clear_user_faults(sandbox: &Sandbox) {
    ureq::delete(format!("{}/_sandbox/faults/users", sandbox.url()))
        .call()
        .expect("the faults are cleared");
}

/// Every presence of `user_ids`, read by `bulk-get` as CSV: user id → (system
/// presence, message).
pub fn presences_of(
    sandbox: &Sandbox,
    dir: &Path,
    user_ids: &[String],
) -> std::collections::HashMap<String, (String, String)> {
    let ids = write_file(dir, "read-back.txt", &user_ids.join("\n"));
    let output = run(sandbox, &["bulk-get", "--ids", &ids, "--format", "csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("userId,systemPresence,definitionId,message,modifiedDate,source")
    );
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            (
                fields[0].to_owned(),
                (fields[1].to_owned(), fields[3].to_owned()),
            )
        })
        .collect()
}

/// Sends SIGINT to `child`, as Ctrl-C does.
pub fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}
