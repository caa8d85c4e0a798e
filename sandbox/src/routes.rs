//! The routes: one per operation of the library's table (its method and path), each
//! with this sandbox's handler, matched on the percent-decoded path segments below
//! `/api/v2/`.

use std::sync::{LazyLock, Mutex, PoisonError};

use genesys_presence::operations::{Operation, OPERATIONS};

use super::definitions::{self, Shape};
use super::reply::{ApiError, Reply};
use super::request::ApiRequest;
use super::state::State;
use super::{notifications, settings, sources, system_presence, users};

/// One request as a handler sees it: the request and the path's named parameters.
pub struct Call<'a> {
    pub request: &'a ApiRequest,
    params: Vec<(&'static str, &'a str)>,
}

impl Call<'_> {
    /// The path parameter `name` (e.g. `userId`), decoded.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value)
    }
}

pub type Handler = fn(&mut State, &Call) -> Result<Reply, ApiError>;

/// What the sandbox does for each operation of the library's table, by `operationId`.
/// The methods and paths come from the table itself.
const HANDLERS: &[(&str, Handler)] = &[
    ("getPresencedefinitions", definitions::list_legacy),
    ("postPresencedefinitions", |s, c| {
        definitions::create(s, c, Shape::Legacy)
    }),
    ("getPresencedefinition", |s, c| {
        definitions::get(s, c, Shape::Legacy)
    }),
    ("putPresencedefinition", |s, c| {
        definitions::update(s, c, Shape::Legacy)
    }),
    ("deletePresencedefinition", |s, c| {
        definitions::delete(s, c, Shape::Legacy)
    }),
    ("getPresenceDefinitions", definitions::list),
    ("postPresenceDefinitions", |s, c| {
        definitions::create(s, c, Shape::Current)
    }),
    ("getPresenceDefinition", |s, c| {
        definitions::get(s, c, Shape::Current)
    }),
    ("putPresenceDefinition", |s, c| {
        definitions::update(s, c, Shape::Current)
    }),
    ("deletePresenceDefinition", |s, c| {
        definitions::delete(s, c, Shape::Current)
    }),
    ("getPresenceSources", sources::list),
    ("postPresenceSources", sources::create),
    ("getPresenceSource", sources::get),
    ("putPresenceSource", sources::update),
    ("deletePresenceSource", sources::delete),
    ("getPresenceSettings", settings::get),
    ("putPresenceSettings", settings::put),
    ("getPresenceUserPrimarysource", users::get_primary_source),
    ("putPresenceUserPrimarysource", users::put_primary_source),
    ("getSystempresences", system_presence::list),
    ("putUsersPresencesBulk", users::put_bulk),
    ("getUsersPresencesPurecloudBulk", users::get_bulk),
    ("getUsersPresenceBulk", users::get_bulk),
    ("getUserPresencesPurecloud", users::get),
    ("patchUserPresencesPurecloud", users::patch),
    ("getUserPresence", users::get),
    ("patchUserPresence", users::patch),
];

/// An operation as the router sees it.
struct Route {
    method: &'static str,
    /// The path below `/api/v2/`, split on `/`; `{name}` segments are parameters.
    pattern: Vec<&'static str>,
    handler: Handler,
}

impl Route {
    /// How many segments are literal: where patterns overlap
    /// (`.../presences/purecloud` and `.../presences/{sourceId}`), the more literal wins.
    fn literals(&self) -> usize {
        self.pattern
            .iter()
            .filter(|part| !part.starts_with('{'))
            .count()
    }
}

/// A route for every operation of the table, and the notification routes. An
/// operation the sandbox has no handler for yet is still routed, and answered `501`.
static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    let operations = OPERATIONS.iter().map(|operation| Route {
        method: operation.method.as_str(),
        pattern: api_path(operation).split('/').collect(),
        handler: handler_of(operation.id),
    });
    let notifications = notifications::ROUTES
        .iter()
        .map(|&(method, path, handler)| Route {
            method,
            pattern: path.split('/').collect(),
            handler,
        });
    operations.chain(notifications).collect()
});

/// The operation's path below `/api/v2/`.
fn api_path(operation: &Operation) -> &'static str {
    operation
        .path
        .strip_prefix(API_PREFIX)
        .unwrap_or(operation.path)
}

const API_PREFIX: &str = "/api/v2/";

fn handler_of(operation_id: &str) -> Handler {
    HANDLERS
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map_or(not_implemented, |(_, handler)| *handler)
}

fn not_implemented(_: &mut State, _: &Call) -> Result<Reply, ApiError> {
    Err(ApiError::new(
        501,
        "not.implemented",
        "The sandbox does not implement this operation yet.",
    ))
}

/// Answers an authenticated request whose path starts `/api/v2/`; `path` is the rest.
pub fn handle(
    state: &Mutex<State>,
    request: &ApiRequest,
    path: &[String],
) -> Result<Reply, ApiError> {
    let matched: Vec<(&Route, Vec<(&'static str, &str)>)> = ROUTES
        .iter()
        .filter_map(|route| Some((route, match_pattern(&route.pattern, path)?)))
        .collect();
    let Some((route, params)) = matched
        .iter()
        .filter(|(route, _)| route.method == request.method)
        .max_by_key(|(route, _)| route.literals())
    else {
        if matched.is_empty() {
            return Err(ApiError::not_found("The requested resource was not found."));
        }
        let mut allowed: Vec<&str> = Vec::new();
        for (route, _) in &matched {
            if !allowed.contains(&route.method) {
                allowed.push(route.method);
            }
        }
        return Err(ApiError::method_not_allowed(&allowed));
    };
    let call = Call {
        request,
        params: params.clone(),
    };
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    (route.handler)(&mut state, &call)
}

/// The `{name}` parameters of `pattern` if `path` matches it; parameters must be non-empty.
fn match_pattern<'a>(
    pattern: &[&'static str],
    path: &'a [String],
) -> Option<Vec<(&'static str, &'a str)>> {
    if pattern.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (part, segment) in pattern.iter().zip(path) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) if !segment.is_empty() => params.push((name, segment.as_str())),
            Some(_) => return None,
            None if part == segment => {}
            None => return None,
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Vec<String> {
        path.split('/').map(str::to_owned).collect()
    }

    #[test]
    fn patterns_capture_parameters() {
        let user_source = ["users", "{userId}", "presences", "{sourceId}"];
        let path = segments("users/a/b/presences/purecloud");
        assert_eq!(match_pattern(&user_source, &path), None);
        let path = segments("users/a%2Fb/presences/x");
        assert_eq!(
            match_pattern(&user_source, &path),
            Some(vec![("userId", "a%2Fb"), ("sourceId", "x")])
        );
        assert_eq!(
            match_pattern(&user_source, &segments("users//presences/x")),
            None
        );
    }

    #[test]
    fn every_operation_of_the_table_has_a_route_and_a_handler() {
        assert_eq!(ROUTES.len(), OPERATIONS.len() + notifications::ROUTES.len());
        for operation in OPERATIONS {
            assert!(
                operation.path.starts_with(API_PREFIX),
                "{}: {}",
                operation.id,
                operation.path
            );
            assert!(
                HANDLERS.iter().any(|(id, _)| *id == operation.id),
                "the sandbox has no handler for {}",
                operation.id
            );
        }
        for (id, _) in HANDLERS {
            assert!(
                OPERATIONS.iter().any(|operation| operation.id == *id),
                "a handler for {id}, which the table does not have"
            );
        }
    }

    #[test]
    fn the_more_literal_pattern_wins() {
        let path = segments("users/u/presences/purecloud");
        let best = ROUTES
            .iter()
            .filter(|route| route.method == "GET" && match_pattern(&route.pattern, &path).is_some())
            .max_by_key(|route| route.literals())
            .unwrap();
        assert_eq!(best.pattern.last(), Some(&"purecloud"));
    }
}
