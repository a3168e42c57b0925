//! `GET` and `PUT /api/v2/integrations/{integrationId}/config/current`: read the current
//! configuration, or replace it under optimistic concurrency (`version`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{Map, Value};

use crate::backend::auth::Caller;
use crate::backend::integrations::ConfigUpdate;
use crate::backend::permissions::{self, EDIT, VIEW};
use crate::clock;
use crate::errors::ApiError;
use crate::routes::extract::{opt_object, opt_string, opt_u64, Body};
use crate::state::Sim;
use crate::views;

pub async fn get(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, VIEW)?;
    sim.read_visible(&caller.org_id, &id, clock::now(), |i| {
        Json(views::config(i))
    })
}

fn config_update(body: &Map<String, Value>) -> Result<ConfigUpdate, ApiError> {
    // Checked first: a body wrong in several fields gets the 400 about its version.
    let version = opt_u64(body, "version")?;
    Ok(ConfigUpdate {
        name: opt_string(body, "name")?,
        notes: opt_string(body, "notes")?,
        version,
        properties: opt_object(body, "properties")?,
        advanced: opt_object(body, "advanced")?,
        credentials: opt_object(body, "credentials")?,
    })
}

pub async fn put(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, EDIT)?;
    let update = config_update(&body.json_object()?)?;
    let now = clock::now();
    let org_id = &caller.org_id;
    let lag = sim.config.quirks.consistency_lag;
    let it = sim.change_integration(org_id, |org| org.put_config(org_id, &id, update, now, lag))?;
    Ok(Json(views::config(&it)))
}
