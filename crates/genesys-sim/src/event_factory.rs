//! Synthetic Genesys events: a concrete topic name for a template, an event body built
//! from the catalogue's field types and enum values, and the `detail` envelope Genesys
//! puts on EventBridge:
//! `{"topicName", "version": "2", "eventBody", "metadata": {"CorrelationId"}, "timestamp"}`.
//!
//! Bodies hold every field the catalogue declares: strings (an enum value when the
//! catalogue lists some for the field, a UUID when the name ends in `Id`/`id` or `Ids`),
//! integers (`eventTime` is the epoch milliseconds, as in real events), numbers,
//! booleans, date-times (RFC 3339 with milliseconds), arrays of 1 or 2 items, maps of 1
//! or 2 entries and nested objects.

use std::collections::HashMap;

use rand::seq::IndexedRandom;
use rand::Rng;
use serde_json::{json, Map, Number, Value};
use time::OffsetDateTime;

use crate::backend::catalogue::Topic;
use crate::clock;

/// The placeholder of topic templates.
pub const ID_PLACEHOLDER: &str = "{id}";

/// The template with each `{id}` replaced by a new UUID.
pub fn topic_name(template: &str) -> String {
    let mut parts = template.split(ID_PLACEHOLDER);
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        out.push_str(&uuid::Uuid::new_v4().to_string());
        out.push_str(part);
    }
    out
}

/// The `detail` of one event on the bus.
pub fn detail(topic_name: &str, event_body: Value, now: OffsetDateTime) -> Value {
    json!({
        "topicName": topic_name,
        "version": "2",
        "eventBody": event_body,
        "metadata": {"CorrelationId": uuid::Uuid::new_v4().to_string()},
        "timestamp": clock::iso(now),
    })
}

/// A body for `topic` holding every field of the catalogue, typed as declared.
pub fn event_body(topic: &Topic, rng: &mut impl Rng, now: OffsetDateTime) -> Value {
    let mut maker = Maker { rng, now };
    maker.object(&topic.event_body, &topic.enums)
}

struct Maker<'a, R> {
    rng: &'a mut R,
    now: OffsetDateTime,
}

/// A field that holds ids (or a list of them).
fn is_id_name(name: &str) -> bool {
    name == "id" || name == "ids" || name.ends_with("Id") || name.ends_with("Ids")
}

impl<R: Rng> Maker<'_, R> {
    fn object(
        &mut self,
        fields: &Map<String, Value>,
        enums: &HashMap<String, Vec<String>>,
    ) -> Value {
        let obj: Map<String, Value> = fields
            .iter()
            .map(|(name, ty)| {
                let v = self.value(name, ty, enums.get(name), enums);
                (name.clone(), v)
            })
            .collect();
        Value::Object(obj)
    }

    /// One value of catalogue type `ty` for the field `name`; `enum_values` apply to the
    /// strings it holds, directly or as array items (as in the topic's JSON schema).
    fn value(
        &mut self,
        name: &str,
        ty: &Value,
        enum_values: Option<&Vec<String>>,
        enums: &HashMap<String, Vec<String>>,
    ) -> Value {
        match ty {
            Value::String(t) => match t.as_str() {
                "string" => self.string(name, enum_values),
                "integer" => self.integer(name),
                "number" => {
                    let n = f64::from(self.rng.random_range(0..10_000u32)) / 100.0;
                    Number::from_f64(n).map_or(json!(0.5), Value::Number)
                }
                "boolean" => json!(self.rng.random_bool(0.5)),
                "date-time" => {
                    let secs = self.rng.random_range(0..3_600i64);
                    json!(clock::iso(self.now - time::Duration::seconds(secs)))
                }
                "object" => json!({}),
                _ => self.string(name, None),
            },
            Value::Object(o) => {
                if let Some(item) = o.get("array") {
                    let n = self.rng.random_range(1..=2);
                    Value::Array(
                        (0..n)
                            .map(|_| self.value(name, item, enum_values, enums))
                            .collect(),
                    )
                } else if let Some(item) = o.get("map") {
                    let n = self.rng.random_range(1..=2);
                    Value::Object(
                        (1..=n)
                            .map(|i| (format!("key{i}"), self.value("value", item, None, enums)))
                            .collect(),
                    )
                } else if let Some(Value::Object(fields)) = o.get("object") {
                    self.object(fields, enums)
                } else {
                    json!({})
                }
            }
            _ => Value::Null,
        }
    }

    fn string(&mut self, name: &str, enum_values: Option<&Vec<String>>) -> Value {
        if let Some(v) = enum_values.and_then(|values| values.choose(self.rng)) {
            return json!(v);
        }
        if is_id_name(name) {
            return json!(uuid::Uuid::new_v4().to_string());
        }
        json!(format!("{name}-{}", self.rng.random_range(100..1000u32)))
    }

    fn integer(&mut self, name: &str) -> Value {
        if name == "eventTime" {
            // Real events carry the epoch milliseconds here.
            let millis = self.now.unix_timestamp_nanos() / 1_000_000;
            return json!(i64::try_from(millis).unwrap_or(i64::MAX));
        }
        json!(self.rng.random_range(0..1000u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::catalogue::catalogue;
    use time::format_description::well_known::Rfc3339;

    /// Checks `v` against catalogue type `ty` the way a consumer reading the schema would.
    fn conforms(
        path: &str,
        v: &Value,
        ty: &Value,
        enum_values: Option<&Vec<String>>,
        enums: &HashMap<String, Vec<String>>,
    ) -> Result<(), String> {
        let fail = |what: &str| Err(format!("{path}: expected {what}, got {v}"));
        match ty {
            Value::String(t) => match t.as_str() {
                "string" => match (v.as_str(), enum_values) {
                    (Some(s), Some(values)) if !values.iter().any(|e| e == s) => {
                        fail("a value of the enum")
                    }
                    (Some(_), _) => Ok(()),
                    (None, _) => fail("a string"),
                },
                "integer" if v.is_i64() || v.is_u64() => Ok(()),
                "integer" => fail("an integer"),
                "number" if v.is_number() => Ok(()),
                "number" => fail("a number"),
                "boolean" if v.is_boolean() => Ok(()),
                "boolean" => fail("a boolean"),
                "date-time" => match v.as_str().map(|s| OffsetDateTime::parse(s, &Rfc3339)) {
                    Some(Ok(_)) => Ok(()),
                    _ => fail("an RFC 3339 date-time"),
                },
                "object" if v.is_object() => Ok(()),
                "object" => fail("an object"),
                other => fail(other),
            },
            Value::Object(o) => {
                if let Some(item) = o.get("array") {
                    let items = v.as_array().ok_or(format!("{path}: expected an array"))?;
                    if !(1..=2).contains(&items.len()) {
                        return fail("1 or 2 items");
                    }
                    for (i, x) in items.iter().enumerate() {
                        conforms(&format!("{path}[{i}]"), x, item, enum_values, enums)?;
                    }
                    Ok(())
                } else if let Some(item) = o.get("map") {
                    let m = v.as_object().ok_or(format!("{path}: expected a map"))?;
                    for (k, x) in m {
                        conforms(&format!("{path}.{k}"), x, item, None, enums)?;
                    }
                    Ok(())
                } else if let Some(Value::Object(fields)) = o.get("object") {
                    object_conforms(path, v, fields, enums)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    fn object_conforms(
        path: &str,
        v: &Value,
        fields: &Map<String, Value>,
        enums: &HashMap<String, Vec<String>>,
    ) -> Result<(), String> {
        let obj = v.as_object().ok_or(format!("{path}: expected an object"))?;
        if obj.len() != fields.len() {
            return Err(format!(
                "{path}: {} fields, catalogue has {}",
                obj.len(),
                fields.len()
            ));
        }
        for (name, ty) in fields {
            let x = obj.get(name).ok_or(format!("{path}.{name}: missing"))?;
            conforms(&format!("{path}.{name}"), x, ty, enums.get(name), enums)?;
        }
        Ok(())
    }

    #[test]
    fn every_topic_gets_a_body_of_its_declared_types() {
        let mut rng = rand::rng();
        let now = clock::now();
        for topic in &catalogue().topics {
            for _ in 0..3 {
                let body = event_body(topic, &mut rng, now);
                object_conforms(&topic.id, &body, &topic.event_body, &topic.enums)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    #[test]
    fn enums_ids_and_event_time() {
        let topic = catalogue()
            .get("v2.detail.events.conversation.{id}.customer.start")
            .unwrap();
        let now = clock::now();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..50 {
            let body = event_body(topic, &mut rand::rng(), now);
            let dir = body["direction"].as_str().unwrap().to_string();
            assert!(topic.enums["direction"].contains(&dir));
            seen.insert(dir);
            assert!(uuid::Uuid::parse_str(body["conversationId"].as_str().unwrap()).is_ok());
            assert_eq!(
                body["eventTime"].as_i64().unwrap(),
                (now.unix_timestamp_nanos() / 1_000_000) as i64
            );
        }
        assert!(seen.len() > 1, "enum values vary: {seen:?}");
    }

    #[test]
    fn topic_names_and_detail() {
        let t = "v2.audits.entitytype.{id}.entityid.{id}";
        let name = topic_name(t);
        let parts: Vec<&str> = name.split('.').collect();
        assert_eq!(parts[..3], ["v2", "audits", "entitytype"]);
        assert!(uuid::Uuid::parse_str(parts[3]).is_ok());
        assert_eq!(parts[4], "entityid");
        assert!(uuid::Uuid::parse_str(parts[5]).is_ok());
        assert_ne!(parts[3], parts[5]);
        assert_eq!(topic_name("v2.users.presence"), "v2.users.presence");
        let now = time::macros::datetime!(2024-05-01 12:00:00.5 UTC);
        let d = detail(&name, json!({"a": 1}), now);
        assert_eq!(d["topicName"], json!(name));
        assert_eq!(d["version"], "2");
        assert_eq!(d["eventBody"]["a"], 1);
        assert!(uuid::Uuid::parse_str(d["metadata"]["CorrelationId"].as_str().unwrap()).is_ok());
        assert_eq!(d["timestamp"], "2024-05-01T12:00:00.500Z");
    }
}
