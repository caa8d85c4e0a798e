//! Presence sources: `/api/v2/presence/sources`. The built-in `PURECLOUD` source is
//! read-only; the ones created here can be renamed and deleted (deactivated).

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::reply::{ApiError, Reply};
use super::routes::Call;
use super::state::{Origin, Source, State};
use super::uri;

/// The writable fields of `Source`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SourceBody {
    name: Option<String>,
    description: Option<String>,
    deactivated: Option<bool>,
}

fn render(source: &Source) -> Value {
    let mut body = Map::new();
    body.insert("id".into(), source.id.clone().into());
    body.insert("name".into(), source.name.clone().into());
    if let Some(description) = &source.description {
        body.insert("description".into(), description.clone().into());
    }
    body.insert("type".into(), source.origin.as_str().into());
    body.insert("deactivated".into(), source.deactivated.into());
    body.insert(
        "selfUri".into(),
        format!("/api/v2/presence/sources/{}", uri::encode(&source.id)).into(),
    );
    Value::Object(body)
}

/// A usable name: non-blank, and for a source that will be active, not used by
/// another active source (`409`).
fn check_name(
    state: &State,
    name: &str,
    except: Option<&str>,
    active: bool,
) -> Result<(), ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::bad_request("name must not be blank."));
    }
    if active && state.source_name_taken(name, except) {
        return Err(ApiError::conflict(format!(
            "A presence source named '{name}' already exists."
        )));
    }
    Ok(())
}

/// `GET /api/v2/presence/sources`: `deactivated` = TRUE/FALSE (default FALSE).
pub fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let deactivated = call.request.query_filter("deactivated", Some(false))?;
    let entities: Vec<Value> = state
        .sources
        .iter()
        .filter(|s| deactivated.is_none_or(|wanted| s.deactivated == wanted))
        .map(render)
        .collect();
    Ok(Reply::ok(json!({
        "total": entities.len(),
        "entities": entities,
        "selfUri": "/api/v2/presence/sources",
    })))
}

/// `GET /api/v2/presence/sources/{sourceId}`, deactivated ones included.
pub fn get(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Ok(Reply::ok(render(state.source(call.param("sourceId"))?)))
}

/// `POST /api/v2/presence/sources`: needs a unique `name`.
pub fn create(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let body: SourceBody = call.request.json()?;
    let name = body
        .name
        .ok_or_else(|| ApiError::bad_request("name is required."))?;
    check_name(state, &name, None, true)?;
    let source = Source {
        id: state.new_id(),
        name,
        description: body.description,
        origin: Origin::User,
        deactivated: false,
    };
    let reply = Reply::ok(render(&source));
    state.sources.push(source);
    Ok(reply)
}

/// `PUT /api/v2/presence/sources/{sourceId}`: replaces the fields given.
pub fn update(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let body: SourceBody = call.request.json()?;
    let id = call.param("sourceId");
    let current = state.source(id)?;
    if current.origin == Origin::System {
        return Err(ApiError::bad_request(
            "The built-in PURECLOUD source cannot be changed or deleted.",
        ));
    }
    let name = body.name.unwrap_or_else(|| current.name.clone());
    let deactivated = body.deactivated.unwrap_or(current.deactivated);
    check_name(state, &name, Some(id), !deactivated)?;
    if deactivated {
        state.deactivate_source(id)?;
    }
    let source = state.source_mut(id)?;
    source.name = name;
    source.deactivated = deactivated;
    if body.description.is_some() {
        source.description = body.description;
    }
    Ok(Reply::ok(render(source)))
}

/// `DELETE /api/v2/presence/sources/{sourceId}`: deactivates it; `204`.
pub fn delete(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    state.deactivate_source(call.param("sourceId"))?;
    Ok(Reply::empty(204))
}
