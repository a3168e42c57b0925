//! Event bodies from a topic's model: every field present and typed as the catalogue declares, string
//! fields holding one of their enum values where the SDKs list some and a UUID where the name says
//! it holds ids, and the ids of the concrete topic name repeated in the body (`userId` of
//! `v2.users.{id}.presence` is that user), as Genesys does.

use std::collections::BTreeMap;

use rand::Rng;
use serde_json::{Map, Number, Value};

use super::model::{FieldType, Fields, TopicModel};
use super::time::{iso_millis, Millis};

/// What a body is built from besides the model: the rng, the event's time, and the ids of the
/// topic name by the field name they belong in.
pub(super) struct BodyMaker<'a, R> {
    pub rng: &'a mut R,
    pub now: Millis,
    pub model: &'a TopicModel,
    pub topic_ids: &'a BTreeMap<String, String>,
}

/// Whether a field named so holds ids.
fn is_id_name(name: &str) -> bool {
    name == "id" || name == "ids" || name.ends_with("Id") || name.ends_with("Ids")
}

impl<R: Rng> BodyMaker<'_, R> {
    pub fn body(&mut self) -> Value {
        let fields = &self.model.body;
        let mut out = self.object(fields);
        if let Value::Object(o) = &mut out {
            for (name, id) in self.topic_ids {
                if matches!(fields.get(name), Some(FieldType::String)) {
                    o.insert(name.clone(), Value::String(id.clone()));
                }
            }
        }
        out
    }

    fn object(&mut self, fields: &Fields) -> Value {
        let o: Map<String, Value> = fields
            .iter()
            .map(|(name, ty)| (name.clone(), self.value(name, ty)))
            .collect();
        Value::Object(o)
    }

    fn value(&mut self, name: &str, ty: &FieldType) -> Value {
        match ty {
            FieldType::String => Value::String(self.string(name)),
            FieldType::DateTime => {
                let back = self.rng.random_range(0..60_000);
                Value::String(iso_millis(self.now - back))
            }
            // Genesys sends `eventTime` of detail events as epoch milliseconds.
            FieldType::Integer if name.ends_with("Time") => Value::from(self.now),
            FieldType::Integer => Value::from(self.rng.random_range(0..1000u32)),
            FieldType::Number => {
                let n = f64::from(self.rng.random_range(0..100_000u32)) / 100.0;
                Number::from_f64(n).map_or(Value::Null, Value::Number)
            }
            FieldType::Boolean => Value::Bool(self.rng.random()),
            FieldType::AnyObject => Value::Object(Map::new()),
            FieldType::Array(item) => {
                let n = self.rng.random_range(1..=2);
                Value::Array((0..n).map(|_| self.value(name, item)).collect())
            }
            FieldType::Map(v) => {
                let n = self.rng.random_range(1..=2);
                let o = (1..=n)
                    .map(|i| (format!("key{i}"), self.value(name, v)))
                    .collect();
                Value::Object(o)
            }
            FieldType::Object(fields) => self.object(fields),
        }
    }

    fn string(&mut self, name: &str) -> String {
        if let Some(values) = self.model.enums.get(name).filter(|v| !v.is_empty()) {
            return values[self.rng.random_range(0..values.len())].clone();
        }
        if is_id_name(name) {
            return super::ids::uuid(self.rng);
        }
        format!("{name}-{}", self.rng.random_range(1..1000u32))
    }
}
