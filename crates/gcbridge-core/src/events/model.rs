//! The event-body models of the bundled catalogue (data/genesys-topics.json): each topic's fields
//! and their types, and the enum values the SDKs list per field name. Samples and schemas are both
//! built from this one reading, so a sample always validates against its schema.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::topics::catalogue::EMBEDDED_JSON;

/// One field's type, as the catalogue writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    String,
    /// RFC 3339 text with milliseconds.
    DateTime,
    Integer,
    Number,
    Boolean,
    /// `"object"`: any JSON object (the SDKs model it as a free-form map).
    AnyObject,
    Array(Box<FieldType>),
    /// `{"map": T}`: an object whose values are all T.
    Map(Box<FieldType>),
    Object(Fields),
}

/// Fields by name, sorted.
pub type Fields = BTreeMap<String, FieldType>;

/// A topic's body model.
#[derive(Debug, Clone)]
pub struct TopicModel {
    pub id: String,
    /// The SDK class the body is modelled by (the schema's title).
    pub class: String,
    pub body: Fields,
    /// Allowed values of string fields, by field name at any depth (as the SDK models list them).
    pub enums: BTreeMap<String, Vec<String>>,
}

/// The model of `topic`, if the bundled catalogue has it.
pub fn model(topic: &str) -> Option<&'static TopicModel> {
    models().get(topic)
}

fn models() -> &'static BTreeMap<String, TopicModel> {
    static MODELS: OnceLock<BTreeMap<String, TopicModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let doc: Value = serde_json::from_str(EMBEDDED_JSON).expect("the catalogue is JSON");
        doc["topics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(parse_topic)
            .map(|m| (m.id.clone(), m))
            .collect()
    })
}

fn parse_topic(t: &Value) -> Option<TopicModel> {
    let id = t["id"].as_str()?.to_string();
    let body = match t.get("eventBody") {
        Some(Value::Object(o)) => parse_fields(o),
        _ => Fields::new(),
    };
    let enums = t["enums"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let values = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(String::from))
                .collect();
            (k.clone(), values)
        })
        .collect();
    Some(TopicModel {
        id,
        class: t["eventBodyClass"]
            .as_str()
            .unwrap_or("EventBody")
            .to_string(),
        body,
        enums,
    })
}

fn parse_fields(o: &serde_json::Map<String, Value>) -> Fields {
    o.iter().map(|(k, v)| (k.clone(), parse_type(v))).collect()
}

fn parse_type(v: &Value) -> FieldType {
    match v {
        Value::String(s) => match s.as_str() {
            "date-time" => FieldType::DateTime,
            "integer" => FieldType::Integer,
            "number" => FieldType::Number,
            "boolean" => FieldType::Boolean,
            "object" => FieldType::AnyObject,
            _ => FieldType::String,
        },
        Value::Object(o) => match (o.get("array"), o.get("map"), o.get("object")) {
            (Some(item), _, _) => FieldType::Array(Box::new(parse_type(item))),
            (_, Some(value), _) => FieldType::Map(Box::new(parse_type(value))),
            (_, _, Some(Value::Object(fields))) => FieldType::Object(parse_fields(fields)),
            _ => FieldType::AnyObject,
        },
        _ => FieldType::AnyObject,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_topic_has_a_model_with_nested_types() {
        let m = model("v2.audits.entitytype.{id}.entityid.{id}").unwrap();
        assert_eq!(m.body["eventTime"], FieldType::DateTime);
        let FieldType::Array(item) = &m.body["propertyChanges"] else {
            panic!("propertyChanges is an array")
        };
        assert!(matches!(**item, FieldType::Object(_)));
        assert!(m.enums["serviceName"].contains(&"Presence".to_string()));
        assert_eq!(models().len(), 237);
    }
}
