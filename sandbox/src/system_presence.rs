//! The ten fixed system presences that every presence definition maps onto, and
//! `GET /api/v2/systempresences`.

use serde_json::{json, Value};

use super::reply::{ApiError, Reply};
use super::routes::Call;
use super::state::State;

/// A system presence. The API spells each in three ways, depending on the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SystemPresence {
    Available,
    Away,
    Busy,
    Offline,
    Idle,
    OnQueue,
    Meal,
    Training,
    Meeting,
    Break,
}

impl SystemPresence {
    /// All ten, in the order the API lists them.
    pub const ALL: [SystemPresence; 10] = [
        SystemPresence::Available,
        SystemPresence::Away,
        SystemPresence::Busy,
        SystemPresence::Offline,
        SystemPresence::Idle,
        SystemPresence::OnQueue,
        SystemPresence::Meal,
        SystemPresence::Training,
        SystemPresence::Meeting,
        SystemPresence::Break,
    ];

    /// The display name, used by `SystemPresence.name`, `OrganizationPresence` and
    /// `UserPresence`: `Available`, ..., `On Queue`.
    pub fn name(self) -> &'static str {
        match self {
            SystemPresence::OnQueue => "On Queue",
            other => other.enum_value(),
        }
    }

    /// The `OrganizationPresenceDefinition.systemPresence` enum value: `OnQueue`.
    pub fn enum_value(self) -> &'static str {
        match self {
            SystemPresence::Available => "Available",
            SystemPresence::Away => "Away",
            SystemPresence::Busy => "Busy",
            SystemPresence::Offline => "Offline",
            SystemPresence::Idle => "Idle",
            SystemPresence::OnQueue => "OnQueue",
            SystemPresence::Meal => "Meal",
            SystemPresence::Training => "Training",
            SystemPresence::Meeting => "Meeting",
            SystemPresence::Break => "Break",
        }
    }

    /// The `SystemPresence.id`: the name in upper snake case, `ON_QUEUE`.
    pub fn id(self) -> String {
        self.name().to_ascii_uppercase().replace(' ', "_")
    }

    /// Reads any of the three spellings, in any case.
    pub fn parse(text: &str) -> Option<SystemPresence> {
        SystemPresence::ALL.into_iter().find(|p| {
            [p.name(), p.enum_value(), p.id().as_str()]
                .iter()
                .any(|spelling| spelling.eq_ignore_ascii_case(text.trim()))
        })
    }

    fn to_json(self) -> Value {
        json!({
            "id": self.id(),
            "name": self.name(),
            "selfUri": format!("/api/v2/systempresences/{}", self.id()),
        })
    }
}

/// `GET /api/v2/systempresences`.
pub fn list(_state: &mut State, _call: &Call) -> Result<Reply, ApiError> {
    let all: Vec<Value> = SystemPresence::ALL
        .into_iter()
        .map(SystemPresence::to_json)
        .collect();
    Ok(Reply::ok(Value::Array(all)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        for spelling in ["On Queue", "OnQueue", "ON_QUEUE", "on queue"] {
            assert_eq!(
                SystemPresence::parse(spelling),
                Some(SystemPresence::OnQueue)
            );
        }
        assert_eq!(SystemPresence::parse("Lunch"), None);
    }
}
