//! Serde types for every model of the Presence API (`spec/models.json`).
//!
//! Every field is optional and camelCase on the wire. Fields the library does not
//! know land in `additional` and enum values it does not know in `Other`, so a
//! value read from the server and sent back loses nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::operations::table::{Model, Payload};

/// A Genesys Cloud user (`createdBy`, `modifiedBy`), kept whole as JSON: it is a
/// large model of its own that presence calls only pass along.
pub type User = Map<String, Value>;

/// Checking a body against its model without building it: each model gets a
/// twin `Shape` struct (in `model!`) whose fields accept the same JSON but keep
/// nothing, so a 50-user body is checked without allocating its strings.
pub(crate) trait HasShape {
    /// Accepts exactly the JSON that `Self` accepts, and keeps nothing.
    type Shape: for<'de> Deserialize<'de>;
}

impl HasShape for String {
    type Shape = Text;
}

impl HasShape for bool {
    type Shape = bool;
}

impl HasShape for i64 {
    type Shape = i64;
}

impl<T: HasShape> HasShape for Vec<T> {
    type Shape = Vec<T::Shape>;
}

// Rare in bodies: checked by building them.
impl HasShape for BTreeMap<String, String> {
    type Shape = Self;
}

impl HasShape for User {
    type Shape = Self;
}

/// Any JSON string, not kept.
pub(crate) struct Text;

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Text, E> {
                Ok(Text)
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// A model's shape, as the field type of an enclosing shape.
pub(crate) struct ModelShape<M>(PhantomData<M>);

pub(crate) trait CheckShape {
    fn check_shape<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error>;
}

impl<'de, M: CheckShape> Deserialize<'de> for ModelShape<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        M::check_shape(deserializer).map(|()| ModelShape(PhantomData))
    }
}

/// Declares a model struct: every field `Option`al, omitted when `None`, and
/// unknown fields collected in `additional`.
macro_rules! model {
    // Several models with the same fields: `A, B { fields }` (the braces are one token
    // tree, so they can be repeated for each name).
    ($(#[$doc:meta])* $name:ident $(, $(#[$more_doc:meta])* $more:ident)+ $fields:tt) => {
        model! { $(#[$doc])* $name $fields }
        $(model! { $(#[$more_doc])* $more $fields })+
    };
    ($(#[$doc:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Fields this version of the library does not know, passed through.
            #[serde(flatten)]
            pub additional: Map<String, Value>,
        }

        impl HasShape for $name {
            type Shape = ModelShape<$name>;
        }

        impl CheckShape for $name {
            fn check_shape<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
                /// The model's fields with checking types, keeping nothing.
                #[derive(Deserialize)]
                #[serde(rename_all = "camelCase")]
                #[allow(dead_code)]
                struct Shape {
                    $(
                        $(#[$field_meta])*
                        #[serde(default)]
                        $field: Option<<$ty as HasShape>::Shape>,
                    )*
                    // As in the model: only an object is taken, and unknown
                    // fields are parsed as the model's `additional` would be.
                    #[serde(flatten)]
                    additional: serde::de::IgnoredAny,
                }
                Shape::deserialize(deserializer).map(drop)
            }
        }
    };
}

/// Declares a string enum that keeps values it does not know in `Other`.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            /// A value this version of the library does not know, kept as sent.
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(text) => text,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::from(text.as_ref()))
            }
        }

        impl HasShape for $name {
            type Shape = Text;
        }
    };
}

open_enum! {
    /// Whether a definition or source is built in (`System`) or created (`User`).
    EntityType {
        System = "System",
        User = "User",
    }
}

open_enum! {
    /// The system presence a presence definition belongs to.
    SystemPresenceName {
        Available = "Available",
        Away = "Away",
        Busy = "Busy",
        Offline = "Offline",
        Idle = "Idle",
        OnQueue = "OnQueue",
        Meal = "Meal",
        Training = "Training",
        Meeting = "Meeting",
        Break = "Break",
    }
}

model! {
    /// A user's presence on one source.
    UserPresence,
    /// One entry of a bulk presence update (`id` is the user id).
    MutableUserPresence {
        id: String,
        name: String,
        source: String,
        source_id: String,
        primary: bool,
        presence_definition: PresenceDefinition,
        future_presence_definition: PresenceDefinition,
        message: String,
        /// ISO-8601 date-time, kept as the server wrote it.
        modified_date: String,
        self_uri: String,
    }
}

model! {
    /// A user's presence as the bulk reads return it.
    UcUserPresence {
        id: String,
        name: String,
        user_id: String,
        source: String,
        source_id: String,
        presence_definition: PresenceDefinition,
        message: String,
        /// ISO-8601 date-time, kept as the server wrote it.
        modified_date: String,
        self_uri: String,
    }
}

model! {
    /// A reference to a presence definition, inside a user's presence.
    PresenceDefinition {
        id: String,
        system_presence: String,
        self_uri: String,
    }
}

model! {
    /// An organization presence definition (deprecated `/api/v2/presencedefinitions` shape).
    OrganizationPresence {
        id: String,
        name: String,
        language_labels: BTreeMap<String, String>,
        system_presence: String,
        deactivated: bool,
        primary: bool,
        created_by: User,
        /// ISO-8601 date-time, kept as the server wrote it.
        created_date: String,
        modified_by: User,
        /// ISO-8601 date-time, kept as the server wrote it.
        modified_date: String,
        self_uri: String,
    }
}

model! {
    /// A page of organization presence definitions.
    OrganizationPresenceEntityListing {
        entities: Vec<OrganizationPresence>,
        page_size: i64,
        page_number: i64,
        total: i64,
        last_uri: String,
        first_uri: String,
        self_uri: String,
        next_uri: String,
        previous_uri: String,
        page_count: i64,
    }
}

model! {
    /// A presence definition (`/api/v2/presence/definitions` shape).
    OrganizationPresenceDefinition {
        id: String,
        name: String,
        #[serde(rename = "type")]
        kind: EntityType,
        language_labels: BTreeMap<String, String>,
        system_presence: SystemPresenceName,
        division_id: String,
        deactivated: bool,
        self_uri: String,
    }
}

model! {
    /// The list of presence definitions.
    OrganizationPresenceDefinitionEntityListing {
        total: i64,
        entities: Vec<OrganizationPresenceDefinition>,
        self_uri: String,
    }
}

model! {
    /// The organization's presence settings.
    PresenceSettings {
        id: String,
        name: String,
        restore_presence_settings: RestorePresenceSettings,
        requesting_off_queue_enabled: bool,
        default_primary_presence_registered_source_id: String,
        self_uri: String,
    }
}

model! {
    /// When and how a user's presence is restored.
    RestorePresenceSettings {
        enabled: bool,
        restore_time_milliseconds: i64,
        restore_on_queue_enabled: bool,
    }
}

model! {
    /// A presence source (PURECLOUD or one an integration registered).
    Source {
        id: String,
        name: String,
        description: String,
        #[serde(rename = "type")]
        kind: EntityType,
        deactivated: bool,
        self_uri: String,
    }
}

model! {
    /// The list of presence sources.
    SourceEntityListing {
        total: i64,
        entities: Vec<Source>,
        self_uri: String,
    }
}

model! {
    /// The source whose presence is a user's primary presence.
    UserPrimarySource {
        id: String,
        name: String,
        source_id: String,
        registered: bool,
        self_uri: String,
    }
}

model! {
    /// One of the ten system presences.
    SystemPresence {
        id: String,
        name: String,
        self_uri: String,
    }
}

model! {
    /// The body of an API error response.
    ErrorBody {
        message: String,
        code: String,
        status: i64,
        entity_id: String,
        entity_name: String,
        message_with_params: String,
        message_params: BTreeMap<String, String>,
        context_id: String,
        details: Vec<Detail>,
        errors: Vec<ErrorBody>,
        limit: Limit,
    }
}

model! {
    /// One detail of an [`ErrorBody`].
    Detail {
        error_code: String,
        field_name: String,
        entity_id: String,
        entity_name: String,
    }
}

model! {
    /// The rate or size limit an [`ErrorBody`] refers to.
    Limit {
        key: String,
        /// One of a hundred-odd documented namespaces, kept as text.
        namespace: String,
        value: i64,
    }
}
/// Checks that `json` has the shape of `T`. The error starts with the path of
/// the offending field as it would follow a name (`.primary`, `[2].id`, or
/// nothing for the value itself), then `: ` and what is wrong.
fn check_shape<T: HasShape + serde::de::DeserializeOwned>(json: &str) -> Result<(), String> {
    if serde_json::from_str::<T::Shape>(json).is_ok() {
        return Ok(());
    }
    // Only to explain the failure: the model itself, tracking the path.
    let mut deserializer = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize::<_, T>(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match path.as_str() {
            "." => format!(": {inner}"),
            _ if path.starts_with('[') => format!("{path}: {inner}"),
            _ => format!(".{path}: {inner}"),
        }
    })?;
    deserializer.end().map_err(|error| format!(": {error}"))
}

impl Payload {
    /// Checks that the JSON text `json` is this payload: the model's fields have
    /// their documented JSON types (unknown fields are allowed and kept), and a
    /// list is a JSON array. The error names the offending field, as
    /// `check_shape` does.
    pub(crate) fn check(self, json: &str) -> Result<(), String> {
        macro_rules! dispatch {
            ($($model:ident),*) => {
                match self {
                    $(
                        Payload::One(Model::$model) => check_shape::<$model>(json),
                        Payload::List(Model::$model) => check_shape::<Vec<$model>>(json),
                    )*
                }
            };
        }
        crate::operations::table::for_each_model!(dispatch)
    }
}

#[cfg(test)]
mod tests;
