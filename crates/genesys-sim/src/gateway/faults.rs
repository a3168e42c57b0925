//! Carrying out the fault a request's rules chose (the choice itself is `crate::faults`):
//! the error answers, the token revocation, the concurrent edit and the cut connections.

use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::auth::bearer;
use super::ratelimit::{budget, too_many};
use crate::backend::auth::Caller;
use crate::clock;
use crate::connection::ConnHandle;
use crate::errors::ApiError;
use crate::faults::{Plan, RequestFacts};
use crate::route_table::PUT_CONFIG_ROUTE;
use crate::state::Sim;
use crate::sync::lock;

/// The integration id of a `PUT .../config/current` path.
fn config_integration_id(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v2/integrations/")?
        .strip_suffix("/config/current")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// Rolls the fault rules for one request. Also returns the caller its bearer token
/// names, when that was worth looking up.
pub fn plan(
    sim: &Sim,
    req: &Request,
    template: Option<&str>,
    is_api: bool,
    can_cut: bool,
) -> (Plan, Option<Caller>) {
    if lock(&sim.faults).is_empty() {
        return (Plan::default(), None);
    }
    let method = req.method().as_str();
    let caller = if is_api {
        bearer(req.headers()).and_then(|t| lock(&sim.tokens).resolve(t, Instant::now()))
    } else {
        None
    };
    let is_put_config = template.is_some_and(|t| PUT_CONFIG_ROUTE == format!("{method} {t}"));
    let editable = is_put_config
        && match (&caller, config_integration_id(req.uri().path())) {
            (Some(c), Some(id)) => sim.read(|b| b.org(&c.org_id).and_then(|o| o.get(id)).is_ok()),
            _ => false,
        };
    let facts = RequestFacts {
        method,
        template,
        live_token: caller.is_some(),
        editable,
        can_cut,
    };
    (lock(&sim.faults).decide(&facts), caller)
}

/// The Genesys error a status fault answers with.
pub fn status_fault(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let (code, message) = match status.as_u16() {
        500 => (
            "internal.server.error",
            "The server encountered an internal error.",
        ),
        502 => (
            "bad.gateway",
            "The gateway received an invalid response from an upstream service.",
        ),
        503 => (
            "service.unavailable",
            "The service is currently unavailable. Please try again later.",
        ),
        504 => (
            "gateway.timeout",
            "The gateway timed out waiting for an upstream service.",
        ),
        408 => ("request.timeout", "The request timed out."),
        _ => ("error", "The request failed."),
    };
    let code = if code == "error" {
        status
            .canonical_reason()
            .map(|r| {
                r.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
                    .collect::<String>()
                    .to_ascii_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .unwrap_or_else(|| "error".into())
    } else {
        code.to_string()
    };
    ApiError::new(
        status,
        &code,
        format!("{message} (fault injected by genesys-sim)"),
    )
    .into_response()
}

/// The 429 a rate-limit fault answers with, with `Retry-After` when it has one.
pub fn rate_limit_fault(sim: &Sim, retry_after_secs: Option<u64>) -> Response {
    let (limit, window_secs) = budget(sim, None);
    match retry_after_secs {
        Some(secs) => too_many(limit, window_secs, secs),
        None => ApiError::too_many_requests_no_retry(limit, window_secs).into_response(),
    }
}

/// Revokes the request's bearer token; returns its client.
pub fn revoke_token(sim: &Sim, headers: &HeaderMap) -> Option<String> {
    let token = bearer(headers)?;
    let mut tokens = lock(&sim.tokens);
    let caller = tokens.resolve(token, Instant::now());
    tokens.revoke(token);
    caller.map(|c| c.client_id)
}

/// Moves the config version of the integration a `PUT .../config/current` names on.
pub fn concurrent_edit(sim: &Sim, caller: Option<&Caller>, path: &str) {
    let (Some(caller), Some(id)) = (caller, config_integration_id(path)) else {
        return;
    };
    let now = clock::now();
    match sim.write(|b| b.org_mut(&caller.org_id)?.concurrent_edit(id, now)) {
        Ok(v) => tracing::debug!(integration = id, version = v, "concurrent-edit fault"),
        Err(e) => tracing::debug!("concurrent-edit fault found nothing to edit: {e}"),
    }
}

/// Sends the response's head and half its body, then closes the connection.
pub async fn truncate(response: Response, conn: &ConnHandle) -> Response {
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            if bytes.len() < 2 {
                // Nothing to cut in half: the connection closes instead.
                conn.close();
            } else {
                conn.truncate_after_head(bytes.len() / 2);
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(_) => {
            conn.close();
            Response::from_parts(parts, Body::empty())
        }
    }
}
