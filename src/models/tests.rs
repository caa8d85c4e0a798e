//! Round trips of every model, unknown fields and enum values kept, and the body
//! shape checks.

use super::*;
use serde_json::json;

/// Every field of every payload model set, nested models included.
fn samples() -> Vec<(Model, Value)> {
    let definition = json!({"id": "d", "systemPresence": "Busy", "selfUri": "/d"});
    let user = json!({"id": "u", "name": "N", "selfUri": "/u"});
    let labels = json!({"en_US": "Busy", "fr": "Occupé"});
    let presence = json!({
        "id": "u", "name": "N", "source": "PURECLOUD", "sourceId": "s", "primary": true,
        "presenceDefinition": definition, "futurePresenceDefinition": definition,
        "message": "m", "modifiedDate": "2024-01-01T00:00:00Z", "selfUri": "/p",
    });
    let organization_presence = json!({
        "id": "o", "name": "N", "languageLabels": labels, "systemPresence": "Busy",
        "deactivated": false, "primary": true, "createdBy": user,
        "createdDate": "2024-01-01T00:00:00Z", "modifiedBy": user,
        "modifiedDate": "2024-01-01T00:00:00Z", "selfUri": "/o",
    });
    let presence_definition = json!({
        "id": "d", "name": "N", "type": "User", "languageLabels": labels,
        "systemPresence": "Meal", "divisionId": "*", "deactivated": false, "selfUri": "/d",
    });
    let source = json!({
        "id": "s", "name": "N", "description": "D", "type": "System",
        "deactivated": false, "selfUri": "/s",
    });
    vec![
        (Model::MutableUserPresence, presence.clone()),
        (Model::UserPresence, presence),
        (Model::OrganizationPresence, organization_presence.clone()),
        (
            Model::OrganizationPresenceDefinition,
            presence_definition.clone(),
        ),
        (
            Model::OrganizationPresenceDefinitionEntityListing,
            json!({"total": 1, "entities": [presence_definition], "selfUri": "/l"}),
        ),
        (
            Model::OrganizationPresenceEntityListing,
            json!({
                "entities": [organization_presence], "pageSize": 25, "pageNumber": 1,
                "total": 1, "lastUri": "/l", "firstUri": "/f", "selfUri": "/s",
                "nextUri": "/n", "previousUri": "/p", "pageCount": 1,
            }),
        ),
        (
            Model::PresenceSettings,
            json!({
                "id": "p", "name": "N", "restorePresenceSettings": {
                    "enabled": true, "restoreTimeMilliseconds": 1000,
                    "restoreOnQueueEnabled": false,
                },
                "requestingOffQueueEnabled": true,
                "defaultPrimaryPresenceRegisteredSourceId": "s", "selfUri": "/p",
            }),
        ),
        (Model::Source, source.clone()),
        (
            Model::SourceEntityListing,
            json!({"total": 1, "entities": [source], "selfUri": "/l"}),
        ),
        (
            Model::SystemPresence,
            json!({"id": "BUSY", "name": "Busy", "selfUri": "/b"}),
        ),
        (
            Model::UcUserPresence,
            json!({
                "id": "u", "name": "N", "userId": "u", "source": "PURECLOUD",
                "sourceId": "s", "presenceDefinition": definition, "message": "m",
                "modifiedDate": "2024-01-01T00:00:00Z", "selfUri": "/p",
            }),
        ),
        (
            Model::UserPrimarySource,
            json!({"id": "p", "name": "N", "sourceId": "s", "registered": true, "selfUri": "/p"}),
        ),
    ]
}

/// The sample with the value at each position in turn replaced by each of
/// `replacements`, plus the replacements themselves at the top.
fn mutations(sample: &Value, replacements: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = replacements.to_vec();
    match sample {
        Value::Object(map) => {
            for (key, value) in map {
                for mutated in mutations(value, replacements) {
                    let mut copy = map.clone();
                    copy.insert(key.clone(), mutated);
                    out.push(Value::Object(copy));
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                for mutated in mutations(item, replacements) {
                    let mut copy = items.clone();
                    copy[index] = mutated;
                    out.push(Value::Array(copy));
                }
            }
        }
        _ => {}
    }
    out
}

fn model_accepts(payload: Payload, json: &str) -> bool {
    let error = payload.check(json).err();
    // The fast path's answer must be the model's own, error or not.
    let mut deserializer = serde_json::Deserializer::from_str(json);
    macro_rules! by_model {
        ($($model:ident),*) => {
            match payload {
                $(
                    Payload::One(Model::$model) => {
                        $model::deserialize(&mut deserializer).map(drop)
                    }
                    Payload::List(Model::$model) => {
                        <Vec<$model>>::deserialize(&mut deserializer).map(drop)
                    }
                )*
            }
        };
    }
    let model_ok = crate::operations::table::for_each_model!(by_model)
        .and_then(|()| deserializer.end())
        .is_ok();
    assert_eq!(error.is_none(), model_ok, "{payload:?} {json}: {error:?}");
    model_ok
}

#[test]
fn checking_a_body_by_its_shape_agrees_with_building_the_model() {
    let replacements = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("s"),
        json!([]),
        json!({}),
        json!(["s"]),
        json!([{}]),
        json!({"id": "x"}),
        json!(9_223_372_036_854_775_807_i64),
        json!(9_223_372_036_854_775_808_u64),
    ];
    let (mut accepted, mut refused) = (0, 0);
    for (model, sample) in samples() {
        assert!(
            model_accepts(Payload::One(model), &sample.to_string()),
            "{model:?}"
        );
        let list = Value::Array(vec![sample.clone(), sample.clone()]);
        for (payload, value) in [(Payload::One(model), sample), (Payload::List(model), list)] {
            for mutated in mutations(&value, &replacements) {
                if model_accepts(payload, &mutated.to_string()) {
                    accepted += 1;
                } else {
                    refused += 1;
                }
            }
        }
    }
    assert!(
        accepted > 1000 && refused > 1000,
        "{accepted} accepted, {refused} refused"
    );
    for text in [
        r#"{"id":"a","id":"b"}"#,
        r#"{"primary":true,"primary":false}"#,
        r#"{"x":1,"x":2}"#,
        r#"{"id":"\u00e9\n"}"#,
        r#"{"id":"\x"}"#,
        r#"{"id":"\ud800"}"#,
        r#"{} x"#,
        r#"{"id":"a"#,
        r#"["a","b"]"#,
        r#"{"presenceDefinition":["d"]}"#,
        r#"{"primary":1e10}"#,
        r#"{"selfUri":"/p","unknown":[1e400]}"#,
        &format!(r#"{{"unknown":{}{}}}"#, "[".repeat(200), "]".repeat(200)),
        "",
        " ",
    ] {
        for model in [Model::MutableUserPresence, Model::PresenceSettings] {
            model_accepts(Payload::One(model), text);
            model_accepts(Payload::List(model), &format!("[{text}]"));
        }
    }
}
