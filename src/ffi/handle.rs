//! The client handle the C ABI hands out. Its own module, so that `pointers` (which
//! turns it into a raw pointer and back) and `client` (its functions) both use it
//! without depending on each other in a circle.

use std::sync::Arc;

use crate::client::Client;
use crate::watch::Watch;

/// A Presence API client: configuration, connection pool and tokens.
/// Opaque; create with `gp_client_new`, free with `gp_client_free`.
/// Safe to use from many threads at once. In a child process forked after it
/// was made, it opens connections of its own rather than use the parent's.
#[allow(non_camel_case_types)]
pub struct gp_client {
    /// Shared with the client's watches, which may outlive the handle.
    client: Arc<Client>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<gp_client>();
};

impl gp_client {
    pub(crate) fn new(client: Client) -> gp_client {
        gp_client {
            client: Arc::new(client),
        }
    }

    pub(crate) fn inner(&self) -> &Client {
        &self.client
    }

    pub(crate) fn shared(&self) -> Arc<Client> {
        Arc::clone(&self.client)
    }
}

/// A watch of some users' presence: its channels, sockets and threads.
/// Opaque; create with `gp_watch_new`, free with `gp_watch_free`. Safe to use
/// from many threads at once.
#[allow(non_camel_case_types)]
pub struct gp_watch {
    watch: Watch,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<gp_watch>();
};

impl gp_watch {
    pub(crate) fn new(watch: Watch) -> gp_watch {
        gp_watch { watch }
    }

    pub(crate) fn inner(&self) -> &Watch {
        &self.watch
    }
}
