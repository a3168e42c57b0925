//! Carrying out one org's plan in the order its halves depend on each other.
//!
//! Converge: the Genesys half first (Genesys creates the partner event source the AWS half
//! associates), then the AWS half of each destination whose Genesys half did not fail.
//! Destroy: the AWS half first, while the integration still names the bus; any AWS failure stops
//! the org before an integration is deleted, so a re-run can still find what it must clean up.

use std::time::Duration;

use genesys_client::GenesysClient;

use super::outcome::{AwsOutcome, DestinationOutcome, SkipReason};
use super::{ConvergeEvent, ConvergeOptions, Mode, OrgPlan, DEFAULT_AWS_WAIT};
use crate::aws::apply_aws;
use crate::genesys::{apply_plan, wait_active, ApplyEvent, ApplyOptions, Outcome};

/// Carries out `plan`, reporting progress to `observe`; one outcome per half touched.
pub async fn carry_out(
    client: &GenesysClient,
    plan: &OrgPlan,
    options: &ConvergeOptions,
    observe: &(dyn Fn(ConvergeEvent<'_>) + Sync),
) -> Vec<DestinationOutcome> {
    let genesys_observe = |e: ApplyEvent<'_>| observe(ConvergeEvent::Genesys(e));
    let apply_options = ApplyOptions {
        wait: options.wait,
        concurrency: options.concurrency,
        ..ApplyOptions::default()
    };
    let aws_wait = options.wait.unwrap_or(DEFAULT_AWS_WAIT);
    let mut out = Vec::new();
    match plan.mode {
        Mode::Destroy => {
            let aws = carry_out_aws(plan, &[], aws_wait, observe).await;
            let aws_failed = aws.iter().any(|o| !o.ok());
            out.extend(aws.into_iter().map(DestinationOutcome::Aws));
            if aws_failed {
                return out;
            }
            let genesys = apply_plan(client, &plan.genesys, &apply_options, &genesys_observe).await;
            out.extend(genesys.into_iter().map(DestinationOutcome::Genesys));
        }
        Mode::Converge => {
            let genesys = apply_plan(client, &plan.genesys, &apply_options, &genesys_observe).await;
            let aws = carry_out_aws(plan, &genesys, aws_wait, observe).await;
            out.extend(genesys.into_iter().map(DestinationOutcome::Genesys));
            out.extend(aws.into_iter().map(DestinationOutcome::Aws));
        }
    }
    if let Some(limit) = options.wait {
        let waited = wait_unchanged(client, plan, limit, &genesys_observe).await;
        out.extend(waited.into_iter().map(DestinationOutcome::Genesys));
    }
    out
}

/// The AWS plans with actions, in order; a destination whose Genesys half failed is skipped.
async fn carry_out_aws(
    plan: &OrgPlan,
    genesys: &[Outcome],
    wait: Duration,
    observe: &(dyn Fn(ConvergeEvent<'_>) + Sync),
) -> Vec<AwsOutcome> {
    let mut out = Vec::new();
    for part in plan.aws.iter().filter(|a| !a.plan.actions.is_empty()) {
        let destination = part.plan.destination.as_str();
        let mut outcome = AwsOutcome {
            destination: destination.to_string(),
            actions_done: vec![],
            error: None,
            skipped: None,
        };
        if genesys.iter().any(|o| o.name == destination && !o.ok()) {
            outcome.skipped = Some(SkipReason::GenesysHalfFailed);
            out.push(outcome);
            continue;
        }
        observe(ConvergeEvent::AwsStarted {
            destination,
            actions: part.plan.actions.len(),
        });
        match apply_aws(&part.clients, &part.plan, part.destination.as_ref(), wait).await {
            Ok(done) => {
                for action in &done {
                    observe(ConvergeEvent::AwsActionDone {
                        destination,
                        action,
                    });
                }
                outcome.actions_done = done;
            }
            Err(e) => outcome.error = Some(e),
        }
        out.push(outcome);
    }
    out
}

/// `wait` promises ACTIVE for every enabled destination, changed or not: the unchanged ones are
/// waited for here (the changed ones were, by the apply).
async fn wait_unchanged(
    client: &GenesysClient,
    plan: &OrgPlan,
    limit: Duration,
    observe: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for c in plan.genesys.changes.iter().filter(|c| !c.is_change()) {
        let (Some(d), Some(id)) = (&c.desired, &c.integration_id) else {
            continue;
        };
        if !d.enabled {
            continue;
        }
        let r = wait_active(client, id, &c.name, limit, observe).await;
        out.push(Outcome {
            name: c.name.clone(),
            kind: c.kind,
            integration_id: Some(id.clone()),
            steps_done: vec![],
            reported_state: r.as_ref().ok().cloned(),
            error: r.err().map(|e| e.to_string()),
            twins_removed: vec![],
        });
    }
    out
}
