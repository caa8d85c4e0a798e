//! An arbitrary operation id and params JSON: validation either refuses them
//! or builds a request in which every value stays inside its own path segment
//! or query value (the request decodes back to exactly the values given); and
//! `gp_call` agrees: `invalid_argument` when validation refused, otherwise a
//! transport error from the closed port (nothing else, never a panic).
//!
//! Input: the first byte picks one of the table's operations, the rest is the
//! params JSON; a first byte of 0xFF means "operation id, newline, params"
//! instead, to fuzz the lookup by name too.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::CString;
use std::ptr::null_mut;

use common::{c_string, check_answer, shared_client, take_string};
use genesys_presence::ffi::client::{gp_call, gp_client};
use genesys_presence::ffi::{GP_ERROR_INVALID_ARGUMENT, GP_ERROR_TRANSPORT};
use genesys_presence::operations::{
    self, Location, Operation, Params, Request, ValueType, BODY, OPERATIONS,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// One client for the whole run, pointed at a loopback port nobody listens
/// on, without retries: a valid call fails at once with a transport error.
fn client() -> *const gp_client {
    shared_client(|| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();
        format!(
            r#"{{"basePath": "http://127.0.0.1:{port}", "accessToken": "fuzz",
                "connectTimeoutMs": 1000, "timeoutMs": 2000, "retry": {{"maxRetries": 0}}}}"#
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let rest = c_string(rest);
    let rest = rest.as_bytes();
    let (operation_id, params_json) = if selector == 0xFF {
        let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        (&rest[..split], rest.get(split + 1..).unwrap_or_default())
    } else {
        let operation = &OPERATIONS[usize::from(selector) % OPERATIONS.len()];
        (operation.id.as_bytes(), rest)
    };

    let prepared = std::str::from_utf8(operation_id)
        .ok()
        .zip(std::str::from_utf8(params_json).ok())
        .and_then(|(operation_id, params_json)| {
            let operation = operations::find(operation_id).ok()?;
            let params = operations::parse_params(params_json).ok()?;
            let request = operation.prepare(&params).ok()?;
            check_request(operation, &params, &request);
            Some(request)
        });

    let operation_id = CString::new(operation_id).unwrap();
    let params_json = CString::new(params_json).unwrap();
    let mut out = null_mut();
    // SAFETY: a live client and valid strings.
    let status = unsafe {
        gp_call(
            client(),
            operation_id.as_ptr(),
            params_json.as_ptr(),
            &mut out,
        )
    };
    let json = take_string(out).expect("gp_call always answers");
    check_answer(status, &json);
    let expected = match prepared {
        Some(_) => GP_ERROR_TRANSPORT,
        None => GP_ERROR_INVALID_ARGUMENT,
    };
    assert_eq!(status, expected, "{json}");
});

/// The request decodes back to exactly the parameters given: the template's
/// literal segments untouched, one segment per path parameter, the query
/// parameters given (in table order, each once), and the body as given.
fn check_request(operation: &Operation, params: &Params, request: &Request) {
    let target = &request.path_and_query;
    assert!(
        target
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/%?&=,".contains(&b)),
        "only unreserved characters and delimiters on the wire: {target}"
    );
    let raw = |name: &str| params.get(name).copied().filter(|raw| raw.get() != "null");
    let given = |name: &str| raw(name).map(|raw| serde_json::from_str::<Value>(raw.get()).unwrap());
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments: Vec<&str> = path.split('/').collect();
    let template: Vec<&str> = operation.path.split('/').collect();
    assert_eq!(segments.len(), template.len(), "{target}");
    for (segment, template) in segments.iter().zip(&template) {
        match template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) => {
                let value = given(name).expect("a path value");
                let value = value.as_str().expect("a string path value");
                assert_eq!(percent_decode(segment), value.as_bytes(), "{target}");
                assert!(*segment != "." && *segment != "..", "{target}");
            }
            None => assert_eq!(segment, template, "{target}"),
        }
    }

    let mut expected = Vec::new();
    for param in operation.params {
        let Location::Query(value_type) = param.location else {
            continue;
        };
        let Some(value) = given(param.name) else {
            continue;
        };
        let values: Vec<Vec<u8>> = match (value_type, &value) {
            (ValueType::TextList, Value::Array(items)) if items.is_empty() => continue,
            (ValueType::TextList, Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().unwrap().as_bytes().to_vec())
                .collect(),
            (_, Value::String(text)) => vec![text.as_bytes().to_vec()],
            (_, other) => vec![other.to_string().into_bytes()],
        };
        expected.push((param.name, values));
    }
    let actual: Vec<(&str, Vec<Vec<u8>>)> = if query.is_empty() {
        Vec::new()
    } else {
        query
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').expect("name=value");
                (name, value.split(',').map(percent_decode).collect())
            })
            .collect()
    };
    assert_eq!(actual, expected, "{target}");

    match (&request.body, operation.body) {
        (None, None) => {}
        (Some(bytes), Some(_)) => {
            // The body goes out exactly as the caller wrote it.
            let given = raw(BODY).expect("a body was given");
            assert_eq!(bytes, given.get().as_bytes());
            serde_json::from_slice::<serde::de::IgnoredAny>(bytes).expect("the body is JSON");
        }
        (body, payload) => panic!("body {body:?} for payload {payload:?}"),
    }
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).expect("two hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    out
}
