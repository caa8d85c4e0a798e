//! The sandbox's routes over real HTTP, driven with `ureq`: every operation's
//! behaviour, bulk limits and bad input.

mod common;

use common::client::{assert_error, primary_definition, Client};
use common::default_sandbox;
use serde_json::json;
use ureq::http::Method;

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
