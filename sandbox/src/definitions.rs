//! Presence definitions through both of their APIs, over one store: the deprecated
//! `/api/v2/presencedefinitions` (`OrganizationPresence`, paged) and
//! `/api/v2/presence/definitions` (`OrganizationPresenceDefinition`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::clock::now_rfc3339;
use super::reply::{ApiError, Reply};
use super::routes::Call;
use super::state::{Definition, Origin, State};
use super::system_presence::SystemPresence;
use super::uri;

/// Which of the two APIs a request came through; they differ only in JSON shape.
#[derive(Clone, Copy)]
pub enum Shape {
    /// `/api/v2/presencedefinitions`, `OrganizationPresence`.
    Legacy,
    /// `/api/v2/presence/definitions`, `OrganizationPresenceDefinition`.
    Current,
}

impl Shape {
    fn base_path(self) -> &'static str {
        match self {
            Shape::Legacy => "/api/v2/presencedefinitions",
            Shape::Current => "/api/v2/presence/definitions",
        }
    }

    fn id_param(self) -> &'static str {
        match self {
            Shape::Legacy => "presenceId",
            Shape::Current => "definitionId",
        }
    }

    /// `definition` in this API's model, with labels limited to `locale`.
    fn render(self, definition: &Definition, locale: Option<&str>) -> Value {
        let mut body = Map::new();
        body.insert("id".into(), definition.id.clone().into());
        if let Some(name) = definition.display_name() {
            body.insert("name".into(), name.into());
        }
        body.insert(
            "languageLabels".into(),
            json!(labels_for(definition, locale)),
        );
        body.insert("deactivated".into(), definition.deactivated.into());
        match self {
            Shape::Legacy => {
                body.insert(
                    "systemPresence".into(),
                    definition.system_presence.name().into(),
                );
                body.insert("primary".into(), definition.primary.into());
                body.insert("createdDate".into(), definition.created_date.clone().into());
                body.insert(
                    "modifiedDate".into(),
                    definition.modified_date.clone().into(),
                );
            }
            Shape::Current => {
                body.insert(
                    "systemPresence".into(),
                    definition.system_presence.enum_value().into(),
                );
                body.insert("type".into(), definition.origin.as_str().into());
                body.insert("divisionId".into(), definition.division_id.clone().into());
            }
        }
        let self_uri = format!("{}/{}", self.base_path(), uri::encode(&definition.id));
        body.insert("selfUri".into(), self_uri.into());
        Value::Object(body)
    }
}

/// The labels to show: all for no locale or `ALL`, else only the requested one.
fn labels_for<'a>(definition: &'a Definition, locale: Option<&str>) -> BTreeMap<&'a str, &'a str> {
    let wanted = locale.filter(|code| !code.eq_ignore_ascii_case("ALL"));
    definition
        .language_labels
        .iter()
        .filter(|(code, _)| wanted.is_none_or(|w| w.eq_ignore_ascii_case(code)))
        .map(|(code, label)| (code.as_str(), label.as_str()))
        .collect()
}

/// The writable fields of both models; `type`, `primary` and dates are read-only.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefinitionBody {
    name: Option<String>,
    language_labels: Option<BTreeMap<String, String>>,
    system_presence: Option<String>,
    deactivated: Option<bool>,
    division_id: Option<String>,
}

impl DefinitionBody {
    fn labels(&mut self) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        match self.language_labels.take() {
            Some(labels) if labels.is_empty() => {
                Err(ApiError::bad_request("languageLabels must not be empty."))
            }
            labels => Ok(labels),
        }
    }

    fn system_presence(&self) -> Result<Option<SystemPresence>, ApiError> {
        self.system_presence
            .as_deref()
            .map(|text| {
                SystemPresence::parse(text).ok_or_else(|| {
                    ApiError::bad_request(format!("'{text}' is not a system presence."))
                })
            })
            .transpose()
    }
}

/// `GET /api/v2/presencedefinitions`: paged, `deleted` = TRUE/FALSE/ALL (default FALSE).
pub fn list_legacy(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let request = call.request;
    let deleted = request.query_filter("deleted", Some(false))?;
    let locale = request.query_value("localeCode");
    let page_number = request.query_positive("pageNumber", 1)?;
    let page_size = request.query_positive("pageSize", 25)?;

    let matching: Vec<&Definition> = state
        .definitions
        .iter()
        .filter(|d| deleted.is_none_or(|wanted| d.deactivated == wanted))
        .collect();
    let total = matching.len();
    let page_count = total.div_ceil(page_size);
    let entities: Vec<Value> = matching
        .iter()
        .skip((page_number - 1).saturating_mul(page_size))
        .take(page_size)
        .map(|d| Shape::Legacy.render(d, locale))
        .collect();

    let page_uri = |number: usize| {
        let mut pairs = vec![
            ("pageSize", page_size.to_string()),
            ("pageNumber", number.to_string()),
        ];
        for name in ["deleted", "localeCode"] {
            if let Some(value) = request.query_value(name) {
                pairs.push((name, value.to_owned()));
            }
        }
        uri::with_query(Shape::Legacy.base_path(), &pairs)
    };
    let mut body = json!({
        "entities": entities,
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": page_count,
        "firstUri": page_uri(1),
        "lastUri": page_uri(page_count.max(1)),
        "selfUri": page_uri(page_number),
    });
    if page_number < page_count {
        body["nextUri"] = page_uri(page_number + 1).into();
    }
    if page_number > 1 {
        body["previousUri"] = page_uri(page_number - 1).into();
    }
    Ok(Reply::ok(body))
}

/// `GET /api/v2/presence/definitions`: filters `deactivated` (TRUE/FALSE, default all)
/// and `divisionId` (a list).
pub fn list(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let request = call.request;
    let deactivated = request.query_filter("deactivated", None)?;
    let divisions = request.query_list("divisionId");
    let locale = request.query_value("localeCode");
    let entities: Vec<Value> = state
        .definitions
        .iter()
        .filter(|d| deactivated.is_none_or(|wanted| d.deactivated == wanted))
        .filter(|d| divisions.is_empty() || divisions.contains(&d.division_id))
        .map(|d| Shape::Current.render(d, locale))
        .collect();
    Ok(Reply::ok(json!({
        "total": entities.len(),
        "entities": entities,
        "selfUri": Shape::Current.base_path(),
    })))
}

/// `GET` one definition, deactivated ones included.
pub fn get(state: &mut State, call: &Call, shape: Shape) -> Result<Reply, ApiError> {
    let definition = state.definition(call.param(shape.id_param()))?;
    let locale = call.request.query_value("localeCode");
    Ok(Reply::ok(shape.render(definition, locale)))
}

/// `POST`: a new, non-primary `User` definition; needs `languageLabels` and `systemPresence`.
pub fn create(state: &mut State, call: &Call, shape: Shape) -> Result<Reply, ApiError> {
    let mut body: DefinitionBody = call.request.json()?;
    let language_labels = body
        .labels()?
        .ok_or_else(|| ApiError::bad_request("languageLabels is required."))?;
    let system_presence = body
        .system_presence()?
        .ok_or_else(|| ApiError::bad_request("systemPresence is required."))?;
    let now = now_rfc3339();
    let definition = Definition {
        id: state.new_id(),
        name: body.name,
        language_labels,
        system_presence,
        origin: Origin::User,
        primary: false,
        deactivated: body.deactivated.unwrap_or(false),
        division_id: body
            .division_id
            .unwrap_or_else(|| state.home_division_id.clone()),
        created_date: now.clone(),
        modified_date: now,
    };
    let reply = Reply::ok(shape.render(&definition, None));
    state.definitions.push(definition);
    Ok(reply)
}

/// `PUT`: replaces the fields given; a definition's system presence never changes, and
/// a primary one cannot be deactivated.
pub fn update(state: &mut State, call: &Call, shape: Shape) -> Result<Reply, ApiError> {
    let mut body: DefinitionBody = call.request.json()?;
    let labels = body.labels()?;
    let system_presence = body.system_presence()?;
    let definition = state.definition_mut(call.param(shape.id_param()))?;
    if system_presence.is_some_and(|p| p != definition.system_presence) {
        return Err(ApiError::bad_request(
            "The systemPresence of a definition cannot be changed.",
        ));
    }
    if definition.primary && body.deactivated == Some(true) {
        return Err(ApiError::bad_request(
            "A primary presence definition cannot be deactivated.",
        ));
    }
    if let Some(labels) = labels {
        definition.language_labels = labels;
    }
    definition.name = body.name.or(definition.name.take());
    definition.deactivated = body.deactivated.unwrap_or(definition.deactivated);
    if let Some(division_id) = body.division_id {
        definition.division_id = division_id;
    }
    definition.modified_date = now_rfc3339();
    Ok(Reply::ok(shape.render(definition, None)))
}

/// `DELETE`: deactivates (the store keeps it, marked); primary definitions refuse.
/// The deprecated API answers an empty `200`, the current one `204`.
pub fn delete(state: &mut State, call: &Call, shape: Shape) -> Result<Reply, ApiError> {
    let definition = state.definition_mut(call.param(shape.id_param()))?;
    if definition.primary {
        return Err(ApiError::bad_request(
            "A primary (system) presence definition cannot be deleted.",
        ));
    }
    if !definition.deactivated {
        definition.deactivated = true;
        definition.modified_date = now_rfc3339();
    }
    Ok(Reply::empty(match shape {
        Shape::Legacy => 200,
        Shape::Current => 204,
    }))
}
