//! `doctor`: walks the chain from the Genesys integration to the rule targets in AWS, one check at a
//! time, and says for each failure what is wrong and how to fix it. It only reads (the permission
//! probe's writes are refused before they act), except for `--probe`, whose temporary queue and
//! rule are removed again.
//!
//! This file is the walk: which links are checked in which order, and which are skipped when an
//! earlier one is broken. The links themselves live by concern: `genesys` (credentials,
//! permissions via `permissions`, the integration), `aws` (account, partner source, bus, rules),
//! `archive`, `expectations` (a rule's `expect` from the file), `targets` (with `fifo`),
//! `temporary`, `probe`; results are `report`s of checks named by `check_id`.

mod archive;
mod aws;
mod check_id;
mod dead_letter;
mod expectations;
mod fifo;
mod genesys;
mod permissions;
mod probe;
mod report;
mod roles;
mod targets;
mod temporary;

use std::collections::HashMap;
use std::future::Future;

use genesys_client::{GenesysClient, Organization};

pub use check_id::{At, CheckId};
pub use permissions::{probe_permissions, Grant, PermissionProbe, PERMISSIONS};
pub use report::{all_ok, failed_count, Check, IntegrationReport, Report, Status};

use crate::aws::AwsClients;
use crate::desired::AwsSpec;
use crate::genesys::LiveIntegration;
use crate::topics::Catalogue;
use aws::{Broken, Destination};

/// What to diagnose and how.
#[derive(Debug, Clone, Default)]
pub struct DiagnoseOptions {
    /// Only the integration of this name; all of the org's without one.
    pub name: Option<String>,
    /// Another AWS endpoint (moto, LocalStack) instead of AWS's.
    pub aws_endpoint: Option<String>,
    /// Listen on each bus this long after the checks (`--probe`).
    pub probe_seconds: Option<u64>,
    /// The config file's `[destination.aws]` by destination name, when doctor reads one: rules on
    /// the bus it does not list are reported as unmanaged, and fixes follow its `associate`.
    pub managed: Option<HashMap<String, AwsSpec>>,
}

/// The report when no session could be opened: a failed first link, with the reason.
pub fn credentials_failed(message: &str) -> Vec<IntegrationReport> {
    let mut head = Report::default();
    genesys::credentials_failed(&mut head, message);
    vec![IntegrationReport::org_wide(head)]
}

/// Walks the whole chain for the org's integrations: first the org-wide checks (credentials,
/// permissions, whether the selected integrations exist), then one report per integration.
///
/// `catalogue` is awaited only when there is an integration to check, so a broken first link is
/// reported without fetching it; its error is the only one returned, every other problem is a check.
pub async fn diagnose<E>(
    client: &GenesysClient,
    org: &Organization,
    target: &str,
    catalogue: impl Future<Output = Result<Catalogue, E>>,
    options: &DiagnoseOptions,
) -> Result<Vec<IntegrationReport>, E> {
    let mut head = Report::default();
    if !genesys::credentials(&mut head, client, org, target).await {
        return Ok(vec![IntegrationReport::org_wide(head)]);
    }
    let Some(live) = genesys::permissions(&mut head, client).await else {
        return Ok(vec![IntegrationReport::org_wide(head)]);
    };
    let chosen = genesys::select(&mut head, &live, options.name.as_deref());
    let mut reports = vec![IntegrationReport::org_wide(head)];
    if chosen.is_empty() {
        return Ok(reports);
    }
    let catalogue = catalogue.await?;
    for l in chosen {
        reports.push(IntegrationReport {
            integration: Some(format!("{} ({})", l.name, l.id)),
            checks: integration(l, &org.id, &catalogue, options).await.checks,
        });
    }
    Ok(reports)
}

/// One integration: the Genesys links, and only when it is configured (so there is an account and
/// region to look in) the AWS links and the probe.
async fn integration(
    live: &LiveIntegration,
    org_id: &str,
    catalogue: &Catalogue,
    options: &DiagnoseOptions,
) -> Report {
    let mut report = Report::default();
    let configured = genesys::check_integration(&mut report, live, catalogue);
    let Some(id) = live.source_id().filter(|_| configured) else {
        return report;
    };
    let aws = AwsClients::new(&id.region, options.aws_endpoint.as_deref()).await;
    let dest = Destination {
        aws: &aws,
        account: &id.account,
        region: &id.region,
        source: id.source_name(org_id),
        managed: options.managed.as_ref().and_then(|m| m.get(&live.name)),
    };
    // A broken AWS link ends the AWS walk; the probe still runs whenever the bus is there, and
    // the planned role is named whenever the account could be read.
    let _ = walk_aws(&mut report, &dest, live).await;
    if report.passed(CheckId::AwsCredentials) {
        roles::planned_role(&mut report, &dest).await;
    }
    if report.passed(CheckId::EventBusAssociated) {
        temporary::temporary_resources(&mut report, &aws, &dest.source).await;
    }
    if let Some(seconds) = options.probe_seconds {
        if report.passed(CheckId::EventBusAssociated) {
            probe::probe(&mut report, &aws, &dest.source, seconds).await;
        } else {
            report.skip(CheckId::Probe, "there is no associated bus to listen on");
        }
    }
    report
}

/// Account, partner source, bus, archive, rules, then per rule its pattern, expectations and
/// targets.
async fn walk_aws(
    report: &mut Report,
    dest: &Destination<'_>,
    live: &LiveIntegration,
) -> Result<(), Broken> {
    aws::account(report, dest)
        .await
        .inspect_err(|b| skip_next(report, CheckId::PartnerEventSource, b))?;
    let state = aws::partner_source(report, dest).await?;
    aws::bus(report, dest, &state)
        .await
        .inspect_err(|b| skip_next(report, CheckId::Rules, b))?;
    archive::archive(report, dest).await;
    let rules = aws::user_rules(report, dest).await?;
    let sample = aws::sample_topics(live);
    for rule in &rules {
        let routes = aws::rule_pattern(report, dest, rule, &sample).await;
        expectations::rule_expectations(report, dest, rule).await;
        if routes {
            targets::rule_targets(report, dest, rule).await;
            dead_letter::rule_dead_letters(report, dest, rule).await;
        }
    }
    Ok(())
}

fn skip_next(report: &mut Report, next: CheckId, broken: &Broken) {
    if let Some(why) = broken.skip {
        report.skip(next, why);
    }
}
