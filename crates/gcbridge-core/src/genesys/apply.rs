//! Carrying out a plan against one org, step by step, safely.
//!
//! Every config write reads the current version first (but the first after our own create, whose
//! config the create made) and, on a conflict (someone edited the integration meanwhile, or the
//! API has not caught up with its own create), reads again and re-decides instead of overwriting
//! (`config_write`). After a create, twins another run made at
//! the same time are settled through the org (`settle`): one integration is kept, the others are
//! deleted, and a write that finds its integration deleted by such a run goes on with the keeper.
//! A failure stops that destination only; what was done and what failed is reported per
//! destination.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use genesys_client::{
    CreateIntegrationRequest, Error as ClientError, GenesysClient, IntendedState,
};
use serde::Serialize;

use super::config_write::{initial_config, put_config, ConflictRetry};
pub use super::event::ApplyEvent;
use super::live::read_live;
use super::plan::{Change, ChangeKind, Plan, Step};
use super::settle::{reselect, settle_after_create};
use super::twins::TwinKey;
use super::wait::{wait_active_with, PollBackoff, WaitError};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Wait for enabled destinations to report ACTIVE, at most this long.
    pub wait: Option<Duration>,
    /// How many destinations of one org are worked on at the same time. The client paces the
    /// org's requests under its rate limit, so this only hides latency.
    pub concurrency: usize,
    /// Config writes after a version conflict (eventual consistency).
    pub conflict: ConflictRetry,
    /// How `wait` polls.
    pub poll: PollBackoff,
}

/// Destinations of one org in flight at once, by default.
pub const DEFAULT_CONCURRENCY: usize = 4;

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            wait: None,
            concurrency: DEFAULT_CONCURRENCY,
            conflict: ConflictRetry::default(),
            poll: PollBackoff::default(),
        }
    }
}

/// What happened to one change.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub name: String,
    pub kind: ChangeKind,
    pub integration_id: Option<String>,
    pub steps_done: Vec<Step>,
    /// The reported state after `--wait` (or the last one seen).
    pub reported_state: Option<String>,
    pub error: Option<String>,
    /// Twins of the destination (made by another run at the same time) deleted on the way.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub twins_removed: Vec<String>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// Applies every change of `plan` in order; unchanged entries are skipped.
pub async fn apply_plan(
    client: &GenesysClient,
    plan: &Plan,
    options: &ApplyOptions,
    observe: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Vec<Outcome> {
    // Destinations are independent of each other; `buffered` keeps the report in plan order.
    stream::iter(
        plan.changes
            .iter()
            .filter(|c| c.is_change())
            .map(|change| async move {
                let mut outcome = Outcome {
                    name: change.name.clone(),
                    kind: change.kind,
                    integration_id: change.integration_id.clone(),
                    steps_done: vec![],
                    reported_state: None,
                    error: None,
                    twins_removed: vec![],
                };
                let writer = ChangeWriter {
                    client,
                    change,
                    options,
                    observe,
                };
                if let Err(e) = writer.execute(&mut outcome).await {
                    outcome.error = Some(e.to_string());
                }
                outcome
            }),
    )
    .buffered(options.concurrency.max(1))
    .collect()
    .await
}

/// Why a change stopped: a step failed, or `--wait` did not see ACTIVE. Rendered into
/// [`Outcome::error`].
#[derive(Debug, thiserror::Error)]
enum ChangeError {
    #[error("{} failed: {error}", step_label(*step))]
    Step { step: Step, error: ClientError },
    #[error("internal: {0}")]
    Internal(&'static str),
    #[error(transparent)]
    Wait(#[from] WaitError),
}

/// Why one step failed: the API refused it, or the plan was inconsistent (a bug, never input).
#[derive(Debug, thiserror::Error)]
enum StepError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("internal: {0}")]
    Internal(&'static str),
}

/// The integration a change works on: its id once it exists, and whether it is the one this change
/// just created and nothing has written yet (its config is then known without a read).
struct Target {
    id: Option<String>,
    unwritten: bool,
}

/// How many times one change goes on with another keeper after its integration was deleted.
const MAX_RESELECTIONS: u32 = 2;

/// What every write of one change needs: the org, the change, the run's options and its observer.
struct ChangeWriter<'a> {
    client: &'a GenesysClient,
    change: &'a Change,
    options: &'a ApplyOptions,
    observe: &'a (dyn Fn(ApplyEvent<'_>) + Sync),
}

impl ChangeWriter<'_> {
    /// Every step of the change in order, then `--wait`'s watch when the plan asks for it.
    async fn execute(&self, outcome: &mut Outcome) -> Result<(), ChangeError> {
        let (client, change, options, observe) =
            (self.client, self.change, self.options, self.observe);
        let name = change.name.as_str();
        let mut id = Target {
            id: change.integration_id.clone(),
            unwritten: false,
        };
        for &step in &change.steps {
            observe(ApplyEvent::StepStarted {
                destination: name,
                step,
            });
            self.run_step_settling(step, &mut id, outcome)
                .await
                .map_err(|e| match e {
                    StepError::Client(error) => ChangeError::Step { step, error },
                    StepError::Internal(what) => ChangeError::Internal(what),
                })?;
            #[cfg(debug_assertions)]
            crate::test_hooks::after_write();
            outcome.steps_done.push(step);
            observe(ApplyEvent::StepDone {
                destination: name,
                step,
            });
        }
        let enabled = change.desired.as_ref().is_some_and(|d| d.enabled);
        if let (Some(limit), Some(id), true) = (options.wait, id.id.as_deref(), enabled) {
            let state = wait_active_with(client, id, name, limit, &options.poll, observe).await?;
            outcome.reported_state = Some(state);
        }
        Ok(())
    }

    /// [`Self::run_step`]; when a write finds the integration gone (a concurrent run kept a twin of it and
    /// deleted this one), the change goes on with the keeper the org lists: its config written again
    /// first, then the step retried.
    async fn run_step_settling(
        &self,
        step: Step,
        id: &mut Target,
        outcome: &mut Outcome,
    ) -> Result<(), StepError> {
        let (client, change) = (self.client, self.change);
        let mut reselections = 0;
        loop {
            let error = match self.run_step(step, id, outcome).await {
                Err(StepError::Client(e)) if e.is_not_found() => e,
                other => return other,
            };
            let (Some(desired), Some(gone)) = (&change.desired, id.id.clone()) else {
                return Err(error.into());
            };
            if step == Step::Create || reselections == MAX_RESELECTIONS {
                return Err(error.into());
            }
            reselections += 1;
            let Ok(Some(settled)) = reselect(client, &TwinKey::of(desired), &gone).await else {
                return Err(error.into());
            };
            tracing::info!(name = %change.name, gone = %gone, keeper = %settled.keeper, "integration deleted by a concurrent run; going on with the one it kept");
            *id = Target {
                id: Some(settled.keeper.clone()),
                unwritten: false,
            };
            outcome.integration_id = Some(settled.keeper);
            outcome.twins_removed.extend(settled.removed);
            if step != Step::PutConfig && change.steps.contains(&Step::PutConfig) {
                self.run_step(Step::PutConfig, id, outcome).await?;
            }
        }
    }

    /// One write of a change; `id` is the integration's id once it exists.
    async fn run_step(
        &self,
        step: Step,
        id: &mut Target,
        outcome: &mut Outcome,
    ) -> Result<(), StepError> {
        let Self {
            client,
            change,
            options,
            observe,
        } = *self;
        let desired = || {
            change
                .desired
                .as_ref()
                .ok_or(StepError::Internal("a write without a destination"))
        };
        let existing = |id: &Target| {
            id.id
                .clone()
                .ok_or(StepError::Internal("a write before the create"))
        };
        match step {
            Step::Create => {
                // Name and type only: the notes go in the config PUT that follows.
                let req = CreateIntegrationRequest::eventbridge(&desired()?.name);
                let created = create_or_adopt(client, &req).await?;
                let settled =
                    settle_after_create(client, &TwinKey::of(desired()?), &created).await?;
                if settled.keeper != created {
                    tracing::info!(name = %change.name, ours = %created, keeper = %settled.keeper, "a concurrent run created this destination too; going on with its integration");
                }
                *id = Target {
                    unwritten: settled.keeper == created,
                    id: Some(settled.keeper.clone()),
                };
                outcome.integration_id = Some(settled.keeper);
                outcome.twins_removed.extend(settled.removed);
            }
            Step::PutConfig => {
                // Our own create's config needs no read: the create made it (see `config_write`).
                let known = match id.unwritten {
                    true => Some(initial_config(&desired()?.name)),
                    false => None,
                };
                id.unwritten = false;
                put_config(
                    client,
                    &existing(id)?,
                    desired()?,
                    known,
                    &options.conflict,
                    observe,
                )
                .await?
            }
            Step::Enable | Step::Disable => {
                let state = if step == Step::Enable {
                    IntendedState::Enabled
                } else {
                    IntendedState::Disabled
                };
                let i = client.set_intended_state(&existing(id)?, state).await?;
                outcome.reported_state = i.reported_state.map(|r| r.code);
            }
            Step::Delete => match client.delete_integration(&existing(id)?).await {
                // Already gone: the desired end state holds.
                Err(e) if e.is_not_found() => {}
                other => other?,
            },
        }
        Ok(())
    }
}

/// How many times a create whose outcome is unknown is followed up (adopt, or POST again).
const MAX_CREATE_ROUNDS: u32 = 3;

/// Whether a failed POST may nevertheless have created the integration: a 5xx, or a connection
/// that broke or timed out after the request may have been sent (the response was lost).
fn create_may_have_happened(e: &ClientError) -> bool {
    match e {
        ClientError::Server { .. } | ClientError::Timeout { .. } => true,
        ClientError::Connect { .. } | ClientError::InvalidResponse { .. } => {
            e.status().is_none_or(|s| s >= 500)
        }
        _ => false,
    }
}

/// Creates the integration and returns its id. The POST is never blindly repeated; when its
/// outcome is unknown (see [`create_may_have_happened`]) the org is read: an unconfigured
/// EventBridge integration of that name (the plan had none, else it would not create one) is the
/// one the lost response was about and is adopted; when there is none, the POST was not
/// processed and is sent again.
async fn create_or_adopt(
    client: &GenesysClient,
    req: &CreateIntegrationRequest,
) -> Result<String, ClientError> {
    let mut round = 1;
    loop {
        let err = match client.create_integration(req).await {
            Ok(created) => return Ok(created.id),
            Err(e) if round < MAX_CREATE_ROUNDS && create_may_have_happened(&e) => e,
            Err(e) => return Err(e),
        };
        round += 1;
        tracing::debug!(name = %req.name, "create failed ({err}); reading the org to adopt what it may have created");
        let live = match read_live(client).await {
            Ok(live) => live,
            // Cannot tell: report the create's own failure; a re-run plans afresh.
            Err(_) => return Err(err),
        };
        if let Some(found) = live
            .into_iter()
            .find(|l| l.name == req.name && l.is_unconfigured())
        {
            tracing::debug!(name = %req.name, id = %found.id, "adopting the integration a failed create made");
            return Ok(found.id);
        }
    }
}

/// How a step is named in messages and progress lines.
pub fn step_label(step: Step) -> &'static str {
    match step {
        Step::Create => "create integration",
        Step::PutConfig => "write config",
        Step::Enable => "enable",
        Step::Disable => "disable",
        Step::Delete => "delete integration",
    }
}
