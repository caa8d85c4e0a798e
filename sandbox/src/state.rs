//! The simulator's in-memory world: presence definitions, sources, settings and the
//! presence of every user touched so far. Handlers render it; this file owns the rules
//! that hold whichever API shape is used.

use std::collections::{BTreeMap, HashMap};

use super::clock::now_rfc3339;
use super::notifications::Channels;
use super::random::Rng;
use super::reply::ApiError;
use super::settings::PresenceSettings;
use super::system_presence::SystemPresence;

/// Whether an entity is built in (`System`) or was created through the API (`User`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    System,
    User,
}

impl Origin {
    /// The `type` value of the API's models.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::System => "System",
            Origin::User => "User",
        }
    }
}

/// An organization presence definition, whichever of the two APIs shows it.
pub struct Definition {
    pub id: String,
    pub name: Option<String>,
    pub language_labels: BTreeMap<String, String>,
    pub system_presence: SystemPresence,
    pub origin: Origin,
    /// The one built-in definition of its system presence; cannot be deleted.
    pub primary: bool,
    pub deactivated: bool,
    pub division_id: String,
    pub created_date: String,
    pub modified_date: String,
}

impl Definition {
    /// The explicit name, else the `en_US` label, else any label.
    pub fn display_name(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or_else(|| self.language_labels.get("en_US").map(String::as_str))
            .or_else(|| self.language_labels.values().next().map(String::as_str))
    }
}

/// A presence source: the built-in `PURECLOUD` one or one created through the API.
pub struct Source {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub origin: Origin,
    pub deactivated: bool,
}

/// A user's presence as one source reports it.
#[derive(Clone)]
pub struct SourcePresence {
    pub definition_id: String,
    pub message: Option<String>,
    pub modified_date: String,
}

/// A user, created the first time any request names them.
pub struct User {
    pub primary_source_id: String,
    pub presences: HashMap<String, SourcePresence>,
}

/// A validated change to one user's presence on one source.
pub struct PresenceChange {
    pub definition_id: Option<String>,
    pub message: Option<String>,
    pub make_primary: bool,
}

/// Everything the sandbox knows. Lives behind one `Mutex`.
pub struct State {
    pub definitions: Vec<Definition>,
    /// The built-in `PURECLOUD` source is always first.
    pub sources: Vec<Source>,
    pub users: HashMap<String, User>,
    pub settings: PresenceSettings,
    pub home_division_id: String,
    /// The definition new users start in (the primary `Offline` one).
    pub offline_definition_id: String,
    pub ids: Rng,
    pub channels: Channels,
}

impl State {
    /// A fresh random entity id.
    pub fn new_id(&self) -> String {
        self.ids.uuid()
    }

    /// The built-in `PURECLOUD` source.
    pub fn purecloud(&self) -> &Source {
        &self.sources[0]
    }

    /// The definition with `id`, deactivated or not; `404` if there is none.
    pub fn definition_mut(&mut self, id: &str) -> Result<&mut Definition, ApiError> {
        self.definitions
            .iter_mut()
            .find(|d| d.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Presence definition '{id}' not found.")))
    }

    /// The definition with `id`, deactivated or not; `404` if there is none.
    pub fn definition(&self, id: &str) -> Result<&Definition, ApiError> {
        self.definitions
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Presence definition '{id}' not found.")))
    }

    /// The source with `id`, deactivated or not; `404` if there is none.
    pub fn source(&self, id: &str) -> Result<&Source, ApiError> {
        self.sources
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Presence source '{id}' not found.")))
    }

    /// The source with `id`, deactivated or not; `404` if there is none.
    pub fn source_mut(&mut self, id: &str) -> Result<&mut Source, ApiError> {
        self.sources
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| ApiError::not_found(format!("Presence source '{id}' not found.")))
    }

    /// A source users can have presence on: one that exists and is not deactivated.
    pub fn active_source(&self, id: &str) -> Result<&Source, ApiError> {
        self.source(id)
            .ok()
            .filter(|s| !s.deactivated)
            .ok_or_else(|| ApiError::not_found(format!("Presence source '{id}' not found.")))
    }

    /// Whether an active source other than `except` already uses `name`.
    pub fn source_name_taken(&self, name: &str, except: Option<&str>) -> bool {
        self.sources.iter().any(|s| {
            !s.deactivated && s.name.eq_ignore_ascii_case(name) && Some(s.id.as_str()) != except
        })
    }

    /// Deactivates a source, moving users (and the default) that had it as primary
    /// back to `PURECLOUD`.
    pub fn deactivate_source(&mut self, id: &str) -> Result<(), ApiError> {
        let purecloud_id = self.purecloud().id.clone();
        let source = self.source_mut(id)?;
        if source.origin == Origin::System {
            return Err(ApiError::bad_request(
                "The built-in PURECLOUD source cannot be changed or deleted.",
            ));
        }
        source.deactivated = true;
        for user in self.users.values_mut() {
            if user.primary_source_id == id {
                user.primary_source_id = purecloud_id.clone();
            }
        }
        if self
            .settings
            .default_primary_presence_registered_source_id
            .as_deref()
            == Some(id)
        {
            self.settings.default_primary_presence_registered_source_id = None;
        }
        Ok(())
    }

    /// Checks a source id given in a request body: it must name an active source (`400`).
    pub fn check_source_choice(&self, id: &str) -> Result<&Source, ApiError> {
        self.active_source(id).map_err(|_| {
            ApiError::bad_request(format!(
                "Presence source '{id}' does not exist or is deactivated."
            ))
        })
    }

    /// Checks a requested presence definition id: it must name an active definition.
    pub fn check_definition_choice(&self, id: &str) -> Result<(), ApiError> {
        match self.definitions.iter().find(|d| d.id == id) {
            Some(d) if !d.deactivated => Ok(()),
            Some(_) => Err(ApiError::bad_request(format!(
                "Presence definition '{id}' is deactivated."
            ))),
            None => Err(ApiError::bad_request(format!(
                "Presence definition '{id}' does not exist."
            ))),
        }
    }

    /// The user, created on first mention: Offline on `PURECLOUD`, with the settings'
    /// default primary source (or `PURECLOUD`) as primary.
    pub fn user(&mut self, user_id: &str) -> &mut User {
        // Destructured so the new user can be built while `users` is borrowed.
        let State {
            users,
            sources,
            settings,
            offline_definition_id,
            ..
        } = self;
        users.entry(user_id.to_owned()).or_insert_with(|| {
            let purecloud_id = sources[0].id.clone();
            let primary_source_id = settings
                .default_primary_presence_registered_source_id
                .clone()
                .filter(|id| sources.iter().any(|s| &s.id == id && !s.deactivated))
                .unwrap_or_else(|| purecloud_id.clone());
            User {
                primary_source_id,
                presences: HashMap::from([(purecloud_id, offline_presence(offline_definition_id))]),
            }
        })
    }

    /// The user's presence on `source_id`, Offline if that source never reported one.
    pub fn presence(&mut self, user_id: &str, source_id: &str) -> &SourcePresence {
        // Cloned, not borrowed, as `user` borrows all of `self`; the clock is read
        // only for a new presence (a bulk read asks for 50 at once).
        let offline_definition_id = self.offline_definition_id.clone();
        self.user(user_id)
            .presences
            .entry(source_id.to_owned())
            .or_insert_with(|| offline_presence(&offline_definition_id))
    }

    /// Applies a validated change and stamps the presence's modification time.
    pub fn apply(&mut self, user_id: &str, source_id: &str, change: PresenceChange) {
        let offline = offline_presence(&self.offline_definition_id);
        let user = self.user(user_id);
        if change.make_primary {
            user.primary_source_id = source_id.to_owned();
        }
        let presence = user
            .presences
            .entry(source_id.to_owned())
            .or_insert(offline);
        if let Some(definition_id) = change.definition_id {
            presence.definition_id = definition_id;
        }
        if let Some(message) = change.message {
            presence.message = Some(message);
        }
        presence.modified_date = now_rfc3339();
    }
}

fn offline_presence(offline_definition_id: &str) -> SourcePresence {
    SourcePresence {
        definition_id: offline_definition_id.to_owned(),
        message: None,
        modified_date: now_rfc3339(),
    }
}
