//! The JSON Schema of gcbridge.toml, derived from the types the loader deserializes (`raw.rs`),
//! so what editors check and what gcbridge accepts cannot drift apart.
//!
//! Draft-07, the draft taplo (Even Better TOML) reads. Values (account ids, regions, ARNs) are
//! checked by gcbridge itself; the schema holds the keys, their types and what is required.

use std::sync::OnceLock;

use serde_json::{json, Value};

use super::raw::RawFile;

/// The schema's `$id`-less document, built once.
pub fn json_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::generate::SchemaSettings::draft07()
            .into_generator()
            .into_root_schema_for::<RawFile>();
        let mut value = schema.to_value();
        // The two forms do not mix: the loader refuses [[org]] beside [genesys] or [[destination]].
        value["not"] = json!({
            "anyOf": [
                { "required": ["org", "genesys"] },
                { "required": ["org", "destination"] }
            ]
        });
        value
    })
}
