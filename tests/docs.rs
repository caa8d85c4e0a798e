//! The README and the header list every operation and every helper of the tables.

use genesys_presence::operations::helpers::HELPERS;
use genesys_presence::operations::table::c_function;
use genesys_presence::operations::OPERATIONS;

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
