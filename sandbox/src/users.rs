//! Users' presences: per source, in bulk, and each user's primary source.

use axum::extract::ws::Message;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::notifications::presence_topic;
use super::reply::{ApiError, Reply};
use super::routes::Call;
use super::state::{PresenceChange, State};
use super::system_presence::SystemPresence;
use super::uri;

/// The documented cap on ids in one bulk read.
const MAX_BULK_IDS: usize = 50;

/// The `PATCH` body: any of the three documented options, combinable.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PresencePatch {
    /// Option 1: make the source of the path the user's primary one.
    primary: Option<bool>,
    /// Option 2: switch to the definition with this `id`.
    presence_definition: Option<DefinitionRef>,
    /// Option 3: set the status message.
    message: Option<String>,
}

#[derive(Deserialize)]
struct DefinitionRef {
    id: Option<String>,
}

impl PresencePatch {
    fn validate(self, state: &State) -> Result<PresenceChange, ApiError> {
        if self.primary.is_none() && self.presence_definition.is_none() && self.message.is_none() {
            return Err(ApiError::bad_request(
                "Set at least one of primary, presenceDefinition or message.",
            ));
        }
        let definition_id = match self.presence_definition {
            None => None,
            Some(reference) => {
                let id = reference
                    .id
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| ApiError::bad_request("presenceDefinition.id is required."))?;
                state.check_definition_choice(&id)?;
                Some(id)
            }
        };
        Ok(PresenceChange {
            definition_id,
            message: self.message,
            make_primary: self.primary == Some(true),
        })
    }
}

/// One `MutableUserPresence` of a bulk update: a user, a source, and a patch.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkItem {
    id: Option<String>,
    source: Option<String>,
    source_id: Option<String>,
    #[serde(flatten)]
    patch: PresencePatch,
}

impl BulkItem {
    /// The item's `(user id, source id, change)`; the source comes from `sourceId`,
    /// else `source` (a name), else `PURECLOUD`.
    fn validate(self, state: &State) -> Result<(String, String, PresenceChange), ApiError> {
        let user_id = self
            .id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| ApiError::bad_request("id (the user's id) is required."))?;
        let source_id = match (self.source_id, self.source) {
            (Some(id), _) => state.check_source_choice(&id)?.id.clone(),
            (None, Some(name)) => state
                .sources
                .iter()
                .find(|s| !s.deactivated && s.name.eq_ignore_ascii_case(&name))
                .ok_or_else(|| {
                    ApiError::bad_request(format!("Presence source '{name}' does not exist."))
                })?
                .id
                .clone(),
            (None, None) => state.purecloud().id.clone(),
        };
        Ok((user_id, source_id, self.patch.validate(state)?))
    }
}

/// Which model a presence is rendered in.
#[derive(Clone, Copy, PartialEq)]
enum Model {
    UserPresence,
    UcUserPresence,
}

/// A presence as the API answers it, in either model. The fields are in the order
/// serde_json's maps would sort them, so the answers read as they always have.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PresenceView<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    modified_date: &'a str,
    presence_definition: DefinitionView<'a>,
    /// `UserPresence` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    primary: Option<bool>,
    self_uri: String,
    source: &'a str,
    source_id: &'a str,
    /// `UcUserPresence` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionView<'a> {
    id: &'a str,
    self_uri: String,
    system_presence: &'static str,
}

/// The user's presence on the source, creating either as needed, as `model` renders
/// it. Serialized at once: a bulk answer is many of these, and a tree of `Value`s
/// per user would cost more than all the rest of the request.
fn render(
    state: &mut State,
    user_id: &str,
    source_id: &str,
    model: Model,
) -> Result<Box<RawValue>, ApiError> {
    state.presence(user_id, source_id);
    let state = &*state;
    let presence = state
        .users
        .get(user_id)
        .and_then(|user| user.presences.get(source_id))
        .ok_or_else(ApiError::internal)?;
    let primary = state
        .users
        .get(user_id)
        .is_some_and(|user| user.primary_source_id == source_id);
    let system_presence = state
        .definition(&presence.definition_id)
        .map_or(SystemPresence::Offline, |d| d.system_presence);
    let source_segment = if source_id == state.purecloud().id {
        "purecloud".to_owned()
    } else {
        uri::encode(source_id)
    };
    let view = PresenceView {
        id: user_id,
        message: presence.message.as_deref(),
        modified_date: &presence.modified_date,
        presence_definition: DefinitionView {
            id: &presence.definition_id,
            self_uri: format!(
                "/api/v2/presencedefinitions/{}",
                uri::encode(&presence.definition_id)
            ),
            system_presence: system_presence.name(),
        },
        primary: (model == Model::UserPresence).then_some(primary),
        self_uri: format!(
            "/api/v2/users/{}/presences/{source_segment}",
            uri::encode(user_id)
        ),
        source: state.source(source_id).map_or("", |s| s.name.as_str()),
        source_id,
        user_id: (model == Model::UcUserPresence).then_some(user_id),
    };
    serde_json::value::to_raw_value(&view).map_err(|_| ApiError::internal())
}

/// Tells the channels subscribed to `user_id` of the change to their presence on
/// `source_id`, when that is the presence the user shows: their primary source's.
fn notify(state: &mut State, user_id: &str, source_id: &str) {
    if !state.channels.hears(user_id) {
        return;
    }
    let correlation_id = state.new_id();
    let Some(user) = state.users.get(user_id) else {
        return;
    };
    let Some(presence) = user.presences.get(source_id) else {
        return;
    };
    if user.primary_source_id != source_id {
        return;
    }
    let system_presence = state
        .definition(&presence.definition_id)
        .map_or(SystemPresence::Offline, |d| d.system_presence);
    let event = json!({
        "topicName": presence_topic(user_id),
        "version": "2",
        "eventBody": {
            "source": state.source(source_id).map_or("", |s| s.name.as_str()),
            "presenceDefinition": {
                "id": presence.definition_id,
                "systemPresence": system_presence.name(),
            },
            "message": presence.message.as_deref().unwrap_or(""),
            "modifiedDate": presence.modified_date,
        },
        "metadata": {"CorrelationId": correlation_id},
    });
    let message = Message::text(event.to_string());
    state.channels.publish(user_id, &message);
}

/// The source named by the path's `sourceId`, or `PURECLOUD` on the `purecloud` routes.
fn path_source(state: &State, call: &Call) -> Result<String, ApiError> {
    match call.param("sourceId") {
        "" => Ok(state.purecloud().id.clone()),
        id => Ok(state.active_source(id)?.id.clone()),
    }
}

/// `GET /api/v2/users/{userId}/presences/{sourceId}` and `.../purecloud`.
pub fn get(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let source_id = path_source(state, call)?;
    Ok(Reply::ok(render(
        state,
        call.param("userId"),
        &source_id,
        Model::UserPresence,
    )?))
}

/// `PATCH /api/v2/users/{userId}/presences/{sourceId}` and `.../purecloud`.
pub fn patch(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let source_id = path_source(state, call)?;
    let change = call.request.json::<PresencePatch>()?.validate(state)?;
    let user_id = call.param("userId");
    state.apply(user_id, &source_id, change);
    notify(state, user_id, &source_id);
    Ok(Reply::ok(render(
        state,
        user_id,
        &source_id,
        Model::UserPresence,
    )?))
}

/// `GET /api/v2/users/presences/{sourceId}/bulk` and `.../purecloud/bulk`: `id` is a
/// list (comma-joined and/or repeated) of at most 50 distinct user ids.
pub fn get_bulk(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let source_id = path_source(state, call)?;
    let mut ids: Vec<String> = Vec::new();
    for id in call.request.query_list("id") {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_BULK_IDS {
        return Err(ApiError::bad_request(format!(
            "At most {MAX_BULK_IDS} user ids may be requested at once; got {}.",
            ids.len()
        )));
    }
    let presences = ids
        .iter()
        .map(|id| render(state, id, &source_id, Model::UcUserPresence))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reply::ok(presences))
}

/// `PUT /api/v2/users/presences/bulk`: every item is checked before any is applied.
pub fn put_bulk(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let items: Vec<BulkItem> = call.request.json()?;
    let changes = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            item.validate(state).map_err(|e| ApiError {
                message: format!("Item {index}: {}", e.message),
                ..e
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut presences = Vec::with_capacity(changes.len());
    for (user_id, source_id, change) in changes {
        state.apply(&user_id, &source_id, change);
        notify(state, &user_id, &source_id);
        presences.push(render(state, &user_id, &source_id, Model::UserPresence)?);
    }
    Ok(Reply::ok(presences))
}

fn render_primary_source(state: &mut State, user_id: &str) -> Value {
    let source_id = state.user(user_id).primary_source_id.clone();
    let name = state
        .source(&source_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    json!({
        "id": user_id,
        "name": name,
        "sourceId": source_id,
        "registered": true,
        "selfUri": format!("/api/v2/presence/users/{}/primarysource", uri::encode(user_id)),
    })
}

/// `GET /api/v2/presence/users/{userId}/primarysource`.
pub fn get_primary_source(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    Ok(Reply::ok(render_primary_source(
        state,
        call.param("userId"),
    )))
}

/// The `UserPrimarySource` body of a `PUT`; only `sourceId` is writable.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PrimarySourceBody {
    source_id: Option<String>,
}

/// `PUT /api/v2/presence/users/{userId}/primarysource`: `sourceId` must be active.
pub fn put_primary_source(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let body: PrimarySourceBody = call.request.json()?;
    let source_id = body
        .source_id
        .ok_or_else(|| ApiError::bad_request("sourceId is required."))?;
    state.check_source_choice(&source_id)?;
    let user_id = call.param("userId");
    state.user(user_id).primary_source_id = source_id;
    Ok(Reply::ok(render_primary_source(state, user_id)))
}
