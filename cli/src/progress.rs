//! A progress bar on stderr, drawn only when stderr is a terminal: in a pipe or a
//! log file there is nothing to redraw.

use std::io::IsTerminal;
use std::time::Duration;

use genesys_presence::{CallOptions, Client};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::interrupt;

pub struct Progress(ProgressBar);

impl Progress {
    /// A bar labelled `what` ("reading users", ...).
    pub fn new(what: &'static str) -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed}, eta {eta})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress(bar)
    }

    pub fn report(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// Calls `name` (an operation or a bulk helper) with a bar labelled `what` while it
/// runs, stopped by Ctrl-C.
pub fn call(
    client: &Client,
    name: &str,
    params_json: &str,
    what: &'static str,
) -> genesys_presence::Result<String> {
    let bar = Progress::new(what);
    let report = |done, total| bar.report(done, total);
    let options = CallOptions {
        progress: Some(&report),
        ..interrupt::options()
    };
    client.call_with(name, params_json, options)
}
