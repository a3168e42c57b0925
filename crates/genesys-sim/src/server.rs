//! Serving: `start` validates the config, builds the state, binds the listener and serves
//! the router behind the gateway in a tokio task until [`RunningSim::shutdown`].

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::aws_partner::{AwsPartnerHook, PartnerAws};
use crate::backend::lifecycle::{LifecycleHook, NoopHook};
use crate::config::SimConfig;
use crate::connection::{ConnHandle, FaultListener};
use crate::gateway;
use crate::persistence::PersistError;
use crate::publisher;
use crate::routes;
use crate::state::Sim;
use crate::state_guard;

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
        (None, None) => Arc::new(NoopHook),
    };
    let events_per_second = config.events_per_second;
    let state_lock = match &config.state_file {
        Some(path) => Some(state_guard::acquire(path)?),
        None => None,
    };
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
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            gateway::gateway,
        ))
        .with_state(sim);
    let (stop, stopped) = oneshot::channel::<()>();
    let listener = FaultListener::new(listener);
    let app = app.into_make_service_with_connect_info::<ConnHandle>();
    let task = tokio::spawn(async move {
        // The state file stays locked while this task serves, and is released when it ends.
        let _state_lock = state_lock;
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
