//! Turning an operation and its JSON parameters into the exact request the API
//! expects, after validating everything: nothing is sent for an invalid call.

pub mod helpers;
pub mod table;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::error::{Error, Result};
pub use table::OPERATIONS;
pub use table::{Location, Method, Model, Operation, Param, Payload, Permissions, ValueType};

/// The name of the body parameter in `params_json`.
pub const BODY: &str = "body";

/// The operation table as JSON, for the wrappers' generators and for callers
/// that discover operations at run time.
pub fn table_json() -> Value {
    let payload = |payload: Option<Payload>| match payload {
        None => Value::Null,
        Some(Payload::One(model)) => json!({"model": format!("{model:?}"), "list": false}),
        Some(Payload::List(model)) => json!({"model": format!("{model:?}"), "list": true}),
    };
    let operations: Vec<Value> = OPERATIONS
        .iter()
        .map(|operation| {
            let params: Vec<Value> = operation
                .params
                .iter()
                .map(|param| {
                    let (location, value_type) = match param.location {
                        Location::Path => ("path", "string"),
                        Location::Query(ValueType::Text) => ("query", "string"),
                        Location::Query(ValueType::Integer) => ("query", "integer"),
                        Location::Query(ValueType::TextList) => ("query", "array"),
                    };
                    json!({
                        "name": param.name,
                        "in": location,
                        "type": value_type,
                        "required": location == "path",
                        "description": param.description,
                    })
                })
                .collect();
            let (mode, permissions): (&str, &[&str]) = match operation.permissions {
                Permissions::None => ("none", &[]),
                Permissions::Undocumented => ("undocumented", &[]),
                Permissions::All(list) => ("all", list),
                Permissions::Any(list) => ("any", list),
            };
            json!({
                "operationId": operation.id,
                "function": table::c_function(operation.id),
                "method": operation.method.as_str(),
                "path": operation.path,
                "summary": operation.summary,
                "description": operation.description,
                "params": params,
                "body": payload(operation.body),
                "response": payload(operation.response),
                "permissions": {"mode": mode, "list": permissions},
                "deprecated": operation.replaced_by.is_some(),
                "replacedBy": operation.replaced_by,
                "idempotent": operation.idempotent,
            })
        })
        .collect();
    Value::Array(operations)
}
/// Finds an operation by its `operationId`, exactly as the reference spells it.
pub fn find(operation_id: &str) -> Result<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|operation| operation.id == operation_id)
        .ok_or_else(|| {
            let hint = OPERATIONS
                .iter()
                .find(|operation| operation.id.eq_ignore_ascii_case(operation_id))
                .map(|operation| format!(" (did you mean {}?)", operation.id))
                .unwrap_or_default();
            Error::invalid_argument(format!("unknown operation {operation_id:?}{hint}"))
        })
}

/// The largest `params_json` accepted: far above any real request (a 50-user
/// bulk update is ~10 KB), low enough that hostile input cannot exhaust memory.
pub const MAX_PARAMS_BYTES: usize = 16 * 1024 * 1024;

/// An operation's parameters as given: each name with its value's JSON text,
/// borrowed from `params_json`, so that a body is checked and sent as the
/// caller wrote it rather than parsed into a tree and serialised again.
pub type Params<'a> = BTreeMap<String, &'a RawValue>;

/// Parses `params_json` into [`Params`]: a JSON object; empty text means `{}`.
pub fn parse_params(params_json: &str) -> Result<Params<'_>> {
    let text = params_json.trim_start();
    if text.is_empty() {
        return Ok(Params::new());
    }
    if params_json.len() > MAX_PARAMS_BYTES {
        return Err(Error::invalid_argument(format!(
            "params: {} bytes, more than the {MAX_PARAMS_BYTES} accepted",
            params_json.len()
        )));
    }
    if !text.starts_with('{') {
        return Err(Error::invalid_argument("params: must be a JSON object"));
    }
    serde_json::from_str(text).map_err(|error| Error::invalid_argument(format!("params: {error}")))
}

/// A validated request: what goes after the base URL, and the body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// The percent-encoded path and, if any query parameter was given, `?query`.
    pub path_and_query: String,
    pub body: Option<Vec<u8>>,
}

impl Operation {
    /// Validates `params` against this operation and builds its request.
    ///
    /// A `null` parameter counts as not given. Errors name the operation and the
    /// parameter or body field at fault.
    pub fn prepare(&self, params: &Params) -> Result<Request> {
        let invalid = |what: String| Error::invalid_argument(format!("{}: {what}", self.id));
        if let Some(unknown) = params.keys().find(|name| !self.accepts(name)) {
            let expected: Vec<&str> = self
                .params
                .iter()
                .map(|param| param.name)
                .chain(self.body.map(|_| BODY))
                .collect();
            let expected = if expected.is_empty() {
                "it takes none".to_owned()
            } else {
                format!("expected {}", expected.join(", "))
            };
            return Err(invalid(format!(
                "unknown parameter {unknown:?}; {expected}"
            )));
        }
        let raw = |name: &str| params.get(name).copied().filter(|raw| raw.get() != "null");
        // Path and query values are small: parsed for their type. One that
        // cannot be parsed (nested past serde_json's depth limit) is refused,
        // never taken for "not given" and left out of a request that is sent.
        let given = |name: &str| {
            raw(name)
                .map(|raw| serde_json::from_str::<Value>(raw.get()))
                .transpose()
                .map_err(|error| invalid(format!("{name}: {error}")))
        };

        let mut path_and_query = String::with_capacity(self.path.len() + 64);
        let mut template = self.path;
        while let Some(start) = template.find('{') {
            let end = start
                + template[start..]
                    .find('}')
                    .expect("table paths are well formed");
            let name = &template[start + 1..end];
            path_and_query.push_str(&template[..start]);
            let value = match given(name)? {
                Some(Value::String(text)) if !text.is_empty() => text,
                Some(Value::String(_)) => return Err(invalid(format!("{name} must not be empty"))),
                Some(other) => {
                    return Err(invalid(format!(
                        "{name} must be a string, not {}",
                        json_type(&other)
                    )))
                }
                None => return Err(invalid(format!("missing required parameter {name}"))),
            };
            if value.bytes().all(|b| b == b'.') && value.len() <= 2 {
                // A "." or ".." segment would be resolved away by servers and proxies.
                return Err(invalid(format!("{name} must not be {value:?}")));
            }
            push_encoded(&mut path_and_query, &value);
            template = &template[end + 1..];
        }
        path_and_query.push_str(template);

        let mut separator = '?';
        for param in self.params {
            let Location::Query(value_type) = param.location else {
                continue;
            };
            let Some(value) = given(param.name)? else {
                continue;
            };
            let start = path_and_query.len();
            path_and_query.push(separator);
            path_and_query.push_str(param.name);
            path_and_query.push('=');
            let rendered = push_query_value(&mut path_and_query, value_type, &value);
            match rendered {
                Ok(true) => separator = '&',
                // An empty list is the same as no list.
                Ok(false) => path_and_query.truncate(start),
                Err(expected) => {
                    return Err(invalid(format!(
                        "{} must be {expected}, not {}",
                        param.name,
                        json_type(&value)
                    )))
                }
            }
        }

        let body = match (self.body, raw(BODY)) {
            (None, _) => None,
            (Some(_), None) => return Err(invalid(format!("missing required parameter {BODY}"))),
            (Some(payload), Some(body)) => {
                payload
                    .check(body.get())
                    .map_err(|why| invalid(format!("{BODY}{why}")))?;
                Some(body.get().as_bytes().to_vec())
            }
        };

        Ok(Request {
            method: self.method,
            path_and_query,
            body,
        })
    }

    fn accepts(&self, name: &str) -> bool {
        (name == BODY && self.body.is_some()) || self.params.iter().any(|param| param.name == name)
    }
}

/// Appends a query value; `Ok(false)` for an empty list, `Err(expected type)`
/// for a value of the wrong JSON type.
fn push_query_value(
    out: &mut String,
    value_type: ValueType,
    value: &Value,
) -> Result<bool, &'static str> {
    match (value_type, value) {
        (ValueType::Text, Value::String(text)) => push_encoded(out, text),
        (ValueType::Text, Value::Bool(flag)) => out.push_str(if *flag { "true" } else { "false" }),
        (ValueType::Text, _) => return Err("a string"),
        (ValueType::Integer, Value::Number(number)) if number.is_i64() || number.is_u64() => {
            let _ = write!(out, "{number}");
        }
        (ValueType::Integer, _) => return Err("an integer"),
        (ValueType::TextList, Value::Array(items)) => {
            if items.is_empty() {
                return Ok(false);
            }
            for (index, item) in items.iter().enumerate() {
                let Value::String(text) = item else {
                    return Err("an array of strings");
                };
                if index > 0 {
                    out.push(',');
                }
                push_encoded(out, text);
            }
        }
        (ValueType::TextList, _) => return Err("an array of strings"),
    }
    Ok(true)
}

/// What is percent-encoded in a path segment or query value: every byte but RFC
/// 3986's unreserved characters, so a value stays inside its segment or value
/// whatever it holds (`/`, `?`, `#`, `%`, `,`, CR/LF, non-ASCII). Python's `quote()`
/// does the same but for `/`. The sandbox decodes with it too.
pub const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn push_encoded(out: &mut String, text: &str) {
    out.extend(utf8_percent_encode(text, ENCODE_SET));
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prepare(operation_id: &str, params: Value) -> Result<Request> {
        let text = params.to_string();
        find(operation_id)?.prepare(&parse_params(&text)?)
    }

    fn message(operation_id: &str, params: Value) -> String {
        prepare(operation_id, params).unwrap_err().message
    }

    #[test]
    fn the_table_matches_its_invariants() {
        let mut ids: Vec<&str> = OPERATIONS.iter().map(|operation| operation.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), OPERATIONS.len(), "an operationId is repeated");
        for operation in OPERATIONS {
            let placeholders = operation.path.matches('{').count();
            let path_params = operation
                .params
                .iter()
                .filter(|param| param.location == Location::Path)
                .count();
            assert_eq!(placeholders, path_params, "{}", operation.id);
            for param in operation.params {
                if param.location == Location::Path {
                    assert!(operation.path.contains(&format!("{{{}}}", param.name)));
                }
            }
            assert_eq!(operation.idempotent, operation.method != Method::Post);
        }
    }

    #[test]
    fn percent_encoding_escapes_every_byte_but_the_unreserved() {
        for text in [
            "",
            "a",
            "é",
            "éa",
            "aé",
            "a日b日",
            "~._-",
            "x y",
            "日本",
            "\u{10348}z",
        ] {
            let mut encoded = String::new();
            push_encoded(&mut encoded, text);
            let expected: String = text
                .bytes()
                .map(|byte| match byte {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        char::from(byte).to_string()
                    }
                    _ => format!("%{byte:02X}"),
                })
                .collect();
            assert_eq!(encoded, expected, "{text:?}");
        }
    }

    #[test]
    fn path_parameters_stay_inside_their_segment() {
        let request = prepare(
            "getUserPresence",
            json!({"userId": "a/../b?c#d%e f\r\né日", "sourceId": "s,1"}),
        )
        .unwrap();
        assert_eq!(
            request.path_and_query,
            "/api/v2/users/a%2F..%2Fb%3Fc%23d%25e%20f%0D%0A%C3%A9%E6%97%A5/presences/s%2C1"
        );
        assert!(message("getUserPresencesPurecloud", json!({"userId": ".."})).contains("userId"));
        assert!(message("getUserPresencesPurecloud", json!({"userId": "."})).contains("userId"));
        assert!(prepare("getUserPresencesPurecloud", json!({"userId": "..."})).is_ok());
    }

    #[test]
    fn query_parameters_in_table_order_omitted_when_not_given() {
        let request = prepare(
            "getPresencedefinitions",
            json!({"localeCode": "en-US", "pageSize": 25, "deleted": true, "pageNumber": null}),
        )
        .unwrap();
        assert_eq!(
            request.path_and_query,
            "/api/v2/presencedefinitions?pageSize=25&deleted=true&localeCode=en-US"
        );
        let request = prepare("getPresencedefinitions", json!({})).unwrap();
        assert_eq!(request.path_and_query, "/api/v2/presencedefinitions");
    }

    #[test]
    fn list_parameters_are_comma_joined_once() {
        let request = prepare(
            "getUsersPresencesPurecloudBulk",
            json!({"id": ["a", "b c", "d,e"]}),
        )
        .unwrap();
        assert_eq!(
            request.path_and_query,
            "/api/v2/users/presences/purecloud/bulk?id=a,b%20c,d%2Ce"
        );
        let request = prepare(
            "getPresenceDefinitions",
            json!({"divisionId": [], "deactivated": "false"}),
        )
        .unwrap();
        assert_eq!(
            request.path_and_query,
            "/api/v2/presence/definitions?deactivated=false"
        );
    }

    #[test]
    fn values_nested_too_deep_to_parse_are_refused_not_dropped() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let query = format!(r#"{{"pageSize": {deep}}}"#);
        let path = format!(r#"{{"sourceId": {deep}}}"#);
        for (operation_id, params, name) in [
            ("getPresencedefinitions", query, "pageSize"),
            ("getPresenceSource", path, "sourceId"),
        ] {
            let error = find(operation_id)
                .unwrap()
                .prepare(&parse_params(&params).unwrap())
                .unwrap_err();
            assert!(
                error
                    .message
                    .contains(&format!("{name}: recursion limit exceeded")),
                "{error}"
            );
        }
    }

    #[test]
    fn wrong_types_name_the_parameter() {
        assert!(
            message("getPresencedefinitions", json!({"pageSize": "ten"}))
                .contains("pageSize must be an integer")
        );
        assert!(message("getPresencedefinitions", json!({"pageSize": 2.5})).contains("pageSize"));
        assert!(
            message("getUsersPresencesPurecloudBulk", json!({"id": [1]}))
                .contains("id must be an array of strings")
        );
        assert!(message("getUserPresencesPurecloud", json!({"userId": 7}))
            .contains("userId must be a string"));
        assert!(message("getUserPresencesPurecloud", json!({"userId": ""}))
            .contains("userId must not be empty"));
        assert!(message("getUserPresencesPurecloud", json!({}))
            .contains("missing required parameter userId"));
        assert!(message("getUserPresencesPurecloud", json!({"userID": "x"}))
            .contains("unknown parameter \"userID\""));
        assert!(message("getSystempresences", json!({"body": {}})).contains("it takes none"));
    }

    #[test]
    fn bodies_are_checked_against_their_model() {
        let patch = |body: Value| {
            message(
                "patchUserPresencesPurecloud",
                json!({"userId": "u", "body": body}),
            )
        };
        assert!(patch(json!({"primary": "yes"})).contains("body.primary: invalid type"));
        assert!(
            patch(json!({"presenceDefinition": {"id": 5}})).contains("body.presenceDefinition.id")
        );
        assert!(patch(json!([])).contains("body: invalid type"));
        assert!(
            message("patchUserPresencesPurecloud", json!({"userId": "u"}))
                .contains("missing required parameter body")
        );
        let bulk = |body: Value| message("putUsersPresencesBulk", json!({"body": body}));
        assert!(bulk(json!({"id": "u"})).contains("body: invalid type"));
        assert!(bulk(json!([{"id": "u"}, {"primary": 1}])).contains("body[1].primary"));

        let body = json!({"primary": true, "somethingNew": {"x": [1]}, "presenceDefinition": {"id": "d", "extra": 1}});
        let request = prepare(
            "patchUserPresencesPurecloud",
            json!({"userId": "u", "body": body}),
        )
        .unwrap();
        let sent: Value = serde_json::from_slice(&request.body.unwrap()).unwrap();
        assert_eq!(sent, body, "unknown fields pass through untouched");
    }

    #[test]
    fn unknown_operations_are_refused_with_a_hint() {
        assert_eq!(
            find("getSystempresences").unwrap().path,
            "/api/v2/systempresences"
        );
        assert!(find("nope")
            .unwrap_err()
            .message
            .contains("unknown operation \"nope\""));
        assert!(find("getsystempresences")
            .unwrap_err()
            .message
            .contains("did you mean getSystempresences"));
    }

    #[test]
    fn params_must_be_a_json_object() {
        assert!(parse_params("").unwrap().is_empty());
        assert!(parse_params("  ").unwrap().is_empty());
        assert!(parse_params("[]")
            .unwrap_err()
            .message
            .contains("JSON object"));
        assert!(parse_params("{\"a\":")
            .unwrap_err()
            .message
            .starts_with("params: "));
    }
}
