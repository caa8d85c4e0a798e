//! `bulk-get` and `bulk-set`: outcomes per user, bad files, Ctrl-C.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn user_ids(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|n| format!("{prefix}-{n:04}")).collect()
}

/// A `bulk-set` CSV setting each of `ids` to `presence` with message `message`.
fn csv_of(ids: &[String], presence: &str, message: &str) -> String {
    let mut text = String::from("userId,presence,message\n");
    for id in ids {
        text.push_str(&format!("{id},{presence},{message}\n"));
    }
    text
}

#[test]
fn bulk_get_prints_json_or_csv_from_a_file_or_stdin() {
    let sandbox = sandbox();
    let scratch = Scratch::new("bulk-get");
    let ids = user_ids("reader", 120);
    let file = write_file(
        &scratch.0,
        "ids.txt",
        &format!("# shift A\n{}\n\n{}\n", ids.join("\n"), ids[0]),
    );
    let presences = json_of(&run(&sandbox, &["bulk-get", "--ids", &file]), 0);
    let read: Vec<&str> = presences
        .as_array()
        .unwrap()
        .iter()
        .map(|presence| presence["id"].as_str().unwrap())
        .collect();
    assert_eq!(read, ids, "each id once, in the file's order");

    let csv = presences_of(&sandbox, &scratch.0, &ids);
    assert_eq!(csv.len(), 120);
    assert_eq!(csv[&ids[7]].0, "Offline");

    let mut piped = command(&sandbox, &["bulk-get", "--ids", "-"]);
    piped.stdin(std::process::Stdio::piped());
    let mut child = spawn(piped);
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"one\ntwo\n")
        .unwrap();
    let presences = json_of(&child.wait_with_output().unwrap(), 0);
    assert_eq!(presences.as_array().unwrap().len(), 2);
}

#[test]
fn bulk_set_of_1000_rows_with_3_refused_names_the_3_and_sets_the_rest() {
    let sandbox = sandbox();
    let scratch = Scratch::new("bulk-set");
    let ids = user_ids("shift", 1000);
    let refused = [ids[10].clone(), ids[500].clone(), ids[999].clone()];
    control(
        &sandbox,
        "faults/users",
        &json!({"userIds": refused, "status": 400}),
    );
    let file = write_file(
        &scratch.0,
        "shift.csv",
        &csv_of(&ids, "Busy", "Shift start"),
    );

    let output = run(&sandbox, &["bulk-set", "--csv", &file]);
    let report = json_of(&output, 1);
    assert_eq!(report["total"], 1000);
    assert_eq!(report["set"], 997);
    assert_eq!(report["failed"], 3);
    assert_eq!(report["interrupted"], false);
    let named: Vec<(&str, u64)> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            (
                failure["userId"].as_str().unwrap(),
                failure["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The header is line 1: user n is on line n + 2.
    assert_eq!(
        named,
        [
            (ids[10].as_str(), 12),
            (ids[500].as_str(), 502),
            (ids[999].as_str(), 1001)
        ]
    );
    for failure in report["failures"].as_array().unwrap() {
        assert_eq!(failure["error"]["status"], 400, "{failure}");
    }
    let message = stderr(&output);
    assert!(
        message.contains("3 of 1000 users not set (997 set)"),
        "{message}"
    );

    clear_user_faults(&sandbox);
    let presences = presences_of(&sandbox, &scratch.0, &ids);
    for id in &ids {
        let expected = if refused.contains(id) {
            ("Offline".to_owned(), String::new())
        } else {
            ("Busy".to_owned(), "Shift start".to_owned())
        };
        assert_eq!(presences[id], expected, "{id}");
    }
}

#[test]
fn bad_files_are_usage_errors_naming_the_line_and_nothing_is_set() {
    let sandbox = sandbox();
    let scratch = Scratch::new("bad-files");
    let cases = [
        (
            "short.csv",
            "userId,presence,message\nbad-1,Busy,x\nbad-2,Busy\n",
            "line 3: 2 fields where the header has 3",
        ),
        (
            "name.csv",
            "userId,presence,message\nbad-1,Busy,x\nbad-2,Lunch,x\n",
            "line 3: unknown presence \"Lunch\"",
        ),
        (
            "empty-id.csv",
            "userId,presence,message\nbad-1,Busy,x\n,Busy,x\n",
            "line 3: userId is empty",
        ),
        (
            "nothing.csv",
            "userId,presence,message\nbad-1,Busy,x\nbad-2,,\n",
            "line 3: nothing to set for bad-2",
        ),
        (
            "twice.csv",
            "userId,presence,message\nbad-1,Busy,x\nbad-1,Away,y\n",
            "line 3: bad-1 is already on line 2",
        ),
        (
            "header.csv",
            "user,presence\nbad-1,Busy\n",
            "line 1: unknown column \"user\"",
        ),
        ("no-rows.csv", "userId,presence,message\n", "holds no row"),
    ];
    for (name, text, expected) in cases {
        let file = write_file(&scratch.0, name, text);
        let message = usage_error(&run(&sandbox, &["bulk-set", "--csv", &file]));
        assert!(message.contains(expected), "{name}: {message}");
        assert!(
            message.contains(&file),
            "{name}: the file is named: {message}"
        );
    }
    let invalid_utf8 = scratch.0.join("latin1.csv");
    std::fs::write(
        &invalid_utf8,
        b"userId,presence,message\nbad-3,Busy,caf\xe9\n",
    )
    .unwrap();
    let message = usage_error(&run(
        &sandbox,
        &["bulk-set", "--csv", invalid_utf8.to_str().unwrap()],
    ));
    assert!(message.contains("line 2"), "{message}");

    // None of the well-formed rows before the bad ones was sent.
    assert_eq!(
        presence_of(&sandbox, "bad-1"),
        ("Offline".into(), String::new())
    );

    let message = usage_error(&run(
        &sandbox,
        &["bulk-set", "--csv", "/nonexistent/shift.csv"],
    ));
    assert!(
        message.contains("cannot read /nonexistent/shift.csv"),
        "{message}"
    );
    let message = usage_error(&run(
        &sandbox,
        &["bulk-get", "--ids", "/nonexistent/ids.txt"],
    ));
    assert!(
        message.contains("cannot read /nonexistent/ids.txt"),
        "{message}"
    );
    let empty = write_file(&scratch.0, "empty.txt", "# nobody\n\n");
    assert!(
        usage_error(&run(&sandbox, &["bulk-get", "--ids", &empty])).contains("holds no user id")
    );
    let output = run(
        &sandbox,
        &["bulk-get", "--ids", &empty, "--concurrency", "0"],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn ctrl_c_stops_a_bulk_set_and_the_report_says_what_was_done() {
    // 3,000 users one request at a time through 100 ms of latency: 6 s of work.
    let sandbox = sandbox_with(|options| options.latency_ms = 100);
    let scratch = Scratch::new("ctrl-c");
    let ids = user_ids("late", 3000);
    let file = write_file(
        &scratch.0,
        "late.csv",
        &csv_of(&ids, "Away", "Stopped early"),
    );
    let child = spawn(command(
        &sandbox,
        &["bulk-set", "--csv", &file, "--concurrency", "1"],
    ));
    std::thread::sleep(Duration::from_millis(1000));
    let interrupted = Instant::now();
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    assert!(
        interrupted.elapsed() < Duration::from_millis(1500),
        "stopped within one round trip: {:?}",
        interrupted.elapsed()
    );
    let report = json_of(&output, 1);
    assert_eq!(report["interrupted"], true);
    let set = report["set"].as_u64().unwrap();
    assert!(set > 0 && set < 3000, "{report}");
    assert_eq!(set + report["failed"].as_u64().unwrap(), 3000);
    assert!(
        stderr(&output).contains("interrupted: "),
        "{}",
        stderr(&output)
    );
    let not_set: std::collections::HashSet<&str> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| failure["userId"].as_str().unwrap())
        .collect();
    let presences = presences_of(&sandbox, &scratch.0, &ids);
    for id in &ids {
        let was_set = presences[id].0 == "Away";
        assert_eq!(
            was_set,
            !not_set.contains(id.as_str()),
            "{id}: the report matches the sandbox"
        );
    }
}

#[test]
fn the_progress_bar_shows_on_a_terminal_and_never_in_a_pipe() {
    let sandbox = sandbox_with(|options| options.latency_ms = 150);
    let scratch = Scratch::new("progress");
    let ids = write_file(&scratch.0, "ids.txt", &user_ids("watched", 1000).join("\n"));
    let args = ["bulk-get", "--ids", ids.as_str(), "--concurrency", "1"];

    // In a pipe (stderr to a file): no bar, no escape sequence.
    let output = run(&sandbox, &args);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));

    // On a terminal: tmux runs it, and its screen shows the bar.
    assert!(
        std::process::Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok(),
        "this test needs tmux (apt-get install tmux; `make rust-test` installs it)"
    );
    let socket = format!("gp-cli-{}", std::process::id());
    let shell_line = format!(
        "{BINARY} --base-path {} --token {TOKEN} {} > {}/out.json",
        sandbox.url(),
        args.join(" "),
        scratch.0.display()
    );
    let tmux = |extra: &[&str]| {
        std::process::Command::new("tmux")
            .args(["-L", &socket])
            .args(extra)
            .output()
            .expect("tmux runs")
    };
    let started = tmux(&["new-session", "-d", "-x", "160", "-y", "20", &shell_line]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut screen = String::new();
    while Instant::now() < deadline {
        screen = String::from_utf8_lossy(&tmux(&["capture-pane", "-p"]).stdout).into_owned();
        if screen.contains("reading users [") && screen.contains("/1000") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux(&["kill-server"]);
    assert!(
        screen.contains("reading users ["),
        "no bar on the terminal:\n{screen}"
    );
    assert!(screen.contains("/1000"), "{screen}");
}

#[test]
fn ctrl_c_stops_a_bulk_get_which_prints_what_it_read() {
    let sandbox = sandbox_with(|options| options.latency_ms = 100);
    let scratch = Scratch::new("ctrl-c-get");
    let ids = user_ids("reader", 3000);
    let file = write_file(&scratch.0, "ids.txt", &ids.join("\n"));
    let child = spawn(command(
        &sandbox,
        &["bulk-get", "--ids", &file, "--concurrency", "1"],
    ));
    std::thread::sleep(Duration::from_millis(1000));
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let read = json_of(&output, 1);
    let read = read.as_array().expect("the presences read, as an array");
    assert!(!read.is_empty() && read.len() < 3000, "{} read", read.len());
    // In the file's order: the first chunks are the ones that ran.
    for (presence, id) in read.iter().zip(&ids) {
        assert_eq!(presence["id"], id.as_str());
    }
    let message = stderr(&output);
    let expected = format!("interrupted: {} of 3000 users not read", 3000 - read.len());
    assert!(message.contains(&expected), "{message}");
    assert_eq!(message.lines().count(), 1, "only the summary: {message}");
}
