//! The tables (operations, helpers, config keys): as the C ABI hands them out, and
//! every operation and helper listed in the README and declared in the header.

use std::ffi::CStr;

use genesys_presence::config_keys::CONFIG_KEYS;
use genesys_presence::ffi::strings::{gp_config_keys_json, gp_helpers_json};
use genesys_presence::operations::helpers::HELPERS;
use genesys_presence::operations::table::c_function;
use genesys_presence::operations::OPERATIONS;
use serde_json::{json, Value};

#[test]
fn every_operation_is_documented_and_declared() {
    let readme = include_str!("../README.md");
    let header = include_str!("../include/genesys_presence.h");
    for operation in OPERATIONS {
        let function = c_function(operation.id);
        let row = format!("| `{}`", operation.id);
        assert!(readme.contains(&row), "README lacks {}", operation.id);
        assert!(
            readme.contains(&format!("`{function}`")),
            "README lacks {function}"
        );
        assert!(
            header.contains(&format!("gp_status {function}(")),
            "header lacks {function}"
        );
        assert!(header.contains(&format!(
            "`{} {}`",
            operation.method.as_str(),
            operation.path
        )));
    }
}

#[test]
fn every_helper_is_documented_and_declared() {
    let readme = include_str!("../README.md");
    let header = include_str!("../include/genesys_presence.h");
    for helper in HELPERS {
        assert!(
            header.contains(&format!("gp_status {}(", helper.function)),
            "header lacks {}",
            helper.function
        );
        assert!(
            readme.contains(&format!("| `{}` |", helper.function)),
            "README lacks {}",
            helper.function
        );
        assert_eq!(helper.function, c_function(helper.id));
    }
}

#[test]
fn the_helper_table_is_a_static_string_with_every_helper() {
    let first = gp_helpers_json();
    assert_eq!(first, gp_helpers_json(), "one static string");
    let helpers: Value =
        serde_json::from_str(unsafe { CStr::from_ptr(first) }.to_str().unwrap()).unwrap();
    let helpers = helpers.as_array().unwrap();
    assert_eq!(helpers.len(), HELPERS.len());
    for (json, row) in helpers.iter().zip(HELPERS) {
        assert_eq!(json["function"], row.function);
        assert_eq!(json["name"], row.id);
        let params: Vec<&str> = row.params.iter().map(|param| param.name).collect();
        let listed: Vec<&str> = json["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|param| param["name"].as_str().unwrap())
            .collect();
        assert_eq!(listed, params);
    }
    let body = &helpers[1]["params"][0];
    assert_eq!(
        (&body["type"], &body["model"], &body["required"]),
        (&json!("body"), &json!("MutableUserPresence"), &json!(true))
    );
}

#[test]
fn the_config_key_table_is_a_static_string_with_every_key() {
    let first = gp_config_keys_json();
    assert_eq!(first, gp_config_keys_json(), "one static string");
    let keys: Value =
        serde_json::from_str(unsafe { CStr::from_ptr(first) }.to_str().unwrap()).unwrap();
    let names: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["name"].as_str().unwrap())
        .collect();
    let table: Vec<&str> = CONFIG_KEYS.iter().map(|key| key.name).collect();
    assert_eq!(names, table);
    let retry = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["name"] == "retry")
        .unwrap();
    assert_eq!(retry["type"], "object");
    assert_eq!(retry["keys"][0]["name"], "maxRetries");
}
