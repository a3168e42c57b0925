//! Serving: the gateway middleware every request passes (latency, fault injection,
//! bearer-token auth, rate limit and its headers, Genesys bodies for 405s, request
//! counters), and `start`, which binds the listener and serves in a tokio task until
//! [`RunningSim::shutdown`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::aws_partner::{AwsPartnerHook, PartnerAws};
use crate::backend::auth::Caller;
use crate::backend::lifecycle::LifecycleHook;
use crate::backend::ratelimit::Decision;
use crate::clock;
use crate::config::SimConfig;
use crate::connection::{ConnHandle, FaultListener};
use crate::errors::ApiError;
use crate::faults::{FaultKind, Plan, RequestFacts};
use crate::persistence::PersistError;
use crate::publisher;
use crate::request_log::ClientTag;
use crate::route_table::PUT_CONFIG_ROUTE;
use crate::routes;
use crate::state::Sim;
use crate::sync::lock;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    StateFile(#[from] PersistError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A running emulator. Dropping it leaves the server running until the runtime ends;
/// call [`RunningSim::shutdown`] to stop it.
pub struct RunningSim {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    /// The `events_per_second` publisher, when there is one.
    publisher: Option<JoinHandle<()>>,
}

impl RunningSim {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (the loopback address when listening on all interfaces).
    pub fn base_url(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() {
            Ipv4Addr::LOCALHOST.into()
        } else {
            self.addr.ip()
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Stops publishing and accepting, lets in-flight requests finish (for a few seconds
    /// at most).
    pub async fn shutdown(self) {
        if let Some(publisher) = &self.publisher {
            publisher.abort();
        }
        let _ = self.stop.send(());
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Starts the emulator. With `eventbridge_endpoint` set, partner event sources follow the
/// integrations there (see [`AwsPartnerHook`]); without, activation does no work.
pub async fn start(config: SimConfig, listen: SocketAddr) -> Result<RunningSim, StartError> {
    serve(config, listen, None).await
}

/// Starts the emulator with a lifecycle hook that does the real work of activation
/// instead of the one [`start`] picks. Events are still published to
/// `eventbridge_endpoint` when it is set.
pub async fn start_with_hook(
    config: SimConfig,
    listen: SocketAddr,
    hook: Arc<dyn LifecycleHook>,
) -> Result<RunningSim, StartError> {
    serve(config, listen, Some(hook)).await
}

async fn serve(
    config: SimConfig,
    listen: SocketAddr,
    hook: Option<Arc<dyn LifecycleHook>>,
) -> Result<RunningSim, StartError> {
    config.validate()?;
    let aws = config
        .eventbridge_endpoint
        .as_deref()
        .map(|url| Arc::new(PartnerAws::new(url, &config.partner_account)));
    let hook: Arc<dyn LifecycleHook> = match (hook, &aws) {
        (Some(h), _) => h,
        (None, Some(aws)) => Arc::new(AwsPartnerHook::new(aws.clone())),
        (None, None) => Arc::new(crate::backend::lifecycle::NoopHook),
    };
    let events_per_second = config.events_per_second;
    let sim = Arc::new(Sim::new(config, hook, aws)?);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| StartError::Bind {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: listen,
        source,
    })?;
    sim.resume_hooks();
    let publisher = publisher::spawn_rate_task(sim.clone(), events_per_second);
    let app = routes::router()
        .layer(axum::middleware::from_fn_with_state(sim.clone(), gateway))
        .with_state(sim);
    let (stop, stopped) = oneshot::channel::<()>();
    let listener = FaultListener::new(listener);
    let app = app.into_make_service_with_connect_info::<ConnHandle>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!("genesys-sim server stopped: {e}");
        }
    });
    tracing::info!(%addr, "genesys-sim listening");
    Ok(RunningSim {
        addr,
        stop,
        task,
        publisher,
    })
}

/// The bearer token of a request, if it has one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
}

/// The caller a bearer token names, or the 401 Genesys gives.
fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = bearer(headers).ok_or_else(ApiError::authentication_required)?;
    lock(&sim.tokens)
        .resolve(token, Instant::now())
        .ok_or_else(ApiError::bad_credentials)
}

fn set_header(headers: &mut HeaderMap, name: &'static str, value: impl ToString) {
    if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(name, v);
    }
}

fn rate_headers(headers: &mut HeaderMap, d: &Decision) {
    set_header(headers, "inin-ratelimit-allowed", d.limit);
    set_header(headers, "inin-ratelimit-count", d.count);
    set_header(headers, "inin-ratelimit-reset", d.reset_secs);
}

/// Auth, then rate limit, then the handler, as the Genesys API gateway orders them.
async fn api(sim: &Sim, mut req: Request, next: Next) -> (Response, Option<String>) {
    let caller = match authenticate(sim, req.headers()) {
        Ok(c) => c,
        Err(e) => return (e.into_response(), None),
    };
    let limit = sim
        .org(&caller.org_id)
        .map(|o| sim.config.rate_limit_for(o))
        .unwrap_or(sim.config.rate_limit_per_minute);
    let window = sim.config.rate_limit_window;
    let decision = lock(&sim.limiter).check(&caller.client_id, limit, window, Instant::now());
    let client = Some(caller.client_id.clone());
    let mut response = if decision.allowed {
        req.extensions_mut().insert(caller);
        next.run(req).await
    } else {
        let window_secs = window.as_secs_f64().ceil() as u64;
        let mut r = ApiError::too_many_requests(limit, window_secs).into_response();
        set_header(r.headers_mut(), RETRY_AFTER.as_str(), decision.reset_secs);
        r
    };
    rate_headers(response.headers_mut(), &decision);
    (response, client)
}

/// The handling every request gets when no fault takes it over: auth and rate limit for
/// `/api/v2`, the route, a Genesys body for 405s. Returns the response and its client.
async fn handle(
    sim: &Sim,
    req: Request,
    next: Next,
    is_api: bool,
    method: &str,
    path: &str,
) -> (Response, Option<String>) {
    let (mut response, mut client) = if is_api {
        api(sim, req, next).await
    } else {
        (next.run(req).await, None)
    };
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        // axum's method router answers 405 with an empty body; give it a Genesys one.
        let headers = std::mem::take(response.headers_mut());
        response = ApiError::method_not_allowed(method, path).into_response();
        for (name, value) in headers.iter() {
            if name != axum::http::header::CONTENT_TYPE
                && name != axum::http::header::CONTENT_LENGTH
            {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
    if let Some(ClientTag(id)) = response.extensions().get::<ClientTag>() {
        client = Some(id.clone());
    }
    (response, client)
}

/// The integration id of a `PUT .../config/current` path.
fn config_integration_id(path: &str) -> Option<&str> {
    path.strip_prefix("/api/v2/integrations/")?
        .strip_suffix("/config/current")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// Rolls the fault rules for one request. Also returns the caller its bearer token
/// names, when that was worth looking up.
fn plan_faults(
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
fn status_fault(status: u16) -> Response {
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
fn rate_limit_fault(sim: &Sim, retry_after_secs: Option<u64>) -> Response {
    let limit = sim.config.rate_limit_per_minute;
    let window_secs = sim.config.rate_limit_window.as_secs_f64().ceil() as u64;
    match retry_after_secs {
        Some(secs) => {
            let mut r = ApiError::too_many_requests(limit, window_secs).into_response();
            set_header(r.headers_mut(), RETRY_AFTER.as_str(), secs);
            r
        }
        None => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too.many.requests",
            format!(
                "Rate limit exceeded the maximum. [{limit}] requests for [{window_secs}] seconds"
            ),
        )
        .with_param("limit", limit.to_string())
        .with_param("window", window_secs.to_string())
        .into_response(),
    }
}

/// Revokes the request's bearer token; returns its client.
fn revoke_token(sim: &Sim, headers: &HeaderMap) -> Option<String> {
    let token = bearer(headers)?;
    let mut tokens = lock(&sim.tokens);
    let caller = tokens.resolve(token, Instant::now());
    tokens.revoke(token);
    caller.map(|c| c.client_id)
}

/// Moves the config version of the integration a `PUT .../config/current` names on.
fn concurrent_edit(sim: &Sim, caller: Option<&Caller>, path: &str) {
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
async fn truncate(response: Response, conn: &ConnHandle) -> Response {
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

async fn gateway(State(sim): State<Arc<Sim>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/sim/") {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let is_api = path == "/api/v2" || path.starts_with("/api/v2/");
    let is_oauth = path.starts_with("/oauth/");
    if (is_api || is_oauth) && !sim.config.latency.is_zero() {
        tokio::time::sleep(sim.config.latency).await;
    }
    let conn = req
        .extensions()
        .get::<ConnectInfo<ConnHandle>>()
        .map(|c| c.0.clone());
    let (plan, caller) = if is_api || is_oauth {
        plan_faults(&sim, &req, template.as_deref(), is_api, conn.is_some())
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
    let (response, client) = match (plan.action, &conn) {
        (Some(FaultKind::Status(s)), _) => (status_fault(s), caller_id),
        (Some(FaultKind::RateLimit { retry_after_secs }), _) => {
            (rate_limit_fault(&sim, retry_after_secs), caller_id)
        }
        (Some(FaultKind::CloseConnection), Some(conn)) => {
            conn.close();
            sent = false;
            (StatusCode::SERVICE_UNAVAILABLE.into_response(), caller_id)
        }
        (Some(FaultKind::RevokeToken), _) => {
            let client = revoke_token(&sim, req.headers());
            (ApiError::bad_credentials().into_response(), client)
        }
        (Some(FaultKind::ConcurrentEdit), _) => {
            concurrent_edit(&sim, caller.as_ref(), &path);
            handle(&sim, req, next, is_api, method.as_str(), &path).await
        }
        (Some(FaultKind::TruncatedBody), Some(conn)) => {
            let (r, client) = handle(&sim, req, next, is_api, method.as_str(), &path).await;
            (truncate(r, conn).await, client)
        }
        (Some(FaultKind::LoseResponse), Some(conn)) => {
            let handled = handle(&sim, req, next, is_api, method.as_str(), &path).await;
            conn.close();
            sent = false;
            handled
        }
        _ => handle(&sim, req, next, is_api, method.as_str(), &path).await,
    };
    lock(&sim.log).record(
        method.as_str(),
        template.as_deref(),
        is_api,
        sent.then(|| response.status().as_u16()),
        client.as_deref(),
    );
    response
}
