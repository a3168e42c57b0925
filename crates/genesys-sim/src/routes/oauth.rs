//! `POST /oauth/token`: the OAuth client-credentials grant of the Genesys login host, with
//! its own error body (`error`, `description`, `error_description`), not the API's.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Form, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

use crate::request_log::ClientTag;
use crate::state::Sim;
use crate::sync::lock;

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({
            "error": error,
            "description": description,
            "error_description": description,
        })),
    )
        .into_response()
}

/// The (id, secret) of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

pub async fn token(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let bad_client = || {
        oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            // The real login host's text, whatever was wrong (DESIGN.md section 1).
            "authentication failed",
        )
    };
    let Some((id, secret)) = basic_credentials(&headers) else {
        return bad_client();
    };
    let Some(caller) = sim.directory.authenticate(&id, &secret) else {
        return bad_client();
    };
    let grant = form.ok().and_then(|Form(f)| f.get("grant_type").cloned());
    let mut response = if grant.as_deref() != Some("client_credentials") {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!(
                "grant type {} is not supported; use client_credentials",
                grant.as_deref().unwrap_or("(missing)")
            ),
        )
    } else {
        let ttl = sim.config.token_ttl;
        let token = lock(&sim.tokens).issue(caller, ttl, Instant::now());
        Json(json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": ttl.as_secs(),
        }))
        .into_response()
    };
    response.extensions_mut().insert(ClientTag(id));
    response
}
