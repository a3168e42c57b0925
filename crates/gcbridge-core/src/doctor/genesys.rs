//! The Genesys links: the credentials and permissions of the OAuth client (once per org), then per
//! integration that it exists, is enabled, reported ACTIVE, configured, and subscribes valid topics.

use genesys_client::{GenesysClient, Organization};

use super::check_id::CheckId;
use super::permissions::{probe_permissions, Grant, PermissionProbe, VIEW};
use super::report::Report;
use crate::genesys::{read_live, LiveIntegration};
use crate::topics::Catalogue;

/// The session could not be opened: the chain ends at its first link.
pub(super) fn credentials_failed(report: &mut Report, message: &str) {
    report.fail(
        CheckId::GenesysCredentials,
        message,
        "fix the credentials or the region named above",
    );
}

/// The session is open: says which org, where, and how long the token lasts.
pub(super) async fn credentials(
    report: &mut Report,
    client: &GenesysClient,
    org: &Organization,
    target: &str,
) -> bool {
    let secs = match crate::genesys::token_lifetime(client).await {
        Ok((_, secs)) => secs,
        Err(e) => {
            credentials_failed(report, &e.to_string());
            return false;
        }
    };
    report.pass(
        CheckId::GenesysCredentials,
        format!(
            "org {} ({}) at {target}, token valid {secs} s",
            org.name, org.id
        ),
    );
    true
}

/// Lists the integrations (the view permission doctor needs), then probes the other three as
/// `whoami` does: missing ones do not break the chain, but apply and delete would fail.
pub(super) async fn permissions(
    report: &mut Report,
    client: &GenesysClient,
) -> Option<Vec<LiveIntegration>> {
    let live = match read_live(client).await {
        Ok(l) => l,
        Err(e) => {
            report.fail(
                CheckId::Permissions,
                e.to_string(),
                format!("grant the OAuth client a role with {VIEW}"),
            );
            return None;
        }
    };
    let probes = probe_permissions(client).await;
    let lacking: Vec<String> = probes
        .iter()
        .filter(|p| p.status != Grant::Granted && p.permission != VIEW)
        .map(describe)
        .collect();
    let listed = format!("{VIEW} granted (integrations listed)");
    if lacking.is_empty() {
        report.pass(
            CheckId::Permissions,
            format!("{listed}; add, edit and delete granted"),
        );
    } else {
        report.warn(
            CheckId::Permissions,
            format!("{listed}; not granted: {}", lacking.join(", ")),
            Some("apply and delete need them: give the OAuth client a role that holds them (Admin > Roles / Permissions, then the client's Roles tab)".into()),
        );
    }
    Some(live)
}

fn describe(p: &PermissionProbe) -> String {
    match &p.detail {
        Some(d) => format!("{} ({}: {d})", p.permission, p.status.as_str()),
        None => format!("{} ({})", p.permission, p.status.as_str()),
    }
}

/// The integrations `name` selects (all without one); none is a failed "integration exists".
pub(super) fn select<'a>(
    report: &mut Report,
    live: &'a [LiveIntegration],
    name: Option<&str>,
) -> Vec<&'a LiveIntegration> {
    let chosen: Vec<_> = live
        .iter()
        .filter(|l| name.is_none_or(|n| l.name == n))
        .collect();
    if chosen.is_empty() {
        let what = match name {
            Some(n) => format!("no EventBridge integration named \"{n}\""),
            None => "the org has no EventBridge integration".to_string(),
        };
        let names: Vec<&str> = live.iter().map(|l| l.name.as_str()).collect();
        let fix = if names.is_empty() {
            "create one with gcbridge apply".to_string()
        } else {
            format!("the org has: {}", names.join(", "))
        };
        report.fail(CheckId::IntegrationExists, what, fix);
    }
    chosen
}

/// The links of one integration. Returns whether it is configured, i.e. whether the chain can
/// continue into AWS.
pub(super) fn check_integration(
    report: &mut Report,
    live: &LiveIntegration,
    catalogue: &Catalogue,
) -> bool {
    report.pass(
        CheckId::IntegrationExists,
        format!("{} ({})", live.name, live.id),
    );
    enabled(report, live);
    active(report, live);
    let configured = live.source_id().is_some();
    if !configured {
        report.fail(
            CheckId::IntegrationConfigured,
            "no awsAccountId / awsAccountRegion / eventSourceSuffix: an earlier run stopped after creating it",
            "run gcbridge apply for this destination again: it completes the configuration",
        );
    }
    topics(report, live, catalogue);
    configured
}

fn enabled(report: &mut Report, live: &LiveIntegration) {
    if live.enabled {
        report.pass(CheckId::IntegrationEnabled, "intendedState ENABLED");
    } else {
        report.fail(
            CheckId::IntegrationEnabled,
            "intendedState is DISABLED: Genesys sends no events",
            format!("gcbridge apply with enabled = true for \"{}\" (or enable it in Admin > Integrations)", live.name),
        );
    }
}

fn active(report: &mut Report, live: &LiveIntegration) {
    let id = CheckId::IntegrationActive;
    match live.reported_code.as_deref() {
        Some("ACTIVE") => report.pass(id, "reportedState ACTIVE"),
        Some("ERROR") => report.fail(
            id,
            format!(
                "reportedState ERROR: {}",
                live.reported_detail.as_deref().unwrap_or("no detail given")
            ),
            "fix what the error names (usually the AWS account or region), then re-apply; Genesys retries on the next enable",
        ),
        Some(other) if live.enabled => report.fail(
            id,
            format!("reportedState {other}"),
            "wait a minute and run doctor again; `gcbridge apply --wait` waits for ACTIVE",
        ),
        other => report.fail(
            id,
            format!("reportedState {}", other.unwrap_or("unknown")),
            "enable the integration first",
        ),
    }
}

fn topics(report: &mut Report, live: &LiveIntegration, catalogue: &Catalogue) {
    let id = CheckId::TopicsValid;
    if live.topics.is_empty() {
        report.fail(
            id,
            "the event filter is empty: nothing is sent",
            "add topics and re-apply",
        );
        return;
    }
    let bad: Vec<&str> = live
        .topics
        .iter()
        .filter(|t| !catalogue.get(t).is_some_and(|i| i.eventbridge))
        .map(String::as_str)
        .collect();
    if bad.is_empty() {
        report.pass(
            id,
            format!("{} topic(s), all carried by EventBridge", live.topics.len()),
        );
    } else {
        report.fail(
            id,
            format!(
                "not in the catalogue or not sent to EventBridge: {}",
                bad.join(", ")
            ),
            "remove or replace them (`gcbridge topics --search ...`) and re-apply",
        );
    }
}
