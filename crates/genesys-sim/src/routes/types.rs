//! `GET /api/v2/integrations/types/{typeId}` and its
//! `configschemas/{configType}`: what an integration type is and the JSON schema its
//! config must satisfy.

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use crate::backend::auth::Caller;
use crate::backend::integration_types;
use crate::backend::permissions::{self, VIEW};
use crate::errors::ApiError;

pub async fn get(caller: Caller, Path(type_id): Path<String>) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, VIEW)?;
    let t = integration_types::find(&type_id)
        .ok_or_else(|| ApiError::not_found("integration type", &type_id))?;
    Ok(Json(t.full_json()))
}

pub async fn config_schema(
    caller: Caller,
    Path((type_id, config_type)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, VIEW)?;
    let t = integration_types::find(&type_id)
        .ok_or_else(|| ApiError::not_found("integration type", &type_id))?;
    t.config_schema(&config_type)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("config schema", &config_type))
}
