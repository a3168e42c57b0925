//! `GET /api/v2/notifications/availabletopics`: the topic catalogue, each entry expanded
//! with the fields named in `expand`. Needs a token but no permission.

use axum::Json;
use serde_json::{json, Map, Value};

use crate::backend::auth::Caller;
use crate::backend::catalogue::catalogue;
use crate::routes::extract::QueryPairs;

pub async fn available(_caller: Caller, query: QueryPairs) -> Json<Value> {
    let expand = query.list("expand");
    let wants = |f: &str| expand.contains(&f);
    let entities: Vec<Value> = catalogue()
        .topics
        .iter()
        .map(|t| {
            let mut e = Map::new();
            e.insert("id".into(), json!(t.id));
            if wants("description") {
                e.insert("description".into(), json!(t.description()));
            }
            if wants("requiresPermissions") {
                e.insert("requiresPermissions".into(), json!([]));
            }
            if wants("schema") {
                e.insert("schema".into(), t.schema());
            }
            if wants("transports") {
                e.insert("transports".into(), json!(t.transports()));
            }
            if wants("publicApiTemplateUriPaths") {
                e.insert("publicApiTemplateUriPaths".into(), json!([]));
            }
            Value::Object(e)
        })
        .collect();
    Json(json!({ "entities": entities }))
}
