//! Generates, from the operation table (`src/operations/table.rs`, compiled
//! here as it is compiled into the library):
//! - `$OUT_DIR/ffi_operations.rs`: one `extern "C" fn gp_<operation>` each;
//! - `$OUT_DIR/typed_api.rs`: one typed `Client` method each;
//! - `$OUT_DIR/genesys_presence.h`, by cbindgen, from `src/ffi/` and the above
//!   (cbindgen does not expand macros, hence generated source).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

#[allow(dead_code)]
#[path = "src/operations/table.rs"]
mod table;

use table::{
    c_function, snake_case, Location, Operation, Payload, Permissions, ValueType, OPERATIONS,
};

fn main() {
    for input in ["src/operations/table.rs", "src/ffi", "cbindgen.toml"] {
        println!("cargo:rerun-if-changed={input}");
    }
    // The shared library's SONAME carries the major version, as installed
    // (`make install`): libgenesys_presence.so.0 until 1.0.
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libgenesys_presence.so.{major}");
    }
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let ffi_operations = out_dir.join("ffi_operations.rs");
    write_if_changed(&ffi_operations, &ffi_functions());
    write_if_changed(&out_dir.join("typed_api.rs"), &typed_methods());
    generate_header(&ffi_operations, &out_dir.join("genesys_presence.h"));
}

/// The header, in `OUT_DIR` like the rest: the build writes nothing else. `make header`
/// (`tools/header.py`) copies it to `include/`, where it is committed.
fn generate_header(ffi_operations: &Path, header_path: &Path) {
    let mut config = cbindgen::Config::from_file("cbindgen.toml").expect("cbindgen.toml is valid");
    // The version, for preprocessor checks: equal to what gp_version() returns.
    let version =
        |part: &str| env::var(format!("CARGO_PKG_VERSION_{part}")).expect("cargo sets it");
    config.after_includes = Some(format!(
        "\n/* The version of this header; gp_version() returns the library's. */\n\
         #define GP_VERSION_MAJOR {}\n#define GP_VERSION_MINOR {}\n#define GP_VERSION_PATCH {}\n\
         #define GP_VERSION_STRING \"{}\"",
        version("MAJOR"),
        version("MINOR"),
        version("PATCH"),
        env::var("CARGO_PKG_VERSION").expect("cargo sets it"),
    ));
    // cbindgen follows `mod` declarations from here through all of src/ffi.
    let builder = cbindgen::Builder::new()
        .with_config(config)
        .with_src("src/ffi/mod.rs")
        .with_src(ffi_operations);
    let mut header = Vec::new();
    builder
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut header);
    write_if_changed(
        header_path,
        &String::from_utf8(header).expect("UTF-8 header"),
    );
}

/// Writes only on change, so an unchanged build stays a no-op.
fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents)
            .unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
    }
}

fn payload_text(payload: Payload) -> String {
    match payload {
        Payload::One(model) => format!("one `{model:?}` object"),
        Payload::List(model) => format!("a JSON array of `{model:?}` objects"),
    }
}

/// The doc comment shared by an operation's C function and typed method.
fn operation_doc(operation: &Operation, c_names: bool) -> String {
    let mut lines = vec![
        format!("{}.", operation.summary.trim_end_matches('.')),
        String::new(),
        format!(
            "`{} {}` (operation `{}`).",
            operation.method.as_str(),
            operation.path,
            operation.id
        ),
    ];
    if let Some(replacement) = operation.replaced_by {
        lines.push(format!("Deprecated by the API: use `{replacement}`."));
    }
    if let Some(description) = operation.description {
        lines.extend([String::new(), description.to_owned()]);
    }
    lines.push(String::new());
    let name = |api_name: &str| {
        if c_names {
            api_name.to_owned()
        } else {
            snake_case(api_name)
        }
    };
    if operation.params.is_empty() && operation.body.is_none() {
        lines.push("Parameters: none.".to_owned());
    } else {
        lines.push(
            if c_names {
                "Parameters (keys of `params_json`):"
            } else {
                "Parameters:"
            }
            .to_owned(),
        );
        for param in operation.params {
            let kind = match param.location {
                Location::Path => "path, required, string".to_owned(),
                Location::Query(value) => format!("query, optional, {}", value_type_text(value)),
            };
            lines.push(format!(
                "- `{}` ({kind}): {}",
                name(param.name),
                param.description
            ));
        }
        if let Some(body) = operation.body {
            lines.push(format!("- `body` (required): {}", payload_text(body)));
        }
    }
    let returns = operation
        .response
        .map_or("no body (`null`)".to_owned(), payload_text);
    lines.extend([String::new(), format!("Returns: {returns}.")]);
    lines.push(format!(
        "Permissions: {}.",
        permissions_text(operation.permissions)
    ));
    lines
        .iter()
        .map(|line| {
            if line.is_empty() {
                "///\n".to_owned()
            } else {
                format!("/// {line}\n")
            }
        })
        .collect()
}

fn value_type_text(value: ValueType) -> &'static str {
    match value {
        ValueType::Text => "string",
        ValueType::Integer => "integer",
        ValueType::TextList => "array of strings, sent comma-joined",
    }
}

fn permissions_text(permissions: Permissions) -> String {
    match permissions {
        Permissions::None => "none".to_owned(),
        Permissions::Undocumented => "not documented".to_owned(),
        Permissions::All(list) => format!("all of {}", list.join(", ")),
        Permissions::Any(list) => format!("any of {}", list.join(", ")),
    }
}

fn ffi_functions() -> String {
    let mut code =
        String::from("// Generated by build.rs from the operation table; do not edit.\n");
    for (index, operation) in OPERATIONS.iter().enumerate() {
        let _ = write!(
            code,
            "\n{doc}///\n/// Same contract as `gp_call`: NULL or `\"\"` `params_json` means `{{}}`; \
             `*out_json` is always written (NULL `out_json` is `GP_ERROR_INVALID_ARGUMENT`) \
             with the response JSON on `GP_OK`, else an error JSON,\n/// freed by the caller \
             with `gp_string_free`; no pointer is kept; thread-safe.\n\
             #[no_mangle]\n\
             pub unsafe extern \"C\" fn gp_{name}(\n    client: *const gp_client,\n    \
             params_json: *const c_char,\n    out_json: *mut *mut c_char,\n) -> gp_status {{\n    \
             // SAFETY: the caller's pointers are NULL or valid, per the contract above.\n    \
             unsafe {{ call_operation(client, &OPERATIONS[{index}], params_json, out_json) }}\n}}\n",
            doc = operation_doc(operation, true),
            name = snake_case(operation.id),
        );
    }
    code.push_str(
        "\n/// Every per-operation function with its `operationId`, in table order.\n\
         pub static OPERATION_FUNCTIONS: &[(&str, OperationFunction)] = &[\n",
    );
    for operation in OPERATIONS {
        let _ = writeln!(
            code,
            "    ({:?}, {}),",
            operation.id,
            c_function(operation.id)
        );
    }
    code.push_str("];\n");
    code
}

fn rust_payload_type(payload: Option<Payload>, borrowed: bool) -> String {
    match (payload, borrowed) {
        (None, _) => "()".to_owned(),
        (Some(Payload::One(model)), false) => format!("crate::models::{model:?}"),
        (Some(Payload::One(model)), true) => format!("&crate::models::{model:?}"),
        (Some(Payload::List(model)), false) => format!("Vec<crate::models::{model:?}>"),
        (Some(Payload::List(model)), true) => format!("&[crate::models::{model:?}]"),
    }
}

fn typed_methods() -> String {
    let mut code = String::from(
        "// Generated by build.rs from the operation table; do not edit.\n\nimpl Client {",
    );
    for (index, operation) in OPERATIONS.iter().enumerate() {
        let mut arguments = String::new();
        let mut inserts = String::new();
        for param in operation.params {
            let rust_name = snake_case(param.name);
            let (rust_type, optional) = match param.location {
                Location::Path => ("&str", false),
                Location::Query(ValueType::Text) => ("Option<&str>", true),
                Location::Query(ValueType::Integer) => ("Option<i64>", true),
                Location::Query(ValueType::TextList) => ("Option<&[&str]>", true),
            };
            let _ = write!(arguments, ", {rust_name}: {rust_type}");
            let insert = format!(
                "params.insert({:?}.to_owned(), Value::from({rust_name}));",
                param.name
            );
            let _ = if optional {
                write!(inserts, "\n        if let Some({rust_name}) = {rust_name} {{\n            {insert}\n        }}")
            } else {
                write!(inserts, "\n        {insert}")
            };
        }
        if let Some(body) = operation.body {
            let _ = write!(arguments, ", body: {}", rust_payload_type(Some(body), true));
            inserts.push_str("\n        params.insert(\"body\".to_owned(), body_param(body)?);");
        }
        let deprecated = operation
            .replaced_by
            .map(|replacement| format!("    #[deprecated(note = \"use `{replacement}`\")]\n"))
            .unwrap_or_default();
        let doc = operation_doc(operation, false).replace("///", "    ///");
        let _ = write!(
            code,
            "\n{doc}{deprecated}    pub fn {name}(&self{arguments}) -> Result<{output}> {{\n        \
             #[allow(unused_mut)]\n        let mut params = Map::new();{inserts}\n        \
             self.typed_call(&OPERATIONS[{index}], params)\n    }}\n",
            name = snake_case(operation.id),
            output = rust_payload_type(operation.response, false),
        );
    }
    code.push_str("}\n");
    code
}
