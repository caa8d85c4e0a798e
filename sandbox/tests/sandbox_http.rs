//! The sandbox over real HTTP: started in-process with `Sandbox::start` (and once as
//! the built binary), driven with `ureq`.

use std::io::{BufRead, BufReader, ErrorKind};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use presence_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use ureq::http::{self, Method};
use ureq::Agent;

/// The bearer token every test sandbox accepts.
const TOKEN: &str = "test-token";

/// A sandbox that accepts [`TOKEN`], with options adjusted by `tweak`.
fn sandbox_with(tweak: impl FnOnce(&mut SandboxOptions)) -> Sandbox {
    let mut options = SandboxOptions {
        static_token: Some(TOKEN.to_owned()),
        ..SandboxOptions::default()
    };
    tweak(&mut options);
    Sandbox::start(options).expect("sandbox starts")
}

fn default_sandbox() -> Sandbox {
    sandbox_with(|_| {})
}

/// One answer, read whole.
struct Answer {
    status: u16,
    body: Value,
    raw_body: String,
    correlation_id: Option<String>,
    content_type: Option<String>,
    retry_after: Option<String>,
    allow: Option<String>,
}

/// A client that sends `Authorization: Bearer {token}` when it has one.
struct Client {
    agent: Agent,
    base: String,
    token: Option<String>,
}

impl Client {
    fn new(sandbox: &Sandbox) -> Client {
        Client::with_token(sandbox, Some(TOKEN))
    }

    fn with_token(sandbox: &Sandbox, token: Option<&str>) -> Client {
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .new_agent();
        Client {
            agent,
            base: sandbox.url(),
            token: token.map(str::to_owned),
        }
    }

    fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in extra {
            builder = builder.header(*name, *value);
        }
        let response = match body {
            Some(body) => self.agent.run(
                builder
                    .header("Content-Type", "application/json")
                    .body(body.to_vec())
                    .unwrap(),
            ),
            None => self.agent.run(builder.body(()).unwrap()),
        };
        let mut response = response.expect("the sandbox answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (correlation_id, content_type) =
            (header("inin-correlation-id"), header("content-type"));
        let (retry_after, allow) = (header("retry-after"), header("allow"));
        let status = response.status().as_u16();
        let raw_body = response.body_mut().read_to_string().unwrap();
        let body = if raw_body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&raw_body).expect("a JSON body")
        };
        Answer {
            status,
            body,
            raw_body,
            correlation_id,
            content_type,
            retry_after,
            allow,
        }
    }

    fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[])
    }

    fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None, &[])
    }

    fn with_body(&self, method: Method, path: &str, body: &Value) -> Answer {
        self.send(method, path, Some(body.to_string().as_bytes()), &[])
    }

    /// `method` with a JSON body, expecting `200`; the body.
    fn ok(&self, method: Method, path: &str, body: &Value) -> Value {
        let answer = self.with_body(method.clone(), path, body);
        assert_eq!(answer.status, 200, "{method} {path}: {}", answer.raw_body);
        answer.body
    }

    /// `GET`, expecting `200`; the body.
    fn read(&self, path: &str) -> Value {
        let answer = self.get(path);
        assert_eq!(answer.status, 200, "GET {path}: {}", answer.raw_body);
        answer.body
    }

    /// Asks `POST /oauth/token` with HTTP Basic credentials and a form body.
    fn token_request(&self, id: &str, secret: &str, form: &str) -> Answer {
        let basic = format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")));
        let headers = [
            ("Authorization", basic.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ];
        let client = Client {
            agent: self.agent.clone(),
            base: self.base.clone(),
            token: None,
        };
        client.send(
            Method::POST,
            "/oauth/token",
            Some(form.as_bytes()),
            &headers,
        )
    }
}

/// The id of the primary definition of `system_presence` (new-API spelling).
fn primary_definition(client: &Client, system_presence: &str) -> String {
    let listing = client.read("/api/v2/presence/definitions");
    listing["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["systemPresence"] == system_presence && d["type"] == "System")
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .expect("a primary definition")
}

fn assert_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.raw_body);
    assert_eq!(answer.body["status"], status);
    assert_eq!(answer.body["code"], code);
    assert!(answer.body["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(
        answer.body["contextId"].as_str(),
        answer.correlation_id.as_deref()
    );
}

#[test]
fn system_presences_and_seeded_definitions() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);

    let system = client.read("/api/v2/systempresences");
    let ids: Vec<&str> = system
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "AVAILABLE",
            "AWAY",
            "BUSY",
            "OFFLINE",
            "IDLE",
            "ON_QUEUE",
            "MEAL",
            "TRAINING",
            "MEETING",
            "BREAK"
        ]
    );
    assert_eq!(system[5]["name"], "On Queue");

    let current = client.read("/api/v2/presence/definitions");
    assert_eq!(current["total"], 10);
    let on_queue = &current["entities"][5];
    assert_eq!(on_queue["systemPresence"], "OnQueue");
    assert_eq!(on_queue["type"], "System");
    assert_eq!(on_queue["languageLabels"], json!({"en_US": "On Queue"}));

    let legacy = client.read("/api/v2/presencedefinitions");
    assert_eq!(legacy["pageSize"], 25);
    assert_eq!(legacy["pageCount"], 1);
    assert!(legacy.get("nextUri").is_none() && legacy.get("previousUri").is_none());
    let legacy_on_queue = &legacy["entities"][5];
    assert_eq!(legacy_on_queue["id"], on_queue["id"]);
    assert_eq!(legacy_on_queue["systemPresence"], "On Queue");
    assert_eq!(legacy_on_queue["primary"], true);
    assert_eq!(legacy_on_queue["deactivated"], false);

    // Ids are derived, not random: a second sandbox has the same ones.
    let other = default_sandbox();
    assert_eq!(
        Client::new(&other).read("/api/v2/presence/definitions")["entities"],
        current["entities"]
    );
}

#[test]
fn definitions_flow_through_both_apis() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);

    // Deprecated API: create, read, update, delete.
    let created = client.ok(
        Method::POST,
        "/api/v2/presencedefinitions",
        &json!({"languageLabels": {"en_US": "Lunch", "fr_FR": "Déjeuner"}, "systemPresence": "Meal"}),
    );
    let legacy_id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["primary"], false);
    assert_eq!(
        created["selfUri"],
        format!("/api/v2/presencedefinitions/{legacy_id}")
    );
    let read = client.read(&format!(
        "/api/v2/presencedefinitions/{legacy_id}?localeCode=fr_FR"
    ));
    assert_eq!(read["languageLabels"], json!({"fr_FR": "Déjeuner"}));
    let updated = client.ok(
        Method::PUT,
        &format!("/api/v2/presencedefinitions/{legacy_id}"),
        &json!({"languageLabels": {"en_US": "Long lunch"}, "systemPresence": "Meal"}),
    );
    assert_eq!(updated["languageLabels"], json!({"en_US": "Long lunch"}));
    let deleted = client.delete(&format!("/api/v2/presencedefinitions/{legacy_id}"));
    assert_eq!((deleted.status, deleted.raw_body.as_str()), (200, ""));

    // Current API over the same store.
    let seen = client.read(&format!("/api/v2/presence/definitions/{legacy_id}"));
    assert_eq!(
        (seen["deactivated"].clone(), seen["type"].clone()),
        (json!(true), json!("User"))
    );
    let created = client.ok(
        Method::POST,
        "/api/v2/presence/definitions",
        &json!({"languageLabels": {"en_US": "Focus"}, "systemPresence": "Busy", "divisionId": "div-2"}),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["selfUri"],
        format!("/api/v2/presence/definitions/{id}")
    );
    assert_eq!(
        client.read(&format!("/api/v2/presence/definitions/{id}"))["divisionId"],
        "div-2"
    );
    let updated = client.ok(
        Method::PUT,
        &format!("/api/v2/presence/definitions/{id}"),
        &json!({"languageLabels": {"en_US": "Deep focus"}}),
    );
    assert_eq!(updated["name"], "Deep focus");
    let by_division = client.read("/api/v2/presence/definitions?divisionId=nowhere,div-2");
    assert_eq!(by_division["total"], 1);
    let deleted = client.delete(&format!("/api/v2/presence/definitions/{id}"));
    assert_eq!((deleted.status, deleted.raw_body.as_str()), (204, ""));

    assert_eq!(
        client.read("/api/v2/presence/definitions?deactivated=TRUE")["total"],
        2
    );
    assert_eq!(
        client.read("/api/v2/presence/definitions?deactivated=false")["total"],
        10
    );
    assert_eq!(client.read("/api/v2/presence/definitions")["total"], 12);
    assert_eq!(client.read("/api/v2/presencedefinitions")["total"], 10);
    assert_eq!(
        client.read("/api/v2/presencedefinitions?deleted=all")["total"],
        12
    );

    // Paging of the deprecated listing.
    let page = client.read("/api/v2/presencedefinitions?pageSize=4&pageNumber=2&deleted=ALL");
    assert_eq!(
        (
            page["pageCount"].clone(),
            page["entities"].as_array().unwrap().len()
        ),
        (json!(3), 4)
    );
    assert_eq!(
        page["nextUri"],
        "/api/v2/presencedefinitions?pageSize=4&pageNumber=3&deleted=ALL"
    );
    assert_eq!(
        page["previousUri"],
        "/api/v2/presencedefinitions?pageSize=4&pageNumber=1&deleted=ALL"
    );
    assert_eq!(
        page["lastUri"],
        "/api/v2/presencedefinitions?pageSize=4&pageNumber=3&deleted=ALL"
    );

    // Rules: primary definitions stay; system presence and parameters are checked.
    let available = primary_definition(&client, "Available");
    assert_error(
        &client.delete(&format!("/api/v2/presence/definitions/{available}")),
        400,
        "bad.request",
    );
    let change = client.with_body(
        Method::PUT,
        &format!("/api/v2/presencedefinitions/{available}"),
        &json!({"systemPresence": "Away"}),
    );
    assert_error(&change, 400, "bad.request");
    let missing = client.with_body(
        Method::POST,
        "/api/v2/presence/definitions",
        &json!({"systemPresence": "Away"}),
    );
    assert_error(&missing, 400, "bad.request");
    assert_error(
        &client.get("/api/v2/presencedefinitions?pageSize=0"),
        400,
        "bad.request",
    );
    assert_error(
        &client.get("/api/v2/presencedefinitions?deleted=maybe"),
        400,
        "bad.request",
    );
    assert_error(
        &client.get("/api/v2/presence/definitions/no-such-id"),
        404,
        "not.found",
    );
}

#[test]
fn sources_settings_and_user_presence_flow() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);
    let sources = client.read("/api/v2/presence/sources");
    assert_eq!(sources["total"], 1);
    let purecloud = sources["entities"][0].clone();
    assert_eq!(
        (purecloud["name"].clone(), purecloud["type"].clone()),
        (json!("PURECLOUD"), json!("System"))
    );
    let purecloud_id = purecloud["id"].as_str().unwrap().to_owned();

    // A new user starts Offline on PURECLOUD, which is their primary source.
    let user = "user/1"; // a slash in an id stays inside its path segment
    let users_path = "/api/v2/users/user%2F1/presences";
    let presence = client.read(&format!("{users_path}/purecloud"));
    assert_eq!(presence["presenceDefinition"]["systemPresence"], "Offline");
    assert_eq!(
        (presence["source"].clone(), presence["primary"].clone()),
        (json!("PURECLOUD"), json!(true))
    );
    assert_eq!(presence["sourceId"], purecloud_id.as_str());
    assert_eq!(presence["id"], user);
    assert_eq!(presence["selfUri"], format!("{users_path}/purecloud"));

    // Options 2 and 3 of PATCH on PURECLOUD.
    let available = primary_definition(&client, "Available");
    let patched = client.ok(
        Method::PATCH,
        &format!("{users_path}/purecloud"),
        &json!({"presenceDefinition": {"id": available}, "message": "at my desk"}),
    );
    assert_eq!(patched["presenceDefinition"]["id"], available.as_str());
    assert_eq!(patched["presenceDefinition"]["systemPresence"], "Available");
    assert_eq!(patched["message"], "at my desk");
    let modified = patched["modifiedDate"].as_str().unwrap();
    assert!(
        modified.len() == 24 && modified.ends_with('Z') && &modified[10..11] == "T",
        "{modified}"
    );

    // A custom source, and option 1 (primary) on it.
    let source = client.ok(
        Method::POST,
        "/api/v2/presence/sources",
        &json!({"name": "Calendar", "description": "sync"}),
    );
    let source_id = source["id"].as_str().unwrap().to_owned();
    assert_eq!(source["type"], "User");
    let duplicate = client.with_body(
        Method::POST,
        "/api/v2/presence/sources",
        &json!({"name": "calendar"}),
    );
    assert_error(&duplicate, 409, "conflict");
    assert_eq!(
        client.read(&format!("/api/v2/presence/sources/{source_id}"))["description"],
        "sync"
    );
    let renamed = client.ok(
        Method::PUT,
        &format!("/api/v2/presence/sources/{source_id}"),
        &json!({"name": "Outlook Calendar"}),
    );
    assert_eq!(
        (renamed["name"].clone(), renamed["description"].clone()),
        (json!("Outlook Calendar"), json!("sync"))
    );
    assert_eq!(
        client.read(&format!("{users_path}/{source_id}"))["presenceDefinition"]["systemPresence"],
        "Offline"
    );
    let meeting = primary_definition(&client, "Meeting");
    let patched = client.ok(
        Method::PATCH,
        &format!("{users_path}/{source_id}"),
        &json!({"primary": true, "presenceDefinition": {"id": meeting}}),
    );
    assert_eq!(
        (patched["primary"].clone(), patched["source"].clone()),
        (json!(true), json!("Outlook Calendar"))
    );
    assert_eq!(
        client.read(&format!("{users_path}/purecloud"))["primary"],
        false
    );

    // Primary source.
    let primary_path = "/api/v2/presence/users/user%2F1/primarysource";
    assert_eq!(client.read(primary_path)["sourceId"], source_id.as_str());
    let put = client.ok(
        Method::PUT,
        primary_path,
        &json!({"sourceId": purecloud_id}),
    );
    assert_eq!(
        (put["sourceId"].clone(), put["id"].clone()),
        (json!(purecloud_id), json!(user))
    );
    let unknown = client.with_body(Method::PUT, primary_path, &json!({"sourceId": "nope"}));
    assert_error(&unknown, 400, "bad.request");

    // Settings: a default primary source for users created from now on.
    let settings = client.read("/api/v2/presence/settings");
    assert_eq!(settings["restorePresenceSettings"]["enabled"], false);
    let put = client.ok(
        Method::PUT,
        "/api/v2/presence/settings",
        &json!({"defaultPrimaryPresenceRegisteredSourceId": source_id, "restorePresenceSettings": {"enabled": true}}),
    );
    assert_eq!(
        put["restorePresenceSettings"],
        json!({"enabled": true, "restoreTimeMilliseconds": 0, "restoreOnQueueEnabled": false})
    );
    assert_eq!(
        client.read("/api/v2/presence/users/newcomer/primarysource")["sourceId"],
        source_id.as_str()
    );

    // Deleting the source: 204, listed only as deactivated, users fall back to PURECLOUD.
    let deleted = client.delete(&format!("/api/v2/presence/sources/{source_id}"));
    assert_eq!((deleted.status, deleted.raw_body.as_str()), (204, ""));
    assert_eq!(client.read("/api/v2/presence/sources")["total"], 1);
    assert_eq!(
        client.read("/api/v2/presence/sources?deactivated=true")["total"],
        1
    );
    assert_eq!(
        client.read("/api/v2/presence/users/newcomer/primarysource")["sourceId"],
        purecloud_id.as_str()
    );
    assert_error(
        &client.get(&format!("{users_path}/{source_id}")),
        404,
        "not.found",
    );
    assert_error(
        &client.delete(&format!("/api/v2/presence/sources/{purecloud_id}")),
        400,
        "bad.request",
    );
}

#[test]
fn bulk_reads_and_writes() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);
    let busy = primary_definition(&client, "Busy");
    let source = client.ok(
        Method::POST,
        "/api/v2/presence/sources",
        &json!({"name": "Phone"}),
    );
    let source_id = source["id"].as_str().unwrap();

    let written = client.ok(
        Method::PUT,
        "/api/v2/users/presences/bulk",
        &json!([
            {"id": "a", "source": "PURECLOUD", "presenceDefinition": {"id": busy}},
            {"id": "b", "sourceId": source_id, "message": "on a call"},
            {"id": "c,d", "presenceDefinition": {"id": busy}}
        ]),
    );
    assert_eq!(written.as_array().unwrap().len(), 3);
    assert_eq!(written[1]["source"], "Phone");
    assert_eq!(written[1]["message"], "on a call");

    // Comma-joined and repeated ids; `%2C` keeps a comma inside an id.
    let read = client.read("/api/v2/users/presences/purecloud/bulk?id=a,b&id=c%2Cd");
    let rows = read.as_array().unwrap();
    let systems: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["userId"].as_str().unwrap(),
                r["presenceDefinition"]["systemPresence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(systems, [("a", "Busy"), ("b", "Offline"), ("c,d", "Busy")]);
    assert_eq!(rows[0]["source"], "PURECLOUD");
    let by_source = client.read(&format!("/api/v2/users/presences/{source_id}/bulk?id=b"));
    assert_eq!(by_source[0]["message"], "on a call");

    let fifty: Vec<String> = (0..50).map(|i| format!("u{i}")).collect();
    let read = client.read(&format!(
        "/api/v2/users/presences/purecloud/bulk?id={}",
        fifty.join(",")
    ));
    assert_eq!(read.as_array().unwrap().len(), 50);
    let too_many = client.get(&format!(
        "/api/v2/users/presences/purecloud/bulk?id={},u50",
        fifty.join(",")
    ));
    assert_error(&too_many, 400, "bad.request");

    // One bad item rejects the whole batch, and nothing is applied.
    let bad = client.with_body(
        Method::PUT,
        "/api/v2/users/presences/bulk",
        &json!([{"id": "z", "presenceDefinition": {"id": busy}}, {"id": "y", "presenceDefinition": {"id": "nope"}}]),
    );
    assert_error(&bad, 400, "bad.request");
    let z = client.read("/api/v2/users/z/presences/purecloud");
    assert_eq!(z["presenceDefinition"]["systemPresence"], "Offline");
}

#[test]
fn bad_input_is_a_clean_400() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);
    let path = "/api/v2/users/u1/presences/purecloud";
    let unknown = client.with_body(
        Method::PATCH,
        path,
        &json!({"presenceDefinition": {"id": "no-such-definition"}}),
    );
    assert_error(&unknown, 400, "bad.request");
    let wrong_type = client.with_body(Method::PATCH, path, &json!({"primary": "yes"}));
    assert_error(&wrong_type, 400, "bad.request");
    assert!(wrong_type.body["message"]
        .as_str()
        .unwrap()
        .contains("boolean"));
    assert_error(
        &client.with_body(Method::PATCH, path, &json!({})),
        400,
        "bad.request",
    );
    assert_error(
        &client.send(Method::PATCH, path, Some(b"{\"message\": "), &[]),
        400,
        "bad.request",
    );
    assert_error(
        &client.send(Method::PATCH, path, Some(b""), &[]),
        400,
        "bad.request",
    );
    assert_error(
        &client.send(Method::PATCH, path, Some(b"{\"message\": \"\xFF\"}"), &[]),
        400,
        "bad.request",
    );
    assert_error(
        &client.with_body(
            Method::PUT,
            "/api/v2/users/presences/bulk",
            &json!({"id": "x"}),
        ),
        400,
        "bad.request",
    );
    assert_error(
        &client.get("/api/v2/users/%FF/presences/purecloud"),
        400,
        "bad.request",
    );

    let huge = format!("{{\"message\": \"{}\"}}", "x".repeat(11 * 1024 * 1024));
    assert_error(
        &client.send(Method::PATCH, path, Some(huge.as_bytes()), &[]),
        413,
        "request.entity.too.large",
    );
}

#[test]
fn unknown_routes_and_methods() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);
    assert_error(&client.get("/api/v2/nothing/here"), 404, "not.found");
    assert_error(&client.get("/elsewhere"), 404, "not.found");
    let wrong = client.delete("/api/v2/systempresences");
    assert_error(&wrong, 405, "method.not.allowed");
    assert_eq!(wrong.allow.as_deref(), Some("GET"));
    let wrong = client.delete("/api/v2/users/u/presences/purecloud");
    assert_eq!(wrong.allow.as_deref(), Some("GET, PATCH"));
    assert_error(&client.get("/oauth/token"), 405, "method.not.allowed");
}

#[test]
fn oauth_tokens_are_required_and_expire() {
    let sandbox = sandbox_with(|o| {
        o.static_token = None;
        o.token_ttl_secs = 1;
    });
    let anonymous = Client::with_token(&sandbox, None);
    assert_error(
        &anonymous.get("/api/v2/systempresences"),
        401,
        "bad.credentials",
    );
    assert_error(
        &Client::with_token(&sandbox, Some(TOKEN)).get("/api/v2/systempresences"),
        401,
        "bad.credentials",
    );

    let bad = anonymous.token_request("sandbox-client", "wrong", "grant_type=client_credentials");
    assert_eq!(
        (bad.status, bad.body["error"].clone()),
        (400, json!("invalid_client"))
    );
    assert!(bad.body["description"].is_string());
    let grant = anonymous.token_request("sandbox-client", "sandbox-secret", "grant_type=password");
    assert_eq!(
        (grant.status, grant.body["error"].clone()),
        (400, json!("unsupported_grant_type"))
    );

    let issued = anonymous.token_request(
        "sandbox-client",
        "sandbox-secret",
        "grant_type=client_credentials",
    );
    assert_eq!(issued.status, 200, "{}", issued.raw_body);
    assert_eq!(
        (
            issued.body["token_type"].clone(),
            issued.body["expires_in"].clone()
        ),
        (json!("bearer"), json!(1))
    );
    let client = Client::with_token(&sandbox, issued.body["access_token"].as_str());
    assert_eq!(client.get("/api/v2/systempresences").status, 200);
    thread::sleep(Duration::from_millis(1100));
    assert_error(
        &client.get("/api/v2/systempresences"),
        401,
        "bad.credentials",
    );
}

#[test]
fn every_response_has_a_fresh_correlation_id() {
    let sandbox = default_sandbox();
    let client = Client::new(&sandbox);
    let answers = [
        client.get("/api/v2/systempresences"),
        client.get("/api/v2/systempresences"),
        client.get("/api/v2/nowhere"),
        client.delete("/api/v2/systempresences"),
        Client::with_token(&sandbox, None).get("/api/v2/systempresences"),
        client.token_request("x", "y", "grant_type=client_credentials"),
    ];
    let mut ids: Vec<&str> = answers
        .iter()
        .map(|a| a.correlation_id.as_deref().expect("inin-correlation-id"))
        .collect();
    assert!(ids
        .iter()
        .all(|id| id.len() == 36 && id.matches('-').count() == 4));
    assert!(answers
        .iter()
        .all(|a| a.content_type.as_deref() == Some("application/json")));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), answers.len());
}

#[test]
fn faults_are_injected_on_api_routes_only() {
    let sandbox = sandbox_with(|o| {
        o.fault_429_rate = 1.0;
        o.retry_after_secs = 7;
    });
    let client = Client::new(&sandbox);
    let limited = client.get("/api/v2/systempresences");
    assert_error(&limited, 429, "too.many.requests");
    assert_eq!(limited.retry_after.as_deref(), Some("7"));
    let token = client.token_request(
        "sandbox-client",
        "sandbox-secret",
        "grant_type=client_credentials",
    );
    assert_eq!(token.status, 200);

    let sandbox = sandbox_with(|o| o.fault_503_rate = 1.0);
    assert_error(
        &Client::new(&sandbox).get("/api/v2/systempresences"),
        503,
        "service.unavailable",
    );
}

#[test]
fn latency_is_added_and_requests_run_concurrently() {
    let sandbox = sandbox_with(|o| o.latency_ms = 200);
    let started = Instant::now();
    thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                assert_eq!(
                    Client::new(&sandbox).get("/api/v2/systempresences").status,
                    200
                )
            });
        }
    });
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(1000),
        "served one at a time: {elapsed:?}"
    );
}

#[test]
fn dropping_the_sandbox_stops_it() {
    let sandbox = default_sandbox();
    let address = sandbox.address();
    assert_eq!(sandbox.port(), address.port());
    assert_eq!(
        sandbox.url(),
        format!("http://127.0.0.1:{}", sandbox.port())
    );
    drop(sandbox);
    // Drop joins the server's thread, so the listener is already closed.
    assert!(
        TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_err(),
        "still listening after drop"
    );
}

#[test]
fn bad_options_and_taken_ports_are_refused() {
    let refused = Sandbox::start(SandboxOptions {
        fault_429_rate: 1.5,
        ..SandboxOptions::default()
    });
    assert_eq!(
        refused.err().map(|e| e.kind()),
        Some(ErrorKind::InvalidInput)
    );

    let first = default_sandbox();
    let second = Sandbox::start(SandboxOptions {
        port: first.port(),
        ..SandboxOptions::default()
    });
    assert_eq!(second.err().map(|e| e.kind()), Some(ErrorKind::AddrInUse));
}

#[test]
fn binary_announces_its_address_first() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_presence-sandbox"))
        .args(["--port", "0", "--token", "cli-token", "--latency-ms=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let url = first_line
        .trim_end()
        .strip_prefix("listening on ")
        .map(str::to_owned);
    let answer = url.as_ref().map(|url| {
        Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .new_agent()
            .get(format!("{url}/api/v2/systempresences"))
            .header("Authorization", "Bearer cli-token")
            .call()
            .map(|r| r.status().as_u16())
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let url = url.unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(url["http://127.0.0.1:".len()..]
        .parse::<u16>()
        .is_ok_and(|port| port > 0));
    assert_eq!(answer.unwrap().unwrap(), 200);
}

#[test]
fn binary_rejects_bad_flags() {
    for args in [
        &["--bogus"][..],
        &["--port", "x"],
        &["--fault-429-rate", "2"],
        &["--port"],
        &["--rate-limit", "300"],
        &["--rate-limit=0/60s"],
        &["--rate-limit", "20/2h"],
        &["--refresh-token="],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_presence-sandbox"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        // One line that names what was wrong.
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        let flag = args[0].split('=').next().unwrap();
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn the_readme_shows_what_help_prints() {
    let output = Command::new(env!("CARGO_BIN_EXE_presence-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("--workers"), "{help}");
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&format!("```text\n{help}```")),
        "README's sandbox section does not show `presence-sandbox --help` as it prints:\n{help}"
    );
}
