//! The client handle the C ABI hands out. Its own module, so that `pointers` (which
//! turns it into a raw pointer and back) and `client` (its functions) both use it
//! without depending on each other in a circle.

use crate::client::Client;

/// A Presence API client: configuration, connection pool and tokens.
/// Opaque; create with `gp_client_new`, free with `gp_client_free`.
/// Safe to use from many threads at once. In a child process forked after it
/// was made, it opens connections of its own rather than use the parent's.
#[allow(non_camel_case_types)]
pub struct gp_client {
    client: Client,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<gp_client>();
};

impl gp_client {
    pub(crate) fn new(client: Client) -> gp_client {
        gp_client { client }
    }

    pub(crate) fn inner(&self) -> &Client {
        &self.client
    }
}
