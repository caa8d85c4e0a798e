//! `watch` and `completions`.

mod common;

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// The JSON lines a child prints, as they come.
fn lines_of(child: &mut std::process::Child) -> mpsc::Receiver<Value> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("stdout is UTF-8");
            let event = serde_json::from_str(&line)
                .unwrap_or_else(|error| panic!("not a JSON line ({error}): {line}"));
            if sender.send(event).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The next event about `user_id`, within 10 s.
fn next_about(events: &mpsc::Receiver<Value>, user_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let event = events
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no event about {user_id} within 10 s"));
        if event["userId"] == user_id {
            return event;
        }
    }
}

#[test]
fn watch_prints_a_change_as_a_json_line_until_ctrl_c() {
    let sandbox = sandbox();
    let scratch = Scratch::new("watch");
    let ids = write_file(&scratch.0, "ids.txt", "watched-2\nwatched-1\n");
    let mut child = spawn(command(
        &sandbox,
        &["watch", "watched-1", "--ids", &ids, "--initial"],
    ));
    let events = lines_of(&mut child);
    // Each user's presence as it is now comes first, in no set order.
    let mut initial: Vec<String> = (0..2)
        .map(|_| {
            let event = events
                .recv_timeout(Duration::from_secs(10))
                .expect("an initial event");
            assert_eq!(
                (&event["type"], &event["origin"]),
                (&"presence".into(), &"initial".into())
            );
            event["userId"].as_str().unwrap().to_owned()
        })
        .collect();
    initial.sort();
    assert_eq!(initial, ["watched-1", "watched-2"]);

    json_of(
        &run(
            &sandbox,
            &[
                "set",
                "watched-2",
                "--presence",
                "Busy",
                "--message",
                "Seen live",
            ],
        ),
        0,
    );
    let change = next_about(&events, "watched-2");
    assert_eq!(change["origin"], "notification", "{change}");
    assert_eq!(change["presence"]["message"], "Seen live");
    assert_eq!(
        change["presence"]["presenceDefinition"]["systemPresence"],
        "Busy"
    );

    let interrupted = Instant::now();
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    assert!(
        interrupted.elapsed() < Duration::from_secs(2),
        "{:?}",
        interrupted.elapsed()
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn bad_watches_are_usage_errors() {
    let sandbox = sandbox();
    let output = run(&sandbox, &["watch"]);
    assert_eq!(output.status.code(), Some(2));
    let message = usage_error(&run(&sandbox, &["watch", "--ids", "/nonexistent/ids.txt"]));
    assert!(
        message.contains("cannot read /nonexistent/ids.txt"),
        "{message}"
    );
    let scratch = Scratch::new("watch-too-many");
    let too_many: Vec<String> = (0..20_001).map(|n| format!("u{n}")).collect();
    let ids = write_file(&scratch.0, "ids.txt", &too_many.join("\n"));
    let message = usage_error(&run(&sandbox, &["watch", "--ids", &ids]));
    assert!(
        message.contains("20000") || message.contains("20,000"),
        "{message}"
    );
}

#[test]
fn a_watch_whose_credentials_are_refused_exits_1() {
    let sandbox = sandbox();
    let output = bare_command()
        .args([
            "--base-path",
            &sandbox.url(),
            "--token",
            "not-the-token",
            "watch",
            "u1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("HTTP 401"), "{}", stderr(&output));
}

#[test]
fn completions_for_each_shell_need_no_credentials() {
    for shell in ["bash", "zsh", "fish"] {
        let output = bare_command()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = stdout(&output);
        for word in ["genesys-presence", "bulk-set", "presence", "client-secret"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let output = bare_command()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
