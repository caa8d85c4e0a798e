//! Organization presence settings: `GET`/`PUT /api/v2/presence/settings`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::random::stable_uuid;
use super::reply::{ApiError, Reply};
use super::routes::Call;
use super::state::State;

/// `PresenceSettings` without its read-only `id`, `name` and `selfUri`. Also the `PUT`
/// body: fields it leaves out (or sets to `null`) keep their current values.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_presence_settings: Option<RestorePresenceSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requesting_off_queue_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_primary_presence_registered_source_id: Option<String>,
}

/// `RestorePresenceSettings`, merged field by field like its parent.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestorePresenceSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_time_milliseconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_on_queue_enabled: Option<bool>,
}

impl PresenceSettings {
    /// The settings of a new organization: restoring off, no default registered source.
    pub fn initial() -> PresenceSettings {
        PresenceSettings {
            restore_presence_settings: Some(RestorePresenceSettings {
                enabled: Some(false),
                restore_time_milliseconds: Some(0),
                restore_on_queue_enabled: Some(false),
            }),
            requesting_off_queue_enabled: Some(false),
            default_primary_presence_registered_source_id: None,
        }
    }

    fn merge(&mut self, update: PresenceSettings) {
        if let Some(restore) = update.restore_presence_settings {
            let current = self
                .restore_presence_settings
                .get_or_insert_with(Default::default);
            current.enabled = restore.enabled.or(current.enabled);
            current.restore_time_milliseconds = restore
                .restore_time_milliseconds
                .or(current.restore_time_milliseconds);
            current.restore_on_queue_enabled = restore
                .restore_on_queue_enabled
                .or(current.restore_on_queue_enabled);
        }
        self.requesting_off_queue_enabled = update
            .requesting_off_queue_enabled
            .or(self.requesting_off_queue_enabled);
        if update
            .default_primary_presence_registered_source_id
            .is_some()
        {
            self.default_primary_presence_registered_source_id =
                update.default_primary_presence_registered_source_id;
        }
    }

    fn to_json(&self) -> Value {
        let mut body =
            serde_json::to_value(self).unwrap_or_else(|_| Value::Object(Default::default()));
        if let Value::Object(fields) = &mut body {
            fields.insert("id".into(), stable_uuid("presence-settings").into());
            fields.insert("name".into(), "Presence Settings".into());
            fields.insert("selfUri".into(), "/api/v2/presence/settings".into());
        }
        body
    }
}

/// `GET /api/v2/presence/settings`.
pub fn get(state: &mut State, _call: &Call) -> Result<Reply, ApiError> {
    Ok(Reply::ok(state.settings.to_json()))
}

/// `PUT /api/v2/presence/settings`; a default source must be an active one.
pub fn put(state: &mut State, call: &Call) -> Result<Reply, ApiError> {
    let update: PresenceSettings = call.request.json()?;
    if let Some(source_id) = &update.default_primary_presence_registered_source_id {
        state.check_source_choice(source_id)?;
    }
    state.settings.merge(update);
    Ok(Reply::ok(state.settings.to_json()))
}
