//! A stand-in for the Notifications API's REST side, for watches against a
//! scripted websocket.

use serde_json::json;

/// A mock API that creates channel `c1` with `connect_uri`, takes its
/// subscriptions, and reads every user's presence as absent.
pub fn notification_api(connect_uri: &str) -> (mockito::ServerGuard, Vec<mockito::Mock>) {
    let mut server = mockito::Server::new();
    let channel = json!({"id": "c1", "connectUri": connect_uri});
    let mocks = vec![
        server
            .mock("POST", "/api/v2/notifications/channels")
            .with_body(channel.to_string())
            .expect_at_least(1)
            .create(),
        server
            .mock("PUT", "/api/v2/notifications/channels/c1/subscriptions")
            .with_body(r#"{"entities": []}"#)
            .expect_at_least(1)
            .create(),
        server
            .mock("DELETE", "/api/v2/notifications/channels/c1/subscriptions")
            .with_status(204)
            .expect_at_least(0)
            .create(),
        server
            .mock("GET", "/api/v2/users/presences/purecloud/bulk")
            .match_query(mockito::Matcher::Any)
            .with_body("[]")
            .expect_at_least(0)
            .create(),
    ];
    (server, mocks)
}
