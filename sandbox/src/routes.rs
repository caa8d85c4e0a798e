//! The route table: one row per operation of `spec/operations.json`, matched on the
//! percent-decoded path segments below `/api/v2/`.

use std::sync::{Mutex, PoisonError};

use super::definitions::{self, Shape};
use super::reply::{ApiError, Reply};
use super::request::ApiRequest;
use super::state::State;
use super::{settings, sources, system_presence, users};

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

type Handler = fn(&mut State, &Call) -> Result<Reply, ApiError>;

/// An operation: its method, path below `/api/v2/`, and handler.
pub struct Route {
    method: &'static str,
    pattern: &'static str,
    handler: Handler,
}

const fn route(method: &'static str, pattern: &'static str, handler: Handler) -> Route {
    Route {
        method,
        pattern,
        handler,
    }
}

/// Every operation, each under its `operationId`. Where patterns overlap
/// (`.../presences/purecloud` and `.../presences/{sourceId}`), the literal one comes
/// first and wins.
pub const ROUTES: &[Route] = &[
    // getPresencedefinitions
    route("GET", "presencedefinitions", definitions::list_legacy),
    // postPresencedefinitions
    route("POST", "presencedefinitions", |s, c| {
        definitions::create(s, c, Shape::Legacy)
    }),
    // getPresencedefinition
    route("GET", "presencedefinitions/{presenceId}", |s, c| {
        definitions::get(s, c, Shape::Legacy)
    }),
    // putPresencedefinition
    route("PUT", "presencedefinitions/{presenceId}", |s, c| {
        definitions::update(s, c, Shape::Legacy)
    }),
    // deletePresencedefinition
    route("DELETE", "presencedefinitions/{presenceId}", |s, c| {
        definitions::delete(s, c, Shape::Legacy)
    }),
    // getPresenceDefinitions
    route("GET", "presence/definitions", definitions::list),
    // postPresenceDefinitions
    route("POST", "presence/definitions", |s, c| {
        definitions::create(s, c, Shape::Current)
    }),
    // getPresenceDefinition
    route("GET", "presence/definitions/{definitionId}", |s, c| {
        definitions::get(s, c, Shape::Current)
    }),
    // putPresenceDefinition
    route("PUT", "presence/definitions/{definitionId}", |s, c| {
        definitions::update(s, c, Shape::Current)
    }),
    // deletePresenceDefinition
    route("DELETE", "presence/definitions/{definitionId}", |s, c| {
        definitions::delete(s, c, Shape::Current)
    }),
    // getPresenceSources
    route("GET", "presence/sources", sources::list),
    // postPresenceSources
    route("POST", "presence/sources", sources::create),
    // getPresenceSource
    route("GET", "presence/sources/{sourceId}", sources::get),
    // putPresenceSource
    route("PUT", "presence/sources/{sourceId}", sources::update),
    // deletePresenceSource
    route("DELETE", "presence/sources/{sourceId}", sources::delete),
    // getPresenceSettings
    route("GET", "presence/settings", settings::get),
    // putPresenceSettings
    route("PUT", "presence/settings", settings::put),
    // getPresenceUserPrimarysource
    route(
        "GET",
        "presence/users/{userId}/primarysource",
        users::get_primary_source,
    ),
    // putPresenceUserPrimarysource
    route(
        "PUT",
        "presence/users/{userId}/primarysource",
        users::put_primary_source,
    ),
    // getSystempresences
    route("GET", "systempresences", system_presence::list),
    // putUsersPresencesBulk
    route("PUT", "users/presences/bulk", users::put_bulk),
    // getUsersPresencesPurecloudBulk
    route("GET", "users/presences/purecloud/bulk", users::get_bulk),
    // getUsersPresenceBulk
    route("GET", "users/presences/{sourceId}/bulk", users::get_bulk),
    // getUserPresencesPurecloud
    route("GET", "users/{userId}/presences/purecloud", users::get),
    // patchUserPresencesPurecloud
    route("PATCH", "users/{userId}/presences/purecloud", users::patch),
    // getUserPresence
    route("GET", "users/{userId}/presences/{sourceId}", users::get),
    // patchUserPresence
    route("PATCH", "users/{userId}/presences/{sourceId}", users::patch),
];

/// Answers an authenticated request whose path starts `/api/v2/`; `path` is the rest.
pub fn handle(
    state: &Mutex<State>,
    request: &ApiRequest,
    path: &[String],
) -> Result<Reply, ApiError> {
    let matched: Vec<(&Route, Vec<(&'static str, &str)>)> = ROUTES
        .iter()
        .filter_map(|route| Some((route, match_pattern(route.pattern, path)?)))
        .collect();
    let Some((route, params)) = matched
        .iter()
        .find(|(route, _)| route.method == request.method)
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
    pattern: &'static str,
    path: &'a [String],
) -> Option<Vec<(&'static str, &'a str)>> {
    let parts: Vec<&'static str> = pattern.split('/').collect();
    if parts.len() != path.len() {
        return None;
    }
    let mut params = Vec::new();
    for (part, segment) in parts.into_iter().zip(path) {
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
        let path = segments("users/a/b/presences/purecloud");
        assert_eq!(
            match_pattern("users/{userId}/presences/purecloud", &path),
            None
        );
        let path = segments("users/a%2Fb/presences/x");
        assert_eq!(
            match_pattern("users/{userId}/presences/{sourceId}", &path),
            Some(vec![("userId", "a%2Fb"), ("sourceId", "x")])
        );
        assert_eq!(
            match_pattern(
                "users/{userId}/presences/{sourceId}",
                &segments("users//presences/x")
            ),
            None
        );
    }

    #[test]
    fn every_operation_has_one_route() {
        let mut rows: Vec<(&str, &str)> = ROUTES.iter().map(|r| (r.method, r.pattern)).collect();
        rows.sort_unstable();
        rows.dedup();
        assert_eq!(rows.len(), 27);
    }
}
