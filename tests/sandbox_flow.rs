//! The library against the sandbox: a stateful flow through every operation of
//! the table over the C ABI, with client-credentials tokens, API errors,
//! token expiry and injected faults.

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;

use common::{sandbox_with, FfiClient, TOKEN};
use genesys_presence::operations::OPERATIONS;
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};

struct Flow {
    client: FfiClient,
    used: RefCell<BTreeSet<String>>,
}

impl Flow {
    fn new(sandbox: &Sandbox, extra: Value) -> Flow {
        let mut config = json!({
            "basePath": sandbox.url(), "authBasePath": sandbox.url(),
            "clientId": "sandbox-client", "clientSecret": "sandbox-secret",
        });
        config
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Flow {
            client: FfiClient::new(&config),
            used: RefCell::default(),
        }
    }

    fn ok(&self, operation_id: &str, params: Value) -> Value {
        self.used.borrow_mut().insert(operation_id.to_owned());
        self.client.ok(operation_id, &params)
    }

    fn http_error(&self, operation_id: &str, params: Value) -> Value {
        self.client.err(operation_id, &params, 2)
    }
}

fn find<'a>(items: &'a Value, key: &str, value: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no {key}={value}"))
}

#[test]
fn a_stateful_flow_through_every_operation() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let flow = Flow::new(&sandbox, json!({}));
    let user = "user-1";

    let system = flow.ok("getSystempresences", json!({}));
    assert_eq!(system.as_array().unwrap().len(), 10);

    let definitions = flow.ok("getPresenceDefinitions", json!({}));
    let busy = find(&definitions["entities"], "systemPresence", "Busy")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let available = find(&definitions["entities"], "systemPresence", "Available")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        flow.ok("getPresenceDefinition", json!({"definitionId": busy}))["systemPresence"],
        "Busy"
    );
    let page = flow.ok(
        "getPresencedefinitions",
        json!({"pageSize": 4, "pageNumber": 3}),
    );
    assert_eq!(
        (
            page["pageCount"].as_u64(),
            page["entities"].as_array().unwrap().len()
        ),
        (Some(3), 2)
    );
    assert_eq!(
        flow.ok("getPresencedefinition", json!({"presenceId": busy}))["id"],
        busy
    );

    let focus = flow.ok(
        "postPresenceDefinitions",
        json!({"body": {"type": "User", "systemPresence": "Busy", "languageLabels": {"en_US": "Focus"}}}),
    );
    let focus_id = focus["id"].as_str().unwrap();
    let renamed = json!({"type": "User", "systemPresence": "Busy", "languageLabels": {"en_US": "Deep focus"}});
    flow.ok(
        "putPresenceDefinition",
        json!({"definitionId": focus_id, "body": renamed}),
    );
    let read = flow.ok("getPresenceDefinition", json!({"definitionId": focus_id}));
    assert_eq!(read["languageLabels"]["en_US"], "Deep focus");

    let lunch = flow.ok(
        "postPresencedefinitions",
        json!({"body": {"systemPresence": "Meal", "languageLabels": {"en_US": "Lunch"}}}),
    );
    let lunch_id = lunch["id"].as_str().unwrap();
    let late_lunch = json!({"systemPresence": "Meal", "languageLabels": {"en_US": "Late lunch"}});
    let updated = flow.ok(
        "putPresencedefinition",
        json!({"presenceId": lunch_id, "body": late_lunch}),
    );
    assert_eq!(updated["languageLabels"]["en_US"], "Late lunch");
    flow.ok("deletePresencedefinition", json!({"presenceId": lunch_id}));

    let sources = flow.ok("getPresenceSources", json!({}));
    find(&sources["entities"], "name", "PURECLOUD");
    let calendar = flow.ok(
        "postPresenceSources",
        json!({"body": {"name": "Calendar", "description": "Outlook sync"}}),
    );
    let source_id = calendar["id"].as_str().unwrap().to_owned();
    assert_eq!(
        flow.ok("getPresenceSource", json!({"sourceId": source_id}))["name"],
        "Calendar"
    );
    flow.ok(
        "putPresenceSource",
        json!({"sourceId": source_id, "body": {"name": "Calendar", "description": "Graph"}}),
    );

    let set = flow.ok(
        "patchUserPresencesPurecloud",
        json!({"userId": user, "body": {"presenceDefinition": {"id": busy}, "message": "1:1"}}),
    );
    assert_eq!(set["presenceDefinition"]["systemPresence"], "Busy");
    let read = flow.ok("getUserPresencesPurecloud", json!({"userId": user}));
    assert_eq!(
        (&read["presenceDefinition"]["id"], &read["message"]),
        (&json!(busy), &json!("1:1"))
    );

    flow.ok(
        "patchUserPresence",
        json!({"userId": user, "sourceId": source_id, "body": {"presenceDefinition": {"id": available}, "message": "free"}}),
    );
    let on_source = flow.ok(
        "getUserPresence",
        json!({"userId": user, "sourceId": source_id}),
    );
    assert_eq!(on_source["message"], "free");

    flow.ok(
        "putPresenceUserPrimarysource",
        json!({"userId": user, "body": {"sourceId": source_id}}),
    );
    let primary = flow.ok("getPresenceUserPrimarysource", json!({"userId": user}));
    assert_eq!(primary["sourceId"], json!(source_id));

    let meeting = find(&definitions["entities"], "systemPresence", "Meeting")["id"].clone();
    let bulk_set = flow.ok(
        "putUsersPresencesBulk",
        json!({"body": [
            {"id": "user-2", "source": "PURECLOUD", "presenceDefinition": {"id": meeting}},
            {"id": "user-3", "source": "PURECLOUD", "presenceDefinition": {"id": meeting}},
        ]}),
    );
    assert_eq!(bulk_set.as_array().unwrap().len(), 2);
    let bulk = flow.ok(
        "getUsersPresencesPurecloudBulk",
        json!({"id": ["user-2", "user-3", user]}),
    );
    assert_eq!(
        find(&bulk, "userId", "user-3")["presenceDefinition"]["systemPresence"],
        "Meeting"
    );
    let on_source = flow.ok(
        "getUsersPresenceBulk",
        json!({"sourceId": source_id, "id": [user]}),
    );
    assert_eq!(on_source[0]["message"], "free");

    let settings = flow.ok("getPresenceSettings", json!({}));
    let mut changed = settings.clone();
    changed["restorePresenceSettings"] = json!({"enabled": true, "restoreTimeMilliseconds": 60000});
    flow.ok("putPresenceSettings", json!({"body": changed}));
    assert_eq!(
        flow.ok("getPresenceSettings", json!({}))["restorePresenceSettings"]["enabled"],
        true
    );

    assert_eq!(
        flow.ok(
            "deletePresenceDefinition",
            json!({"definitionId": focus_id})
        ),
        Value::Null
    );
    let deactivated = flow.ok("getPresenceDefinitions", json!({"deactivated": "true"}));
    find(&deactivated["entities"], "id", focus_id);
    assert_eq!(
        flow.ok("deletePresenceSource", json!({"sourceId": source_id})),
        Value::Null
    );

    let all: BTreeSet<String> = OPERATIONS
        .iter()
        .map(|operation| operation.id.to_owned())
        .collect();
    assert_eq!(*flow.used.borrow(), all, "every operation was exercised");
}

#[test]
fn api_errors_come_back_with_code_and_correlation_id() {
    let sandbox = Sandbox::start(SandboxOptions::default()).unwrap();
    let flow = Flow::new(&sandbox, json!({}));
    let error = flow.http_error(
        "patchUserPresencesPurecloud",
        json!({"userId": "u", "body": {"presenceDefinition": {"id": "no-such-definition"}}}),
    );
    assert_eq!(error["status"], 400);
    assert_eq!(error["correlationId"], error["body"]["contextId"]);
    assert!(error["code"].is_string());

    let ids: Vec<String> = (0..51).map(|n| format!("user-{n}")).collect();
    let error = flow.http_error("getUsersPresencesPurecloudBulk", json!({"id": ids}));
    assert_eq!(error["status"], 400);
    let error = flow.http_error("getPresenceSource", json!({"sourceId": "missing"}));
    assert_eq!(
        (error["status"].as_u64(), error["code"].as_str()),
        (Some(404), Some("not.found"))
    );

    let bad = Flow::new(&sandbox, json!({"clientSecret": "wrong"}));
    let error = bad.client.err("getSystempresences", &json!({}), 4);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("invalid_client"),
        "{error}"
    );
}

#[test]
fn tokens_that_expire_are_renewed_and_faults_are_retried() {
    let sandbox = Sandbox::start(SandboxOptions {
        token_ttl_secs: 1,
        ..SandboxOptions::default()
    })
    .unwrap();
    let flow = Flow::new(&sandbox, json!({}));
    flow.ok("getPresenceSettings", json!({}));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    flow.ok("getPresenceSettings", json!({}));

    let flaky = sandbox_with(|options| options.fault_503_rate = 1.0);
    let client = FfiClient::new(
        &json!({"basePath": flaky.url(), "accessToken": TOKEN, "retry": {"maxRetries": 1}}),
    );
    let error = client.err("getSystempresences", &json!({}), 2);
    assert_eq!(error["status"], 503);
}
