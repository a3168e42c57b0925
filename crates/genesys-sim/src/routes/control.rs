//! The emulator's own test routes under `/sim/v1/` (never `/api/v2`): request counters,
//! reset, token revocation, fault rules and the quirks in force. They need no token and
//! are not counted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::backend::quirks::QUIRKS;
use crate::errors::ApiError;
use crate::faults::{rules_from_json, FaultRule, FaultRuleError};
use crate::routes::extract::opt_u64;
use crate::state::Sim;
use crate::sync::lock;

pub async fn requests(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(lock(&sim.log).to_json())
}

pub async fn clear_requests(State(sim): State<Arc<Sim>>) -> StatusCode {
    lock(&sim.log).clear();
    StatusCode::NO_CONTENT
}

pub async fn reset(State(sim): State<Arc<Sim>>) -> Result<StatusCode, ApiError> {
    sim.reset()?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn revoke_tokens(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let revoked = lock(&sim.tokens).revoke_all();
    Json(json!({ "revoked": revoked }))
}

fn rule_error(e: FaultRuleError) -> ApiError {
    let field = match e.index {
        Some(i) => format!("rules[{i}].{}", e.field),
        None => e.field.clone(),
    };
    ApiError::bad_field(
        &field,
        format!("Invalid fault rule: field \"{field}\" {}.", e.problem),
    )
}

fn json_body(bytes: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("The request body is not valid JSON: {e}")))
}

/// `GET /sim/v1/faults`: `{"seed", "rules": [{...rule, "injected": n}]}`.
pub async fn faults(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(lock(&sim.faults).to_json())
}

/// `PUT /sim/v1/faults`: replaces every rule. The body is an array of rules, or
/// `{"rules": [...], "seed": n}` to restart the RNG too. All or nothing.
pub async fn replace_faults(
    State(sim): State<Arc<Sim>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let body = json_body(&body)?;
    let (rules, seed) = match &body {
        Value::Array(_) => (rules_from_json(&body).map_err(rule_error)?, None),
        Value::Object(o) => {
            if let Some(k) = o.keys().find(|k| *k != "rules" && *k != "seed") {
                return Err(ApiError::bad_field(
                    k,
                    format!("The field {k} is unknown: send an array of rules or {{\"rules\": [...], \"seed\": n}}."),
                ));
            }
            let rules =
                rules_from_json(o.get("rules").unwrap_or(&Value::Null)).map_err(rule_error)?;
            let seed = opt_u64(o, "seed")?;
            (rules, seed)
        }
        other => {
            return Err(ApiError::bad_field(
                "rules",
                format!(
                "The body must be an array of fault rules or {{\"rules\": [...]}}; got {other}."
            ),
            ))
        }
    };
    let mut set = lock(&sim.faults);
    set.replace(rules, seed).map_err(rule_error)?;
    Ok(Json(set.to_json()))
}

/// `POST /sim/v1/faults`: adds one rule after the others.
pub async fn add_fault(
    State(sim): State<Arc<Sim>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let rule = FaultRule::from_json(&json_body(&body)?).map_err(rule_error)?;
    let mut set = lock(&sim.faults);
    set.add(rule).map_err(rule_error)?;
    Ok((StatusCode::CREATED, Json(set.to_json())))
}

/// `DELETE /sim/v1/faults`: no more faults.
pub async fn clear_faults(State(sim): State<Arc<Sim>>) -> StatusCode {
    lock(&sim.faults).clear();
    StatusCode::NO_CONTENT
}

/// `GET /sim/v1/quirks`: `{"active": ["no-expand", "consistency-lag=1500"], "known": [{"name",
/// "usage", "default", "description"}]}` (quirks are set at start only).
pub async fn quirks(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let known: Vec<Value> = QUIRKS
        .iter()
        .map(|q| {
            json!({
                "name": q.name,
                "usage": q.usage(),
                "default": q.value().map(|v| v.default),
                "description": q.description,
            })
        })
        .collect();
    Json(json!({ "active": sim.config.quirks.names(), "known": known }))
}
