//! `POST /sim/v1/events`: publishes Genesys events to EventBridge now, as the partner
//! (see [`crate::publisher::publish`]). Needs no token and is not counted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::errors::ApiError;
use crate::publisher::{self, PublishRequest};
use crate::state::Sim;

/// The body `{"orgId"?, "integrationId"?, "suffix"?, "topic"?, "count"?, "eventBody"?}`
/// (empty means the defaults) answers `{"published", "failed", "entries": [...]}`.
pub async fn publish(State(sim): State<Arc<Sim>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let req = if body.iter().all(u8::is_ascii_whitespace) {
        PublishRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(format!(
                "The request body must be {{\"orgId\"?, \"integrationId\"?, \"suffix\"?, \"topic\"?, \"count\"?, \"eventBody\"?}}: {e}"
            ))
        })?
    };
    Ok(Json(publisher::publish(&sim, req).await?))
}
