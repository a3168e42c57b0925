//! The shared state of a running emulator (config, clients, tokens, rate-limit windows,
//! counters, fault rules, the backend) and the one place that changes the backend, so every change is
//! persisted and every lifecycle hook call is started the same way.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use axum::http::StatusCode;
use time::OffsetDateTime;

use crate::aws_partner::PartnerAws;
use crate::backend::auth::{Directory, Grant, TokenStore};
use crate::backend::integrations::OrgIntegrations;
use crate::backend::lifecycle::{BoxFuture, LifecycleHook};
use crate::backend::model::{HookCall, Integration};
use crate::backend::ratelimit::RateLimiter;
use crate::backend::Backend;
use crate::clock;
use crate::config::{OrgSpec, SimConfig};
use crate::errors::ApiError;
use crate::faults::FaultSet;
use crate::persistence;
use crate::request_log::RequestLog;
use crate::request_trace::RequestTrace;
use crate::sync::{self, lock};

pub struct Sim {
    pub config: SimConfig,
    pub directory: Directory,
    pub backend: RwLock<Backend>,
    pub tokens: Mutex<TokenStore>,
    pub limiter: Mutex<RateLimiter>,
    pub log: Mutex<RequestLog>,
    pub faults: Mutex<FaultSet>,
    pub hook: Arc<dyn LifecycleHook>,
    /// The partner side of EventBridge, when `eventbridge_endpoint` is set.
    pub aws: Option<Arc<PartnerAws>>,
    pub trace: Option<RequestTrace>,
}

impl Sim {
    /// Builds the state, restoring the backend from the state file when there is one.
    pub fn new(
        config: SimConfig,
        hook: Arc<dyn LifecycleHook>,
        aws: Option<Arc<PartnerAws>>,
    ) -> Result<Self, persistence::PersistError> {
        let mut backend = Backend::new(config.orgs.iter().map(|o| o.id.as_str()));
        if let Some(path) = &config.state_file {
            if let Some(saved) = persistence::load(path)? {
                backend.restore(saved);
            }
        }
        let trace = match &config.request_trace {
            Some(path) => Some(RequestTrace::create(path).map_err(|source| {
                persistence::PersistError::Io {
                    path: path.clone(),
                    source,
                }
            })?),
            None => None,
        };
        Ok(Sim {
            trace,
            directory: Directory::new(grants(&config)),
            faults: Mutex::new(FaultSet::from_valid(
                config.faults.clone(),
                config.fault_seed,
            )),
            backend: RwLock::new(backend),
            tokens: Mutex::default(),
            limiter: Mutex::default(),
            log: Mutex::default(),
            hook,
            aws,
            config,
        })
    }

    pub fn org(&self, org_id: &str) -> Option<&OrgSpec> {
        self.config.orgs.iter().find(|o| o.id == org_id)
    }

    pub fn read<T>(&self, f: impl FnOnce(&Backend) -> T) -> T {
        f(&sync::read(&self.backend))
    }

    /// Applies a change and, when it succeeded, writes the state file while still holding
    /// the lock so writes land in the order the changes happened.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut Backend) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut backend = sync::write(&self.backend);
        let before = self.snapshot(&backend);
        let out = f(&mut backend)?;
        self.persist_or_roll_back(&mut backend, before)?;
        Ok(out)
    }

    /// A copy to roll back to, when there is a state file that a change may fail to reach.
    fn snapshot(&self, backend: &Backend) -> Option<Backend> {
        self.config.state_file.as_ref().map(|_| backend.clone())
    }

    /// Persists a change before it is acknowledged; when the state file cannot be written the
    /// change is undone, so what the caller is told (500) is what a restart will show.
    fn persist_or_roll_back(
        &self,
        backend: &mut Backend,
        before: Option<Backend>,
    ) -> Result<(), ApiError> {
        let (Some(path), Some(before)) = (&self.config.state_file, before) else {
            return Ok(());
        };
        persistence::save(path, backend).map_err(|e| {
            tracing::error!("change rolled back: {e}");
            *backend = before;
            not_persisted(path)
        })
    }

    /// Applies a change that may leave work for the lifecycle hook, then starts that work:
    /// a gating hook's activation is marked as awaited in the same locked step, and the
    /// hook is called before the lock is released so it sees the changes in their order.
    /// The work itself runs in the background, as Genesys activates asynchronously.
    pub fn change<T>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Backend) -> Result<(T, Option<HookCall>), ApiError>,
    ) -> Result<T, ApiError> {
        self.change_then(f, |_, out| out)
    }

    /// One integration of `org_id` as a GET sees it: deleted ones still visible while the
    /// deleted-linger quirk keeps them, else a 404.
    pub fn read_visible<T>(
        &self,
        org_id: &str,
        id: &str,
        now: OffsetDateTime,
        f: impl FnOnce(&Integration) -> T,
    ) -> Result<T, ApiError> {
        let linger = self.config.quirks.deleted_linger;
        self.read(|b| Ok(f(b.org(org_id)?.get_visible(id, now, linger)?)))
    }

    /// [`Sim::change`] for a change to one integration of `org_id`: `f` gets the org's
    /// integrations and returns the integration it changed, and the returned copy shows the
    /// lifecycle as stored after the hook was set up.
    pub fn change_integration(
        self: &Arc<Self>,
        org_id: &str,
        f: impl FnOnce(&mut OrgIntegrations) -> Result<(Integration, Option<HookCall>), ApiError>,
    ) -> Result<Integration, ApiError> {
        self.change_then(
            |b| f(b.org_mut(org_id)?),
            |b, mut it| {
                if let Ok(stored) = b.org(org_id).and_then(|o| o.get(&it.id)) {
                    it.lifecycle = stored.lifecycle.clone();
                }
                it
            },
        )
    }

    fn change_then<T, R>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Backend) -> Result<(T, Option<HookCall>), ApiError>,
        then: impl FnOnce(&Backend, T) -> R,
    ) -> Result<R, ApiError> {
        let (out, work) = {
            let mut backend = sync::write(&self.backend);
            let before = self.snapshot(&backend);
            let (out, call) = f(&mut backend)?;
            if let (Some(HookCall::Activate(req)), true) = (&call, self.hook.gates_activation()) {
                if let Ok(org) = backend.org_mut(&req.org_id) {
                    org.await_hook(&req.integration_id, req.generation);
                }
            }
            // Rolled back, the change leaves the hook uncalled: nothing happened.
            self.persist_or_roll_back(&mut backend, before)?;
            let work = call.map(|c| self.start_hook(c));
            (then(&backend, out), work)
        };
        if let Some(work) = work {
            tokio::spawn(work);
        }
        Ok(out)
    }

    /// Calls the hook now and returns the rest of its work: recording the verdict of an
    /// activation (ERROR with the hook's message, or the end of the wait for it).
    fn start_hook(self: &Arc<Self>, call: HookCall) -> BoxFuture<()> {
        match call {
            HookCall::Activate(req) => {
                let pending = self.hook.activate(req.clone());
                let sim = Arc::clone(self);
                Box::pin(async move {
                    let verdict = pending.await;
                    if verdict.is_ok() && !sim.hook.gates_activation() {
                        return;
                    }
                    let now = clock::now();
                    let _ = sim.write(|b| {
                        let org = b.org_mut(&req.org_id)?;
                        Ok(match verdict {
                            Ok(()) => org.hook_succeeded(&req.integration_id, req.generation, now),
                            Err(message) => {
                                tracing::warn!(integration = %req.integration_id, %message, "activation failed");
                                org.hook_failed(&req.integration_id, req.generation, message, now)
                            }
                        })
                    });
                })
            }
            HookCall::Deactivate(req) => self.hook.deactivate(req),
        }
    }

    /// Redoes the activations a restored state file left ACTIVATING or ACTIVE, so the
    /// hook (and AWS) catches up with them; ACTIVE ones stay ACTIVE unless the hook fails.
    pub fn resume_hooks(self: &Arc<Self>) {
        let requests: Vec<_> = self.read(|b| {
            b.orgs
                .iter()
                .flat_map(|(id, org)| org.resumable(id))
                .collect()
        });
        for req in requests {
            let work = self.start_hook(HookCall::Activate(req));
            tokio::spawn(work);
        }
    }

    /// `POST /sim/v1/reset`: integrations, tokens, windows and counters go; orgs stay, and
    /// the fault rules go back to the configured ones (counts zeroed, RNG reseeded).
    /// Integrations that were active are deactivated first (their partner event sources
    /// are deleted), as if each had been deleted.
    pub fn reset(self: &Arc<Self>) -> Result<(), ApiError> {
        {
            let mut backend = sync::write(&self.backend);
            let before = self.snapshot(&backend);
            let now = clock::now();
            let delay = self.config.activation_delay;
            let mut calls = Vec::new();
            for (org_id, org) in backend.orgs.iter_mut() {
                let ids: Vec<String> = org.integrations.iter().map(|i| i.id.clone()).collect();
                for id in ids {
                    if let Ok((_, Some(call))) = org.delete(org_id, &id, now, delay, None) {
                        calls.push(call);
                    }
                }
            }
            backend.clear();
            // Hooks only once the reset is on disk: a rolled-back reset deactivates nothing.
            self.persist_or_roll_back(&mut backend, before)?;
            for call in calls {
                tokio::spawn(self.start_hook(call));
            }
        }
        lock(&self.tokens).revoke_all();
        lock(&self.limiter).clear();
        lock(&self.log).clear();
        lock(&self.faults).reset();
        Ok(())
    }
}

/// Every client of every org, as the token endpoint's directory takes them.
fn grants(config: &SimConfig) -> impl Iterator<Item = Grant<'_>> {
    config.orgs.iter().flat_map(|org| {
        org.clients.iter().map(|c| Grant {
            org_id: &org.id,
            client_id: &c.id,
            secret: &c.secret,
            permissions: &c.permissions,
        })
    })
}

/// The 500 of a change the state file could not take: it names the file (never a secret) and
/// says the change did not happen.
fn not_persisted(path: &Path) -> ApiError {
    let path = path.display().to_string();
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal.server.error",
        format!("The change was not made: the emulator cannot write its state file {path}."),
    )
    .with_param("stateFile", path)
}
