//! The emulator's own test routes under `/sim/v1/` (never `/api/v2`): request counters,
//! reset and token revocation. They need no token and are not counted.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::state::{lock, Sim};

pub async fn requests(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(lock(&sim.log).to_json())
}

pub async fn clear_requests(State(sim): State<Arc<Sim>>) -> StatusCode {
    lock(&sim.log).clear();
    StatusCode::NO_CONTENT
}

pub async fn reset(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.reset();
    StatusCode::NO_CONTENT
}

pub async fn revoke_tokens(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let revoked = lock(&sim.tokens).revoke_all();
    Json(json!({ "revoked": revoked }))
}
