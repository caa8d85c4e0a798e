//! The second table, beside the operations': the helpers past the API's per-request
//! limits (any number of users in one call, every page of a listing).
//!
//! Each row is a C function of `src/ffi/bulk.rs` and the params it accepts; the
//! wrappers' helper methods and the README's helper table are generated from it
//! (`tools/generate.py`, through `gp_helpers_json`). Adding a helper is adding its
//! row here and its body in `src/ffi/bulk.rs`.

use serde_json::{json, Value};

use super::table::{Model, ValueType};

/// What a helper parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelperInput {
    /// A required array of strings.
    RequiredList,
    /// A required JSON array of `Model` objects.
    Body(Model),
    /// An optional value.
    Optional(ValueType),
}

/// One parameter of a helper's params JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelperParam {
    pub name: &'static str,
    pub input: HelperInput,
    pub description: &'static str,
}

/// One helper: its C function and what it takes and answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Helper {
    /// The helper's name in the wrappers' casing scheme, as an `operationId` is.
    pub id: &'static str,
    /// The C function, in `src/ffi/bulk.rs`.
    pub function: &'static str,
    /// What it does, in one or two sentences.
    pub summary: &'static str,
    pub params: &'static [HelperParam],
    /// It answers one JSON array of these.
    pub response: Model,
}

const CONCURRENCY: HelperParam = HelperParam {
    name: "concurrency",
    input: HelperInput::Optional(ValueType::Integer),
    description: "requests in flight at once, 1 to 64 (default 8)",
};

pub static HELPERS: &[Helper] = &[
    Helper {
        id: "getUsersPresencesBulkAll",
        function: "gp_get_users_presences_bulk_all",
        summary: "The presence of any number of users in one call: one \
                  `getUsersPresencesPurecloudBulk` (or `getUsersPresenceBulk`) per 50 ids, \
                  `concurrency` at a time over the pooled connections, each retried as \
                  configured; one array in the order of `id` (users the API does not \
                  return are absent).",
        params: &[
            HelperParam {
                name: "id",
                input: HelperInput::RequiredList,
                description: "the user ids, as many as needed",
            },
            HelperParam {
                name: "sourceId",
                input: HelperInput::Optional(ValueType::Text),
                description: "another source than PURECLOUD",
            },
            CONCURRENCY,
        ],
        response: Model::UcUserPresence,
    },
    Helper {
        id: "putUsersPresencesBulkAll",
        function: "gp_put_users_presences_bulk_all",
        summary: "Sets the presence of any number of users in one call: `putUsersPresencesBulk` \
                  50 entries at a time, `concurrency` at once; the answers concatenated. Every \
                  request is tried; when some users are not set, the error names each one \
                  (`failures`) and carries the answers for the others (`succeeded`).",
        params: &[
            HelperParam {
                name: "body",
                input: HelperInput::Body(Model::MutableUserPresence),
                description: "the changes, as many as needed",
            },
            CONCURRENCY,
        ],
        response: Model::UserPresence,
    },
    Helper {
        id: "getPresencedefinitionsAll",
        function: "gp_get_presencedefinitions_all",
        summary: "Every organization presence definition: all pages of \
                  `getPresencedefinitions`, whose parameters it takes but `pageNumber`.",
        params: &[
            HelperParam {
                name: "pageSize",
                input: HelperInput::Optional(ValueType::Integer),
                description: "entries per request (default 100)",
            },
            HelperParam {
                name: "deleted",
                input: HelperInput::Optional(ValueType::Text),
                description: "`true`, `false` or `all`: which definitions, by deletion",
            },
            HelperParam {
                name: "localeCode",
                input: HelperInput::Optional(ValueType::Text),
                description: "the locale of the definitions' labels",
            },
        ],
        response: Model::OrganizationPresence,
    },
];

/// The helper whose C function is `function`.
pub fn helper(function: &str) -> Option<&'static Helper> {
    HELPERS.iter().find(|helper| helper.function == function)
}

/// The helper named `id` (`getUsersPresencesBulkAll`, ...).
pub fn helper_by_id(id: &str) -> Option<&'static Helper> {
    HELPERS.iter().find(|helper| helper.id == id)
}

/// The helper table as JSON (`gp_helpers_json`), for the wrappers' generator.
pub fn helpers_json() -> Value {
    let helpers: Vec<Value> = HELPERS
        .iter()
        .map(|helper| {
            let params: Vec<Value> = helper
                .params
                .iter()
                .map(|param| {
                    let (value_type, required, model) = match param.input {
                        HelperInput::RequiredList => ("array", true, None),
                        HelperInput::Body(model) => ("body", true, Some(format!("{model:?}"))),
                        HelperInput::Optional(ValueType::Text) => ("string", false, None),
                        HelperInput::Optional(ValueType::Integer) => ("integer", false, None),
                        HelperInput::Optional(ValueType::TextList) => ("array", false, None),
                    };
                    json!({
                        "name": param.name,
                        "type": value_type,
                        "required": required,
                        "model": model,
                        "description": param.description,
                    })
                })
                .collect();
            json!({
                "name": helper.id,
                "function": helper.function,
                "summary": helper.summary,
                "params": params,
                "response": format!("{:?}", helper.response),
            })
        })
        .collect();
    Value::Array(helpers)
}
