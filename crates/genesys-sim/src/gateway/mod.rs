//! The HTTP layer every request passes before and after its route, as the Genesys API
//! gateway and the network would: latency, fault injection, bearer-token auth, the rate
//! limit and its headers, Genesys bodies for 405s, the correlation id and the quirks that
//! reshape bodies (`shape`), and the request counters.

mod auth;
mod faults;
mod ratelimit;
pub mod shape;

use std::sync::Arc;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::connection::ConnHandle;
use crate::errors::ApiError;
use crate::faults::{FaultKind, Plan};
use crate::request_log::ClientTag;
use crate::state::Sim;
use crate::sync::lock;

/// Auth, then rate limit, then the handler, as the Genesys API gateway orders them.
async fn api(sim: &Sim, mut req: Request, next: Next) -> (Response, Option<String>) {
    let caller = match auth::authenticate(sim, req.headers()) {
        Ok(c) => c,
        Err(e) => return (e.into_response(), None),
    };
    let (decision, limit) = ratelimit::check(sim, &caller);
    let client = Some(caller.client_id.clone());
    let mut response = if decision.allowed {
        req.extensions_mut().insert(caller);
        next.run(req).await
    } else {
        let (_, window_secs) = ratelimit::budget(sim, None);
        ratelimit::too_many(limit, window_secs, decision.reset_secs)
    };
    ratelimit::rate_headers(
        response.headers_mut(),
        &decision,
        sim.config.quirks.reset_rounds_down,
    );
    (response, client)
}

/// The handling every request gets when no fault takes it over: auth and rate limit for
/// `/api/v2`, the route, a Genesys body for 405s. Returns the response and its client.
async fn handle(sim: &Sim, req: Request, next: Next, facts: &Facts) -> (Response, Option<String>) {
    let (mut response, mut client) = if facts.is_api {
        api(sim, req, next).await
    } else {
        (next.run(req).await, None)
    };
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        response = genesys_405(response, facts.method.as_str(), &facts.path);
    }
    if let Some(ClientTag(id)) = response.extensions().get::<ClientTag>() {
        client = Some(id.clone());
    }
    (shaped(sim, response).await, client)
}

/// axum's method router answers 405 with an empty body; Genesys sends its error body,
/// keeping the `Allow` header.
fn genesys_405(response: Response, method: &str, path: &str) -> Response {
    let mut genesys = ApiError::method_not_allowed(method, path).into_response();
    for (name, value) in response.headers() {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            genesys.headers_mut().insert(name.clone(), value.clone());
        }
    }
    genesys
}

async fn shaped(sim: &Sim, response: Response) -> Response {
    shape::finish(&sim.config.quirks, response).await
}

/// What the gateway learns about a request before it is handled.
struct Facts {
    method: Method,
    path: String,
    template: Option<String>,
    is_api: bool,
    /// `/api/v2` or `/oauth`: the Genesys routes that get latency and faults.
    is_genesys: bool,
    conn: Option<ConnHandle>,
}

impl Facts {
    fn of(req: &Request) -> Self {
        let path = req.uri().path().to_string();
        let is_api = path == "/api/v2" || path.starts_with("/api/v2/");
        Facts {
            method: req.method().clone(),
            template: req
                .extensions()
                .get::<MatchedPath>()
                .map(|m| m.as_str().to_string()),
            is_api,
            is_genesys: is_api || path.starts_with("/oauth/"),
            conn: req
                .extensions()
                .get::<ConnectInfo<ConnHandle>>()
                .map(|c| c.0.clone()),
            path,
        }
    }
}

/// The middleware: `/sim/` test routes pass straight through; every other request gets
/// the configured latency, its faults rolled, is handled (or not), and is counted.
pub async fn gateway(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/sim/") {
        return next.run(req).await;
    }
    let started = std::time::Instant::now();
    let facts = Facts::of(&req);
    if facts.is_genesys && !sim.config.latency.is_zero() {
        tokio::time::sleep(sim.config.latency).await;
    }
    let (plan, caller) = if facts.is_genesys {
        let template = facts.template.as_deref();
        faults::plan(&sim, &req, template, facts.is_api, facts.conn.is_some())
    } else {
        (Plan::default(), None)
    };
    if !plan.injected.is_empty() {
        lock(&sim.log).record_faults(&plan.injected);
    }
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let caller_id = caller.as_ref().map(|c| c.client_id.clone());
    let mut sent = true;
    let (response, client) = match (plan.action, &facts.conn) {
        (Some(FaultKind::Status(s)), _) => (shaped(&sim, faults::status_fault(s)).await, caller_id),
        (Some(FaultKind::RateLimit { retry_after_secs }), _) => {
            let r = faults::rate_limit_fault(&sim, retry_after_secs);
            (shaped(&sim, r).await, caller_id)
        }
        (Some(FaultKind::CloseConnection), Some(conn)) => {
            conn.close();
            sent = false;
            (StatusCode::SERVICE_UNAVAILABLE.into_response(), caller_id)
        }
        (Some(FaultKind::RevokeToken), _) => {
            let client = faults::revoke_token(&sim, req.headers());
            (
                shaped(&sim, ApiError::bad_credentials().into_response()).await,
                client,
            )
        }
        (Some(FaultKind::ConcurrentEdit), _) => {
            faults::concurrent_edit(&sim, caller.as_ref(), &facts.path);
            handle(&sim, req, next, &facts).await
        }
        (Some(FaultKind::TruncatedBody), Some(conn)) => {
            let (r, client) = handle(&sim, req, next, &facts).await;
            (faults::truncate(r, conn).await, client)
        }
        (Some(FaultKind::LoseResponse), Some(conn)) => {
            let handled = handle(&sim, req, next, &facts).await;
            conn.close();
            sent = false;
            handled
        }
        _ => handle(&sim, req, next, &facts).await,
    };
    lock(&sim.log).record(
        facts.method.as_str(),
        facts.template.as_deref(),
        facts.is_api,
        sent.then(|| response.status().as_u16()),
        client.as_deref(),
    );
    if let (Some(trace), true) = (&sim.trace, facts.is_genesys) {
        let route = facts
            .template
            .as_deref()
            .unwrap_or(crate::request_log::UNMATCHED);
        trace.record(started, facts.method.as_str(), route);
    }
    response
}
