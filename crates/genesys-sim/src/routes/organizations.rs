//! `GET /api/v2/organizations/me`: the caller's org, whose id names the partner event
//! source. Any authenticated client may read it.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::backend::auth::Caller;
use crate::errors::ApiError;
use crate::state::Sim;
use crate::views;

pub async fn me(State(sim): State<Arc<Sim>>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let org = sim
        .org(&caller.org_id)
        .ok_or_else(|| ApiError::not_found("organization", &caller.org_id))?;
    Ok(Json(views::organization(org)))
}
