//! Synthetic Genesys events and their schemas, from the bundled catalogue's body models: envelopes
//! exactly as Genesys puts them on the partner bus (for `events sample`, `events send`, doctor's and
//! plan's pattern tests), PutEvents onto a custom bus, and the JSON Schema / OpenAPI 3 of each
//! topic's event.

mod body;
mod envelope;
mod ids;
pub mod model;
mod schema;
mod send;
mod time;
mod topics;

pub use envelope::{Origin, Sampler};
pub use schema::{event_schema, SchemaFormat};
pub use send::{check_send_source, send, SendReport, SEND_SOURCE};
pub use topics::{check_topic, check_topics};
