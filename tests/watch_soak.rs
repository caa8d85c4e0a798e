//! The soak: an org's worth of users (20,000) watched while 1,000 random changes are
//! made through the sandbox and every websocket is dropped every 2 s. When it settles,
//! the last event reported for each user must be the sandbox's final state: no change
//! lost, none reported out of order. Well under a minute on a 2-core machine.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::watching::{client, definition, set_presence, users};
use genesys_presence::watch::{PresenceState, WatchEvent};
use genesys_presence::{Watch, WatchOptions};
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::json;

const USERS: usize = 20_000;
const CHANGES: usize = 1_000;
const DROP_EVERY: Duration = Duration::from_secs(2);
/// After the last change and the last drop: long enough for a reconnect and its reads.
const SETTLE: Duration = Duration::from_secs(4);

/// A small deterministic generator: the same run every time.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as usize
    }
}

#[test]
fn twenty_thousand_users_through_drops_end_in_the_sandboxs_state() {
    let started = Instant::now();
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let client = client(&sandbox);
    let ids = users(USERS);
    let watch = Watch::start(Arc::clone(&client), WatchOptions::new(ids.clone())).unwrap();
    let definitions = ["Available", "Busy", "Away", "Meal"].map(|name| definition(&client, name));

    let changing = Arc::new(AtomicBool::new(true));
    let changer = {
        let (client, ids, changing) = (Arc::clone(&client), ids.clone(), Arc::clone(&changing));
        let definitions = definitions.clone();
        thread::spawn(move || {
            let mut random = Lcg(7);
            let mut changed = Vec::with_capacity(CHANGES);
            for n in 0..CHANGES {
                let user = &ids[random.below(USERS)];
                let definition = &definitions[random.below(definitions.len())];
                set_presence(&client, user, definition, &format!("change {n}"));
                changed.push(user.clone());
                thread::sleep(Duration::from_millis(8)); // ~10 s of changes: five drops
            }
            changing.store(false, Ordering::SeqCst);
            changed
        })
    };
    let dropper = {
        let (url, changing) = (sandbox.url().to_owned(), Arc::clone(&changing));
        thread::spawn(move || {
            let mut drops = 0;
            while changing.load(Ordering::SeqCst) {
                thread::sleep(DROP_EVERY);
                ureq::post(format!("{url}/_sandbox/notifications/drop"))
                    .send_empty()
                    .unwrap();
                drops += 1;
            }
            drops
        })
    };

    // The last state reported for each user, until the changes and drops have settled.
    let mut last: HashMap<String, PresenceState> = HashMap::new();
    let mut reconnects = 0;
    let mut quiet_since = Instant::now();
    loop {
        match watch.next(Duration::from_millis(200)).unwrap() {
            Some(WatchEvent::Presence {
                user_id, presence, ..
            }) => {
                last.insert(user_id, presence);
                quiet_since = Instant::now();
            }
            Some(WatchEvent::Reconnected { .. }) => {
                reconnects += 1;
                quiet_since = Instant::now();
            }
            Some(WatchEvent::Closed) => panic!("the watch closed"),
            None => {}
        }
        if !changing.load(Ordering::SeqCst)
            && dropper.is_finished()
            && quiet_since.elapsed() > SETTLE
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(55),
            "the soak ran past 55 s"
        );
    }
    let changed = changer.join().unwrap();
    let drops = dropper.join().unwrap();
    assert!(drops >= 4, "{drops} drops");
    assert!(
        reconnects >= drops,
        "{reconnects} reconnects for {drops} drops"
    );

    // The sandbox's final state of every user changed, read in one bulk call.
    let mut distinct = changed.clone();
    distinct.sort();
    distinct.dedup();
    let mut compared = 0;
    for chunk in distinct.chunks(50) {
        let finals = client
            .call("getUsersPresencesPurecloudBulk", json!({"id": chunk}))
            .unwrap();
        for presence in finals.as_array().unwrap() {
            let user = presence["userId"].as_str().unwrap();
            let reported = last
                .get(user)
                .unwrap_or_else(|| panic!("no event for {user}"));
            assert_eq!(
                reported.message.as_deref(),
                presence["message"].as_str(),
                "{user}'s message"
            );
            assert_eq!(
                reported
                    .presence_definition
                    .as_ref()
                    .and_then(|d| d.id.as_deref()),
                presence["presenceDefinition"]["id"].as_str(),
                "{user}'s presence definition"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, distinct.len(), "every changed user compared");
    eprintln!(
        "soak: {USERS} users, {CHANGES} changes to {} of them, {drops} drops, {reconnects} reconnects, {:.1} s",
        distinct.len(),
        started.elapsed().as_secs_f64()
    );
}
