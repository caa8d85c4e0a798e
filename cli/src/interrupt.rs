//! Ctrl-C: the first stops the work in progress cleanly (the library's cancel, so
//! that what was done can be reported); a second ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use genesys_presence::{CallOptions, Cancel};

static CANCEL: OnceLock<Cancel> = OnceLock::new();
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The cancel every call of this process is given.
fn cancel() -> &'static Cancel {
    CANCEL.get_or_init(Cancel::new)
}

/// The options of a call that Ctrl-C stops.
pub fn options() -> CallOptions<'static> {
    CallOptions {
        cancel: Some(cancel()),
        progress: None,
    }
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Takes over SIGINT. Without it the default applies: the process ends at once.
pub fn install() {
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        cancel().request();
    });
    if let Err(error) = installed {
        eprintln!("genesys-presence: Ctrl-C will end the process at once ({error})");
    }
}
