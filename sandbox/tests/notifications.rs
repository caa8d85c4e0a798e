//! Notification channels and their subscriptions, over real HTTP.

mod common;

use std::thread;
use std::time::Duration;

use common::{call, sandbox_with, Answer};
use presence_sandbox::Sandbox;
use serde_json::{json, Value};
use ureq::http::Method;

const CHANNELS: &str = "/api/v2/notifications/channels";

fn topic(user: &str) -> String {
    format!("v2.users.{user}.presence")
}

/// `[{"id": topic}, ...]` for `users`.
fn topics(users: impl IntoIterator<Item = String>) -> Value {
    users
        .into_iter()
        .map(|user| json!({ "id": topic(&user) }))
        .collect()
}

fn new_channel(sandbox: &Sandbox) -> String {
    let created = call(sandbox, Method::POST, CHANNELS, None);
    assert_eq!(created.status, 200, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

fn subscriptions(id: &str) -> String {
    format!("{CHANNELS}/{id}/subscriptions")
}

/// The ids a listing (of topics, or of channels) holds.
fn listed(answer: &Answer) -> Vec<String> {
    answer.body["entities"]
        .as_array()
        .unwrap_or_else(|| panic!("not a listing: {}", answer.body))
        .iter()
        .map(|entity| entity["id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_bad_request(answer: &Answer, naming: &str) {
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["code"], "bad.request");
    let message = answer.body["message"].as_str().unwrap();
    assert!(
        message.contains(naming),
        "{message:?} does not name {naming:?}"
    );
}

#[test]
fn a_channel_says_where_to_connect_and_is_listed() {
    let sandbox = sandbox_with(|_| {});
    let created = call(&sandbox, Method::POST, CHANNELS, None);
    assert_eq!(created.status, 200);
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(
        created.body["connectUri"],
        format!("ws://{}/channels/{id}", sandbox.address())
    );
    let expires = created.body["expires"].as_str().unwrap();
    assert!(expires.ends_with('Z') && expires.len() == 24, "{expires}");

    let second = new_channel(&sandbox);
    let list = call(&sandbox, Method::GET, CHANNELS, None);
    assert_eq!(list.status, 200);
    assert_eq!(listed(&list), [id, second.as_str()]);
    assert_eq!(list.body["entities"][0], created.body);
}

#[test]
fn subscriptions_are_added_replaced_and_deleted() {
    let sandbox = sandbox_with(|_| {});
    let path = subscriptions(&new_channel(&sandbox));
    assert_eq!(
        listed(&call(&sandbox, Method::GET, &path, None)),
        [] as [&str; 0]
    );

    let body = topics(["a", "b"].map(String::from));
    let added = call(&sandbox, Method::POST, &path, Some(&body));
    assert_eq!(added.status, 200);
    assert_eq!(listed(&added), [topic("a"), topic("b")]);
    // Adding again, with one new: repeats are dropped, order is kept.
    let body = topics(["b", "c", "c"].map(String::from));
    let added = call(&sandbox, Method::POST, &path, Some(&body));
    assert_eq!(listed(&added), [topic("a"), topic("b"), topic("c")]);

    let body = topics(["z"].map(String::from));
    let replaced = call(&sandbox, Method::PUT, &path, Some(&body));
    assert_eq!(listed(&replaced), [topic("z")]);
    assert_eq!(
        listed(&call(&sandbox, Method::GET, &path, None)),
        [topic("z")]
    );

    let deleted = call(&sandbox, Method::DELETE, &path, None);
    assert_eq!(deleted.status, 204);
    assert_eq!(
        listed(&call(&sandbox, Method::GET, &path, None)),
        [] as [&str; 0]
    );
}

#[test]
fn a_channel_takes_at_most_1000_topics() {
    let sandbox = sandbox_with(|_| {});
    let path = subscriptions(&new_channel(&sandbox));
    let thousand = topics((0..1000).map(|n| format!("user-{n}")));
    let put = call(&sandbox, Method::PUT, &path, Some(&thousand));
    assert_eq!(put.status, 200);
    assert_eq!(listed(&put).len(), 1000);

    let one_more = topics(["user-1000".to_owned()]);
    assert_bad_request(
        &call(&sandbox, Method::POST, &path, Some(&one_more)),
        "1000",
    );
    let too_many = topics((0..1001).map(|n| format!("user-{n}")));
    assert_bad_request(&call(&sandbox, Method::PUT, &path, Some(&too_many)), "1000");
    // Neither was half applied.
    assert_eq!(
        listed(&call(&sandbox, Method::GET, &path, None)).len(),
        1000
    );
}

#[test]
fn the_twenty_first_channel_closes_the_oldest() {
    let sandbox = sandbox_with(|_| {});
    let ids: Vec<String> = (0..21).map(|_| new_channel(&sandbox)).collect();
    let list = call(&sandbox, Method::GET, CHANNELS, None);
    assert_eq!(listed(&list), ids[1..]);
    let gone = call(&sandbox, Method::GET, &subscriptions(&ids[0]), None);
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["code"], "not.found");
}

#[test]
fn channels_expire() {
    let sandbox = sandbox_with(|options| options.channel_ttl_secs = 1);
    let id = new_channel(&sandbox);
    assert_eq!(
        call(&sandbox, Method::GET, &subscriptions(&id), None).status,
        200
    );
    thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        call(&sandbox, Method::GET, &subscriptions(&id), None).status,
        404
    );
    let list = call(&sandbox, Method::GET, CHANNELS, None);
    assert_eq!(list.body["entities"], json!([]));
}

#[test]
fn bad_subscriptions_are_refused_and_change_nothing() {
    let sandbox = sandbox_with(|_| {});
    let path = subscriptions(&new_channel(&sandbox));
    let kept = topics(["kept".to_owned()]);
    call(&sandbox, Method::PUT, &path, Some(&kept));
    for (body, naming) in [
        (json!({"id": topic("a")}), "list"),
        (json!("v2.users.a.presence"), "list"),
        (json!([{"id": topic("a")}, {"name": "x"}]), "Item 1"),
        (json!([{"id": 7}]), "Item 0"),
        (json!([topic("a")]), "Item 0"),
        (
            json!([{"id": "v2.users.a.routingStatus"}]),
            "v2.users.a.routingStatus",
        ),
        (json!([{"id": "v2.users..presence"}]), "v2.users..presence"),
    ] {
        for method in [Method::POST, Method::PUT] {
            let answer = call(&sandbox, method.clone(), &path, Some(&body));
            assert_bad_request(&answer, naming);
        }
    }
    assert_eq!(
        listed(&call(&sandbox, Method::GET, &path, None)),
        [topic("kept")]
    );
}

#[test]
fn unknown_channels_are_404() {
    let sandbox = sandbox_with(|_| {});
    let body = topics(["a".to_owned()]);
    for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE] {
        let answer = call(
            &sandbox,
            method,
            &subscriptions("no-such-channel"),
            Some(&body),
        );
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert_eq!(answer.body["code"], "not.found");
    }
}
