//! `GET /api/v2/integrations/types/{typeId}` and its
//! `configschemas/{configType}`: what an integration type is and the JSON schema its
//! config must satisfy.

use axum::extract::Path;
use axum::Json;
use serde_json::Value;

use crate::auth::Caller;
use crate::errors::ApiError;
use crate::integration_types;
use crate::permissions::VIEW;

pub async fn get(caller: Caller, Path(type_id): Path<String>) -> Result<Json<Value>, ApiError> {
    ApiError::require(&caller.permissions, VIEW)?;
    let t = integration_types::find(&type_id)
        .ok_or_else(|| ApiError::not_found("integration type", &type_id))?;
    Ok(Json(t.full_json()))
}

pub async fn config_schema(
    caller: Caller,
    Path((type_id, config_type)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    ApiError::require(&caller.permissions, VIEW)?;
    let t = integration_types::find(&type_id)
        .ok_or_else(|| ApiError::not_found("integration type", &type_id))?;
    t.config_schema(&config_type)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("config schema", &config_type))
}
