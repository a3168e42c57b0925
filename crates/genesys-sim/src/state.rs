//! The shared state of a running emulator (config, clients, tokens, rate-limit windows,
//! counters, fault rules, the backend) and the one place that changes the backend, so every change is
//! persisted and every lifecycle hook call is started the same way.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::auth::{Directory, TokenStore};
use crate::backend::integrations::HookCall;
use crate::backend::Backend;
use crate::clock;
use crate::config::{OrgSpec, SimConfig};
use crate::errors::ApiError;
use crate::faults::FaultSet;
use crate::lifecycle::LifecycleHook;
use crate::persistence;
use crate::ratelimit::RateLimiter;
use crate::request_log::RequestLog;

pub struct Sim {
    pub config: SimConfig,
    pub directory: Directory,
    pub backend: Mutex<Backend>,
    pub tokens: Mutex<TokenStore>,
    pub limiter: Mutex<RateLimiter>,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<FaultSet>,
    pub hook: Arc<dyn LifecycleHook>,
}

/// Locks a mutex; a panic elsewhere must not take the whole emulator down with it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Sim {
    /// Builds the state, restoring the backend from the state file when there is one.
    pub fn new(
        config: SimConfig,
        hook: Arc<dyn LifecycleHook>,
    ) -> Result<Self, persistence::PersistError> {
        let mut backend = Backend::new(config.orgs.iter().map(|o| o.id.as_str()));
        if let Some(path) = &config.state_file {
            if let Some(saved) = persistence::load(path)? {
                backend.restore(saved);
            }
        }
        Ok(Sim {
            directory: Directory::new(&config),
            faults: Mutex::new(FaultSet::from_valid(
                config.faults.clone(),
                config.fault_seed,
            )),
            config,
            backend: Mutex::new(backend),
            tokens: Mutex::default(),
            limiter: Mutex::default(),
            log: Mutex::default(),
            hook,
        })
    }

    pub fn org(&self, org_id: &str) -> Option<&OrgSpec> {
        self.config.orgs.iter().find(|o| o.id == org_id)
    }

    pub fn read<T>(&self, f: impl FnOnce(&Backend) -> T) -> T {
        f(&lock(&self.backend))
    }

    /// Applies a change and, when it succeeded, writes the state file while still holding
    /// the lock so writes land in the order the changes happened.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Backend) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut backend = lock(&self.backend);
        let out = f(&mut backend)?;
        self.persist(&backend);
        Ok(out)
    }

    fn persist(&self, backend: &Backend) {
        if let Some(path) = &self.config.state_file {
            save_logged(path, backend);
        }
    }

    /// Runs the lifecycle hook in the background, as Genesys activates asynchronously;
    /// an activation failure turns the integration to ERROR.
    pub fn run_hook(self: &Arc<Self>, call: Option<HookCall>) {
        let Some(call) = call else { return };
        let sim = Arc::clone(self);
        tokio::spawn(async move {
            match call {
                HookCall::Activate(req) => {
                    if let Err(message) = sim.hook.activate(req.clone()).await {
                        tracing::warn!(integration = %req.integration_id, %message, "activation failed");
                        let _ = sim.write(|b| {
                            Ok(b.org_mut(&req.org_id)?.hook_failed(
                                &req.integration_id,
                                req.generation,
                                message,
                                clock::now(),
                            ))
                        });
                    }
                }
                HookCall::Deactivate(req) => sim.hook.deactivate(req).await,
            }
        });
    }

    /// `POST /sim/v1/reset`: integrations, tokens, windows and counters go; orgs stay, and
    /// the fault rules go back to the configured ones (counts zeroed, RNG reseeded).
    pub fn reset(&self) {
        {
            let mut backend = lock(&self.backend);
            backend.clear();
            self.persist(&backend);
        }
        lock(&self.tokens).revoke_all();
        lock(&self.limiter).clear();
        lock(&self.log).clear();
        lock(&self.faults).reset();
    }
}

fn save_logged(path: &Path, backend: &Backend) {
    if let Err(e) = persistence::save(path, backend) {
        tracing::error!("{e}");
    }
}
