//! `watch`: a watch's events as JSON lines on stdout, until Ctrl-C.

use std::sync::Arc;
use std::time::Duration;

use genesys_presence::{Client, Watch, WatchEvent, WatchOptions};

use crate::failure::Failure;
use crate::interrupt;
use crate::output;

/// How long one wait for an event lasts: how soon Ctrl-C is seen.
const POLL: Duration = Duration::from_millis(200);

pub fn watch(client: Client, user_ids: Vec<String>, initial: bool) -> Result<(), Failure> {
    let mut options = WatchOptions::new(user_ids);
    options.initial = initial;
    let watch = Watch::start(Arc::new(client), options)?;
    while !interrupt::interrupted() {
        let event = match watch.next(POLL) {
            Ok(None) => continue,
            Ok(Some(WatchEvent::Closed)) => break,
            Ok(Some(event)) => event,
            // The watch has ended (revoked credentials, a refused request).
            Err(error) => return Err(Failure::Api(error)),
        };
        let line = serde_json::to_string(&event)
            .map_err(|error| Failure::Failed(format!("an event as JSON: {error}")))?;
        // Flushed at once: whoever reads the pipe reacts to each change as it comes;
        // once the reader is gone (`| head -n 1`), the watch is done.
        if !output::print_text(&line)? {
            break;
        }
    }
    watch.close();
    Ok(())
}
