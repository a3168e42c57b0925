//! The per-client rate limit of `/api/v2` and its `inin-ratelimit-*` and `Retry-After`
//! headers, which clients pace themselves on.

use std::time::Instant;

use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::backend::auth::Caller;
use crate::backend::ratelimit::Decision;
use crate::errors::ApiError;
use crate::state::Sim;
use crate::sync::lock;

/// The limit and window of the caller's org, in whole seconds for the error message.
pub fn budget(sim: &Sim, org_id: Option<&str>) -> (u32, u64) {
    let limit = org_id
        .and_then(|id| sim.org(id))
        .map(|o| sim.config.rate_limit_for(o))
        .unwrap_or(sim.config.rate_limit_per_minute);
    let window_secs = sim.config.rate_limit_window.as_secs_f64().ceil() as u64;
    (limit, window_secs)
}

/// Counts the request against the caller's window.
pub fn check(sim: &Sim, caller: &Caller) -> (Decision, u32) {
    let (limit, _) = budget(sim, Some(&caller.org_id));
    let window = sim.config.rate_limit_window;
    let decision = lock(&sim.limiter).check(&caller.client_id, limit, window, Instant::now());
    (decision, limit)
}

/// The 429 Genesys sends when a client must wait `retry_after_secs`.
pub fn too_many(limit: u32, window_secs: u64, retry_after_secs: u64) -> Response {
    let mut r = ApiError::too_many_requests(limit, window_secs).into_response();
    set_header(r.headers_mut(), RETRY_AFTER.as_str(), retry_after_secs);
    r
}

pub fn set_header(headers: &mut HeaderMap, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(name, v);
    }
}

/// `round_down`: the reset countdown as whole seconds rounded down (a plausible reading of the
/// real header that the emulator plays with the `reset-rounds-down` quirk), else rounded up.
pub fn rate_headers(headers: &mut HeaderMap, d: &Decision, round_down: bool) {
    set_header(headers, "inin-ratelimit-allowed", d.limit);
    set_header(headers, "inin-ratelimit-count", d.count);
    let reset = if round_down {
        d.reset_floor_secs
    } else {
        d.reset_secs
    };
    set_header(headers, "inin-ratelimit-reset", reset);
}
