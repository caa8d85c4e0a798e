//! The world a new sandbox starts with: one primary definition per system presence,
//! the built-in `PURECLOUD` source, default settings and no users. Seeded ids are
//! derived from names, so they are the same in every run.

use std::collections::{BTreeMap, HashMap};

use super::clock::now_rfc3339;
use super::notifications::Channels;
use super::random::{stable_uuid, Rng};
use super::settings::PresenceSettings;
use super::state::{Definition, Origin, Source, State};
use super::system_presence::SystemPresence;

/// The id of the primary definition of `presence`, stable across runs.
pub fn primary_definition_id(presence: SystemPresence) -> String {
    stable_uuid(&format!("presence-definition/{}", presence.enum_value()))
}

/// The id of the built-in `PURECLOUD` source, stable across runs.
pub fn purecloud_source_id() -> String {
    stable_uuid("presence-source/PURECLOUD")
}

/// A new sandbox's state; `ids` generates the ids of entities created later.
pub fn initial_state(ids: Rng, channels: Channels) -> State {
    let created = now_rfc3339();
    let home_division_id = stable_uuid("division/Home");
    let definitions = SystemPresence::ALL
        .into_iter()
        .map(|presence| Definition {
            id: primary_definition_id(presence),
            name: None,
            language_labels: BTreeMap::from([("en_US".to_owned(), presence.name().to_owned())]),
            system_presence: presence,
            origin: Origin::System,
            primary: true,
            deactivated: false,
            division_id: home_division_id.clone(),
            created_date: created.clone(),
            modified_date: created.clone(),
        })
        .collect();
    let purecloud = Source {
        id: purecloud_source_id(),
        name: "PURECLOUD".to_owned(),
        description: Some("Genesys Cloud".to_owned()),
        origin: Origin::System,
        deactivated: false,
    };
    State {
        definitions,
        sources: vec![purecloud],
        users: HashMap::new(),
        settings: PresenceSettings::initial(),
        home_division_id,
        offline_definition_id: primary_definition_id(SystemPresence::Offline),
        ids,
        channels,
    }
}
