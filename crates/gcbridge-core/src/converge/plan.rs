//! Planning one org, both halves: the live integrations read once, the Genesys plan computed from
//! them, then every destination with a `[destination.aws]` read from its account and its rules'
//! patterns tested (`expect`); for a run that will write, under the org's lock (`plan_org_locked`).

use std::path::Path;
use std::time::SystemTime;

use genesys_client::GenesysClient;

use super::{AwsPart, ConvergeError, ConvergeOptions, Desired, Mode, OrgPlan};
use crate::aws::{plan_aws, plan_aws_destroy, AwsClients, AwsError};
use crate::expect::{test_plan, PatternTests};
use crate::genesys::{destroy_plan, plan, read_live, LiveIntegration};
use crate::lock::{lock_org, Holder, LockError};

/// What [`plan_org_locked`] says about the org's lock.
#[derive(Debug)]
pub enum LockEvent<'a> {
    /// Another run holds it: this one waits.
    Waiting(&'a Holder),
    /// It cannot be taken (an unwritable folder): the run goes on without it.
    Unavailable(&'a LockError),
}

/// Where the org's lock lives and who hears about it.
#[derive(Clone, Copy)]
pub struct LockRequest<'a> {
    pub dir: &'a Path,
    pub observe: &'a (dyn Fn(LockEvent<'_>) + Sync),
}

/// The org's integrations as read before the lock was taken (with the other reads that follow
/// the token, to save a round trip), and when that read started.
pub struct EarlyLive {
    pub started: SystemTime,
    pub live: Vec<LiveIntegration>,
}

/// [`plan_org`] under the org's lock on this machine: taken before the org is read, so the plan
/// sees whatever a run that held it did; held by the returned plan until the plan is dropped, that
/// is after its carry-out. A lock that cannot be taken is reported and the run goes on: the
/// protocol through the org (`genesys::settle`) still keeps twins from staying. An `early` read is
/// used when no other run held or released the lock since it started (`OrgLock::untouched_since`);
/// otherwise the org is read again under the lock.
pub async fn plan_org_locked(
    client: &GenesysClient,
    org_id: &str,
    desired: Desired<'_>,
    options: &ConvergeOptions,
    lock: LockRequest<'_>,
    early: Option<EarlyLive>,
) -> Result<OrgPlan, ConvergeError> {
    let api = client.endpoint().api_url("/");
    let host = match (api.host_str(), api.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (h, None) => h.unwrap_or_default().to_string(),
        (None, Some(p)) => format!(":{p}"),
    };
    let on_wait = |h: &Holder| (lock.observe)(LockEvent::Waiting(h));
    let guard = match lock_org(lock.dir, org_id, &host, &on_wait).await {
        Ok(guard) => Some(guard),
        Err(e) => {
            (lock.observe)(LockEvent::Unavailable(&e));
            None
        }
    };
    let early = early.filter(|e| guard.as_ref().is_none_or(|g| g.untouched_since(e.started)));
    let live = match early {
        Some(e) => e.live,
        None => read_live(client).await?,
    };
    let mut plan = plan_org_with(org_id, desired, options, live).await?;
    plan.lock = guard;
    Ok(plan)
}

/// Reads the org and the AWS accounts its destinations name, and plans the difference.
pub async fn plan_org(
    client: &GenesysClient,
    org_id: &str,
    desired: Desired<'_>,
    options: &ConvergeOptions,
) -> Result<OrgPlan, ConvergeError> {
    let live = read_live(client).await?;
    plan_org_with(org_id, desired, options, live).await
}

/// [`plan_org`] over the org's integrations already read.
pub async fn plan_org_with(
    org_id: &str,
    desired: Desired<'_>,
    options: &ConvergeOptions,
    live: Vec<LiveIntegration>,
) -> Result<OrgPlan, ConvergeError> {
    let endpoint = options.aws_endpoint.as_deref();
    let mut aws = Vec::new();
    let (mode, genesys) = match desired {
        Desired::Converge(destinations) => {
            for d in destinations.iter().filter(|d| d.aws.is_some()) {
                let clients = AwsClients::new(&d.aws_region, endpoint).await;
                let plan = plan_aws(&clients, d, org_id)
                    .await
                    .map_err(|e| aws_error(&d.name, e))?;
                let tests = test_plan(&clients, d, &plan).await;
                aws.push(AwsPart {
                    destination: Some(d.clone()),
                    clients,
                    plan,
                    tests,
                });
            }
            (Mode::Converge, plan(destinations, &live, options.prune))
        }
        Desired::Destroy(specs) => {
            for d in specs {
                let Some(spec) = &d.aws else { continue };
                let clients = AwsClients::new(&d.aws_region, endpoint).await;
                let plan = plan_aws_destroy(&clients, &d.source_id(), &d.name, spec, org_id)
                    .await
                    .map_err(|e| aws_error(&d.name, e))?;
                aws.push(AwsPart {
                    destination: None,
                    clients,
                    plan,
                    tests: PatternTests::default(),
                });
            }
            (Mode::Destroy, destroy_plan(specs, &live))
        }
    };
    Ok(OrgPlan {
        mode,
        genesys,
        aws,
        lock: None,
    })
}

fn aws_error(destination: &str, source: AwsError) -> ConvergeError {
    ConvergeError::Aws {
        destination: destination.to_string(),
        source,
    }
}
