//! Serving: the gateway middleware every request passes (latency, bearer-token auth, rate
//! limit and its headers, Genesys bodies for 405s, request counters), and `start`, which
//! binds the listener and serves in a tokio task until [`RunningSim::shutdown`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::Caller;
use crate::config::SimConfig;
use crate::errors::ApiError;
use crate::lifecycle::LifecycleHook;
use crate::persistence::PersistError;
use crate::ratelimit::Decision;
use crate::routes;
use crate::state::{lock, Sim};

/// Set by the token route on its response so the counters can name the client.
#[derive(Clone)]
pub struct ClientTag(pub String);

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

    /// Stops accepting, lets in-flight requests finish (for a few seconds at most).
    pub async fn shutdown(self) {
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

/// Starts the emulator with the default lifecycle hook.
pub async fn start(config: SimConfig, listen: SocketAddr) -> Result<RunningSim, StartError> {
    start_with_hook(config, listen, Arc::new(crate::lifecycle::NoopHook)).await
}

/// Starts the emulator with a lifecycle hook that does the real work of activation.
pub async fn start_with_hook(
    config: SimConfig,
    listen: SocketAddr,
    hook: Arc<dyn LifecycleHook>,
) -> Result<RunningSim, StartError> {
    config.validate()?;
    let sim = Arc::new(Sim::new(config, hook)?);
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
    let app = routes::router()
        .layer(axum::middleware::from_fn_with_state(sim.clone(), gateway))
        .with_state(sim);
    let (stop, stopped) = oneshot::channel::<()>();
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
    Ok(RunningSim { addr, stop, task })
}

/// The caller a bearer token names, or the 401 Genesys gives.
fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::authentication_required)?;
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
    let (mut response, mut client) = if is_api {
        api(&sim, req, next).await
    } else {
        (next.run(req).await, None)
    };
    if response.status() == StatusCode::METHOD_NOT_ALLOWED {
        // axum's method router answers 405 with an empty body; give it a Genesys one.
        let headers = std::mem::take(response.headers_mut());
        response = ApiError::method_not_allowed(method.as_str(), &path).into_response();
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
    lock(&sim.log).record(
        method.as_str(),
        template.as_deref(),
        is_api,
        response.status().as_u16(),
        client.as_deref(),
    );
    response
}
