//! The notification topic catalogue the emulator serves from
//! `/api/v2/notifications/availabletopics` and validates `eventFilter` against. It is the
//! project's copy of the topics published in the Genesys SDKs, embedded at build time so
//! the emulator never reads files at run time.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::{json, Map, Value};

const CATALOGUE_JSON: &str = include_str!("../../../../data/genesys-topics.json");

/// The transports a topic can be delivered on.
pub const WEBSOCKET: &str = "Websocket";
pub const EVENTBRIDGE: &str = "EventBridge";
/// What the SDK's `AvailableTopic.transports` says of a topic every transport carries.
pub const ALL: &str = "All";

/// One topic template (`v2.detail.events.conversation.{id}.customer.start`).
#[derive(Debug, Deserialize)]
pub struct Topic {
    pub id: String,
    #[serde(rename = "eventBodyClass")]
    pub event_body_class: String,
    #[serde(rename = "eventBody")]
    pub event_body: Map<String, Value>,
    #[serde(default)]
    pub enums: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct CatalogueFile {
    topics: Vec<Topic>,
}

/// All topics in catalogue order, with an index by id.
pub struct Catalogue {
    pub topics: Vec<Topic>,
    by_id: HashMap<String, usize>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let file: CatalogueFile =
        serde_json::from_str(CATALOGUE_JSON).expect("embedded topic catalogue is valid JSON");
    let by_id = file
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.clone(), i))
        .collect();
    Catalogue {
        topics: file.topics,
        by_id,
    }
});

/// The embedded catalogue.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

impl Catalogue {
    pub fn get(&self, id: &str) -> Option<&Topic> {
        self.by_id.get(id).map(|&i| &self.topics[i])
    }
}

impl Topic {
    /// `v2.system.*` topics are WebSocket control messages (socket closing, token revoked),
    /// not event data, so EventBridge does not carry them. The others go everywhere; the
    /// SDK's enum has `All` for that, which the user topics (`v2.users.*`) say, so a
    /// client meets both spellings.
    pub fn transports(&self) -> Vec<&'static str> {
        if self.id.starts_with("v2.system.") {
            vec![WEBSOCKET]
        } else if self.id.starts_with("v2.users.") {
            vec![ALL]
        } else {
            vec![WEBSOCKET, EVENTBRIDGE]
        }
    }

    pub fn supports_eventbridge(&self) -> bool {
        self.transports()
            .iter()
            .any(|t| *t == EVENTBRIDGE || *t == ALL)
    }

    /// A readable sentence derived from the id, since the SDKs publish no descriptions.
    pub fn description(&self) -> String {
        let words: Vec<&str> = self
            .id
            .trim_start_matches("v2.")
            .split('.')
            .filter(|s| *s != "{id}")
            .collect();
        let ids = self.id.matches("{id}").count();
        let subject = words.join(" ");
        match ids {
            0 => format!("Notifications about {subject}."),
            1 => format!("Notifications about {subject} for one entity ({{id}})."),
            n => format!("Notifications about {subject} for one combination of {n} entity ids."),
        }
    }

    /// A JSON schema for the event body, built from the catalogue's field types.
    pub fn schema(&self) -> Value {
        let mut schema = object_schema(&self.event_body, &self.enums);
        let obj = schema.as_object_mut().expect("object schema");
        obj.insert(
            "id".into(),
            json!(format!(
                "urn:jsonschema:com:inin:platform:notifications:{}",
                self.event_body_class
            )),
        );
        obj.insert("title".into(), json!(self.event_body_class));
        obj.insert("description".into(), json!(self.description()));
        schema
    }
}

fn object_schema(fields: &Map<String, Value>, enums: &HashMap<String, Vec<String>>) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|(name, ty)| (name.clone(), field_schema(ty, enums.get(name), enums)))
        .collect();
    json!({"type": "object", "properties": properties})
}

/// Maps one `field_types` entry (string | integer | number | boolean | date-time | object |
/// {array: T} | {map: T} | {object: {field: T}}) to a schema; `enum_values` apply to the
/// strings the field holds, directly or as array items.
fn field_schema(
    ty: &Value,
    enum_values: Option<&Vec<String>>,
    enums: &HashMap<String, Vec<String>>,
) -> Value {
    match ty {
        Value::String(s) => {
            let mut v = match s.as_str() {
                "date-time" => json!({"type": "string", "format": "date-time"}),
                "integer" | "number" | "boolean" | "object" | "string" => json!({"type": s}),
                other => {
                    json!({"type": "string", "description": format!("catalogue type {other}")})
                }
            };
            if let (Some(values), "string") = (enum_values, s.as_str()) {
                v["enum"] = json!(values);
            }
            v
        }
        Value::Object(o) => {
            if let Some(item) = o.get("array") {
                json!({"type": "array", "items": field_schema(item, enum_values, enums)})
            } else if let Some(item) = o.get("map") {
                json!({"type": "object", "additionalProperties": field_schema(item, None, enums)})
            } else if let Some(Value::Object(fields)) = o.get("object") {
                object_schema(fields, enums)
            } else {
                json!({"type": "object"})
            }
        }
        _ => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_all_topics() {
        let c = catalogue();
        assert_eq!(c.topics.len(), 237);
        assert!(c
            .get("v2.detail.events.conversation.{id}.customer.start")
            .is_some());
    }

    #[test]
    fn system_topics_are_websocket_only() {
        let c = catalogue();
        let t = c.get("v2.system.socket_closing").unwrap();
        assert_eq!(t.transports(), vec![WEBSOCKET]);
        assert!(!t.supports_eventbridge());
        let t = c
            .get("v2.detail.events.conversation.{id}.customer.start")
            .unwrap();
        assert!(t.supports_eventbridge());
        let t = c.get("v2.users.{id}.presence").unwrap();
        assert_eq!(t.transports(), vec![ALL]);
        assert!(t.supports_eventbridge());
    }

    #[test]
    fn schema_maps_types_and_enums() {
        let t = catalogue()
            .get("v2.detail.events.conversation.{id}.customer.start")
            .unwrap();
        let s = t.schema();
        assert_eq!(s["type"], "object");
        let p = &s["properties"];
        assert_eq!(p["eventTime"]["type"], "integer");
        assert_eq!(p["callbackNumbers"]["type"], "array");
        assert_eq!(p["callbackNumbers"]["items"]["type"], "string");
        assert_eq!(p["journeyContext"]["type"], "object");
        assert_eq!(
            p["journeyContext"]["properties"]["sessionId"]["type"],
            "string"
        );
        assert_eq!(p["direction"]["enum"][1], "INBOUND");
    }

    #[test]
    fn description_mentions_the_subject() {
        let t = catalogue()
            .get("v2.detail.events.conversation.{id}.customer.start")
            .unwrap();
        assert!(t
            .description()
            .contains("detail events conversation customer start"));
    }
}
