//! The schema of a topic's event as it arrives on the bus, envelope and body: JSON Schema (draft
//! 2020-12), or the OpenAPI 3 document the EventBridge Schema Registry writes for code bindings
//! (`components.schemas.AWSEvent` with the `x-amazon-events-*` keys). Both come from the catalogue
//! model the samples are built from. Body fields are optional and more are allowed: Genesys omits
//! empty ones and adds new ones without notice.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::model::{model, FieldType, Fields};

/// The schema formats `gcbridge schema` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaFormat {
    JsonSchema,
    OpenApi,
}

/// The schema of `topic`'s event, or None for a topic the catalogue lacks.
pub fn event_schema(topic: &str, format: SchemaFormat) -> Option<Value> {
    let m = model(topic)?;
    let body = fields_schema(&m.body, &m.enums);
    Some(match format {
        SchemaFormat::JsonSchema => json_schema(topic, &m.class, body),
        SchemaFormat::OpenApi => openapi(topic, &m.class, body),
    })
}

/// A regex matching the concrete topic names of `template`.
fn topic_name_pattern(template: &str) -> String {
    let parts: Vec<String> = template.split("{id}").map(regex_escape).collect();
    format!("^{}$", parts.join("[^.]+"))
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '$' | '|' | '\\' => {
                vec!['\\', c]
            }
            _ => vec![c],
        })
        .collect()
}

/// The envelope's properties and required keys; `detail` refers to `detail_ref`.
fn envelope(detail_ref: &str, one_value: Value) -> (Value, Value) {
    let string = json!({"type": "string"});
    let props = json!({
        "version": string,
        "id": string,
        "detail-type": one_value,
        "source": string,
        "account": string,
        "time": {"type": "string", "format": "date-time"},
        "region": string,
        "resources": {"type": "array", "items": string},
        "detail": {"$ref": detail_ref},
    });
    // Every top-level field of an EventBridge event is always present.
    let required = json!(crate::aws::EVENT_FIELDS);
    (props, required)
}

/// The `detail` object, its `eventBody` referring to `body_ref`.
fn detail(topic: &str, body_ref: &str) -> Value {
    json!({
        "type": "object",
        "required": ["topicName", "version", "eventBody", "metadata", "timestamp"],
        "properties": {
            "topicName": {"type": "string", "pattern": topic_name_pattern(topic)},
            "version": {"type": "string"},
            "eventBody": {"$ref": body_ref},
            "metadata": {
                "type": "object",
                "properties": {"CorrelationId": {"type": "string"}}
            },
            "timestamp": {"type": "string", "format": "date-time"}
        }
    })
}

fn json_schema(topic: &str, class: &str, body: Value) -> Value {
    let (props, required) = envelope("#/$defs/Detail", json!({"const": topic}));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": topic,
        "description": format!("A Genesys Cloud event of topic {topic} as it arrives on an EventBridge bus."),
        "type": "object",
        "required": required,
        "properties": props,
        "$defs": {
            "Detail": detail(topic, &format!("#/$defs/{class}")),
            class: body,
        }
    })
}

fn openapi(topic: &str, class: &str, body: Value) -> Value {
    let one = json!({"type": "string", "enum": [topic]});
    let (props, required) = envelope("#/components/schemas/Detail", one);
    let event = json!({
        "type": "object",
        "required": required,
        "x-amazon-events-detail-type": topic,
        "x-amazon-events-source": "aws.partner/genesys.com",
        "properties": props,
    });
    json!({
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": topic},
        "paths": {},
        "components": {"schemas": {
            "AWSEvent": event,
            "Detail": detail(topic, &format!("#/components/schemas/{class}")),
            class: body,
        }}
    })
}

fn fields_schema(fields: &Fields, enums: &BTreeMap<String, Vec<String>>) -> Value {
    let props: Map<String, Value> = fields
        .iter()
        .map(|(name, ty)| (name.clone(), field_schema(name, ty, enums)))
        .collect();
    json!({"type": "object", "properties": props})
}

/// A field's schema; enum values apply to the strings it holds, directly or as items.
fn field_schema(name: &str, ty: &FieldType, enums: &BTreeMap<String, Vec<String>>) -> Value {
    match ty {
        FieldType::String => match enums.get(name).filter(|v| !v.is_empty()) {
            Some(values) => json!({"type": "string", "enum": values}),
            None => json!({"type": "string"}),
        },
        FieldType::DateTime => json!({"type": "string", "format": "date-time"}),
        FieldType::Integer => json!({"type": "integer"}),
        FieldType::Number => json!({"type": "number"}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::AnyObject => json!({"type": "object"}),
        FieldType::Array(item) => {
            json!({"type": "array", "items": field_schema(name, item, enums)})
        }
        FieldType::Map(v) => {
            json!({"type": "object", "additionalProperties": field_schema(name, v, enums)})
        }
        FieldType::Object(fields) => fields_schema(fields, enums),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_match_their_template_only() {
        let re = topic_name_pattern("v2.users.{id}.presence");
        assert_eq!(re, r"^v2\.users\.[^.]+\.presence$");
    }
}
