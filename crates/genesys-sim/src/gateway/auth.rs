//! Bearer-token authentication of `/api/v2` requests, as the Genesys API gateway does it
//! before any resource sees the request.

use std::time::Instant;

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;

use crate::backend::auth::Caller;
use crate::errors::ApiError;
use crate::state::Sim;
use crate::sync::lock;

/// The bearer token of a request, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
}

/// The caller a bearer token names, or the 401 Genesys gives.
pub fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = bearer(headers).ok_or_else(ApiError::authentication_required)?;
    lock(&sim.tokens)
        .resolve(token, Instant::now())
        .ok_or_else(ApiError::bad_credentials)
}
