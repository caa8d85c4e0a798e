//! The typed Rust API and the models: unknown fields and enum values survive a
//! round trip, and typed methods send what `gp_call` sends.

mod common;

use common::{mock_echo, Seen, TOKEN};
use genesys_presence::models::{
    EntityType, MutableUserPresence, OrganizationPresence, OrganizationPresenceDefinition,
    PresenceDefinition, SystemPresenceName, UserPresence,
};
use genesys_presence::{Client, ErrorKind};
use serde_json::{json, Value};

#[test]
fn models_round_trip_unknown_fields_and_enum_values() {
    let wire = json!({
        "id": "def-1",
        "name": "Focus",
        "type": "Team",
        "languageLabels": {"en_US": "Focus", "fr_FR": "Concentration"},
        "systemPresence": "Hyperfocus",
        "divisionId": "div-1",
        "deactivated": false,
        "brandNewField": {"nested": [1, 2, {"deep": true}]},
        "selfUri": "/api/v2/presence/definitions/def-1"
    });
    let definition: OrganizationPresenceDefinition = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(definition.kind, Some(EntityType::Other("Team".into())));
    assert_eq!(
        definition.system_presence,
        Some(SystemPresenceName::Other("Hyperfocus".into()))
    );
    assert_eq!(
        definition.additional["brandNewField"]["nested"][2]["deep"],
        true
    );
    assert_eq!(serde_json::to_value(&definition).unwrap(), wire);

    let known: OrganizationPresenceDefinition =
        serde_json::from_value(json!({"type": "System", "systemPresence": "OnQueue"})).unwrap();
    assert_eq!(
        (known.kind, known.system_presence),
        (Some(EntityType::System), Some(SystemPresenceName::OnQueue))
    );

    // createdBy/modifiedBy keep the whole User JSON.
    let user = json!({"id": "u", "name": "Ann", "chat": {"jabberId": "j"}, "routingStatus": {"status": "IDLE"}});
    let presence = json!({"id": "p", "createdBy": user, "modifiedBy": user, "languageLabels": {}});
    let organization: OrganizationPresence = serde_json::from_value(presence.clone()).unwrap();
    assert_eq!(
        organization.created_by.as_ref().unwrap()["chat"]["jabberId"],
        "j"
    );
    assert_eq!(serde_json::to_value(&organization).unwrap(), presence);
}

#[test]
fn typed_methods_send_what_the_table_says_and_decode_the_answer() {
    let mut server = mockito::Server::new();
    let client =
        Client::from_json(&json!({"basePath": server.url(), "accessToken": TOKEN}).to_string())
            .unwrap();

    let body = UserPresence {
        primary: Some(true),
        message: Some("In a meeting".into()),
        presence_definition: Some(PresenceDefinition {
            id: Some("def-busy".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    server
        .mock("PATCH", "/api/v2/users/u%2F1/presences/purecloud")
        .match_body(mockito::Matcher::Json(json!({
            "primary": true, "message": "In a meeting", "presenceDefinition": {"id": "def-busy"}
        })))
        .with_body(r#"{"id":"u/1","primary":true,"source":"PURECLOUD","x-new":1}"#)
        .create();
    let answer = client.patch_user_presences_purecloud("u/1", &body).unwrap();
    assert_eq!(answer.source.as_deref(), Some("PURECLOUD"));
    assert_eq!(answer.additional["x-new"], 1);

    let _mocks = mock_echo(&mut server, true);
    let updates = [MutableUserPresence {
        id: Some("a".into()),
        source: Some("PURECLOUD".into()),
        ..Default::default()
    }];
    let answer = client.put_users_presences_bulk(&updates).unwrap();
    let seen = Seen::from_echo(&json!([answer[0].additional]));
    assert_eq!(
        (seen.method.as_str(), seen.path_and_query.as_str()),
        ("PUT", "/api/v2/users/presences/bulk")
    );
    assert_eq!(seen.body, Some(json!([{"id": "a", "source": "PURECLOUD"}])));

    server.reset();
    server
        .mock("PUT", "/api/v2/users/presences/bulk")
        .with_body("{}")
        .create();
    let error = client.put_users_presences_bulk(&updates).unwrap_err();
    assert_eq!(
        error.kind,
        ErrorKind::Decode,
        "an object where an array is due: {error}"
    );
}

#[test]
fn typed_query_parameters() {
    let mut server = mockito::Server::new();
    let client =
        Client::from_json(&json!({"basePath": server.url(), "accessToken": TOKEN}).to_string())
            .unwrap();
    let _mocks = mock_echo(&mut server, false);
    #[allow(deprecated)]
    let result = client.get_presencedefinitions(Some(2), None, Some("ALL"), None);
    let listing = result.unwrap();
    let seen = Seen::from_echo(&serde_json::to_value(&listing).unwrap());
    assert_eq!(
        seen.path_and_query,
        "/api/v2/presencedefinitions?pageNumber=2&deleted=ALL"
    );

    let echo: Value = client
        .call(
            "getPresenceDefinitions",
            json!({"divisionId": ["d1", "d2"], "deactivated": false}),
        )
        .unwrap();
    assert_eq!(
        Seen::from_echo(&echo).path_and_query,
        "/api/v2/presence/definitions?deactivated=false&divisionId=d1,d2"
    );
}
