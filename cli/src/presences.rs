//! Presence definitions, and a presence named the way people type it (`busy`,
//! `On Queue`) turned into the definition id the API takes.

use genesys_presence::Client;
use serde_json::Value;

use crate::failure::Failure;
use crate::interrupt;

/// The organization's presence definitions (`OrganizationPresence`, every page).
pub struct Definitions(Vec<Value>);

impl Definitions {
    pub fn fetch(client: &Client) -> Result<Definitions, Failure> {
        let answer = client.call_with("getPresencedefinitionsAll", "{}", interrupt::options())?;
        let entries: Vec<Value> = serde_json::from_str(&answer).map_err(|error| {
            Failure::Failed(format!(
                "the presence definitions are not a JSON array: {error}"
            ))
        })?;
        Ok(Definitions(entries))
    }

    /// The id of the definition `name_or_id` names: a definition id, or a system
    /// presence (`Busy`, `on queue`, `ON_QUEUE`: case, spaces, `_` and `-` do not
    /// matter), which means that presence's primary definition.
    pub fn resolve(&self, name_or_id: &str) -> Result<String, Failure> {
        if let Some(definition) = self.0.iter().find(|d| text(d, "id") == Some(name_or_id)) {
            return Ok(text(definition, "id").unwrap_or_default().to_owned());
        }
        let wanted = normalized(name_or_id);
        let named = |definition: &&Value| {
            text(definition, "systemPresence").is_some_and(|name| normalized(name) == wanted)
        };
        // The primary definition of a system presence is the one the API means by it.
        let primary = self
            .0
            .iter()
            .filter(named)
            .find(|definition| definition["primary"] == Value::Bool(true));
        match primary.or_else(|| self.0.iter().find(named)) {
            Some(definition) => Ok(text(definition, "id").unwrap_or_default().to_owned()),
            None => Err(Failure::Usage(format!(
                "unknown presence {name_or_id:?}; valid names: {} (or a definition id: \
                 `genesys-presence definitions` lists them)",
                self.system_presences().join(", ")
            ))),
        }
    }

    /// The system presences the organization's definitions name, each once, in order.
    pub fn system_presences(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.0.iter().filter_map(|d| text(d, "systemPresence")) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn definitions() -> Definitions {
        Definitions(vec![
            json!({"id": "a1", "systemPresence": "Available", "primary": true}),
            json!({"id": "b2", "systemPresence": "Busy", "primary": false}),
            json!({"id": "b1", "systemPresence": "Busy", "primary": true}),
            json!({"id": "q1", "systemPresence": "On Queue", "primary": true}),
        ])
    }

    #[test]
    fn names_mean_the_primary_definition_whatever_their_spelling() {
        let definitions = definitions();
        for (name, id) in [
            ("busy", "b1"),
            ("BUSY", "b1"),
            ("on queue", "q1"),
            ("ON_QUEUE", "q1"),
        ] {
            assert_eq!(definitions.resolve(name).unwrap(), id, "{name}");
        }
        assert_eq!(definitions.resolve("b2").unwrap(), "b2");
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let Err(Failure::Usage(message)) = definitions().resolve("Lunch") else {
            panic!("expected a usage failure")
        };
        assert!(message.contains("\"Lunch\""), "{message}");
        assert!(message.contains("Available, Busy, On Queue"), "{message}");
    }
}
