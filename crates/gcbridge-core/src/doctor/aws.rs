//! The AWS links of one integration: the credentials' account, the partner event source, its bus,
//! the rules on it and whether each rule's pattern can match what Genesys sends (TestEventPattern
//! against a synthetic event per subscribed topic).
//!
//! Each link reports its checks and says whether the chain can go on ([`Broken`]); which later
//! links are then skipped is decided by the walk in `mod.rs`.

use crate::aws::partner::{self, SourceState};
use crate::aws::rules::{self, LiveRule};
use crate::aws::temporary;
use crate::aws::AwsClients;
use crate::desired::AwsSpec;
use crate::genesys::LiveIntegration;

use super::check_id::CheckId;
use super::report::Report;

/// Where one integration's events go: the partner event source (and bus) in an account and region.
pub(super) struct Destination<'a> {
    pub aws: &'a AwsClients,
    pub account: &'a str,
    pub region: &'a str,
    /// The partner event source name, which is also its bus's name.
    pub source: String,
    /// The file's `[destination.aws]` of this integration, when doctor was given the file.
    pub managed: Option<&'a AwsSpec>,
}

/// The fix for a bus that belongs to a deleted source while the new source of its name waits
/// PENDING: CreateEventBus of an existing name is refused, so the bus is re-created.
fn reassociate_fix(d: &Destination<'_>) -> String {
    let (source, region) = (&d.source, d.region);
    let manual = format!("by hand: note the bus's rules and targets (aws events list-rules --event-bus-name {source}), delete them, aws events delete-event-bus --region {region} --name {source}, aws events create-event-bus --region {region} --name {source} --event-source-name {source}, then put the rules and targets back");
    match d.managed.map(|a| a.associate) {
        Some(false) => format!("associate = false, so gcbridge does not manage the bus: {manual} (or set associate = true and run gcbridge apply)"),
        _ => format!("run gcbridge apply: with associate = true it re-creates the bus from the new source and puts the rules and targets back (or {manual})"),
    }
}

/// A broken link; `skip` is the reason to give the next link when it is reported as skipped.
pub(super) struct Broken {
    pub skip: Option<&'static str>,
}

const fn broken() -> Broken {
    Broken { skip: None }
}

pub(super) async fn account(report: &mut Report, d: &Destination<'_>) -> Result<(), Broken> {
    let (account, region) = (d.account, d.region);
    match d.aws.account().await {
        Ok(a) if a == account => {
            report.pass(
                CheckId::AwsCredentials,
                format!("account {a}, region {region}"),
            );
            Ok(())
        }
        Ok(a) => {
            report.fail(
                CheckId::AwsCredentials,
                format!("the AWS credentials belong to account {a}, but the integration sends to account {account}"),
                format!("use credentials of account {account} (AWS_PROFILE=...), or change aws_account_id if {account} is wrong"),
            );
            Err(Broken {
                skip: Some("needs credentials of the destination's account"),
            })
        }
        Err(e) => {
            let skip = if e.unreachable {
                "needs a reachable AWS endpoint"
            } else if e.is_transient() {
                "needs an answer from AWS"
            } else {
                "needs AWS credentials"
            };
            let help = e.advice("configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO)");
            report.fail(CheckId::AwsCredentials, e.to_string(), help);
            Err(Broken { skip: Some(skip) })
        }
    }
}

/// Any state but an error reading it lets the chain go on: the bus check says what follows from it.
pub(super) async fn partner_source(
    report: &mut Report,
    d: &Destination<'_>,
) -> Result<SourceState, Broken> {
    let id = CheckId::PartnerEventSource;
    let (source, account, region) = (&d.source, d.account, d.region);
    let state = match partner::source_state(d.aws, source).await {
        Ok(s) => s,
        Err(e) => {
            report.fail(
                id,
                e.to_string(),
                e.advice("check the AWS permissions events:DescribeEventSource"),
            );
            return Err(broken());
        }
    };
    match &state {
        SourceState::Active => report.pass(id, format!("{source} is ACTIVE")),
        SourceState::Pending if bus_exists(d).await => report.fail(
            id,
            format!("{source} is PENDING although a bus of its name exists: the integration was disabled and enabled again, Genesys created a new source, and the bus still belongs to the deleted one, so the new source's events are dropped{}", expiry(d).await),
            reassociate_fix(d),
        ),
        SourceState::Pending => report.fail(
            id,
            format!("{source} is PENDING: it is not associated with an event bus, so its events are dropped{}", expiry(d).await),
            format!("set associate = true in [destination.aws] and run gcbridge apply, or: aws events create-event-bus --region {region} --name {source} --event-source-name {source}"),
        ),
        SourceState::Deleted => report.fail(
            id,
            format!("{source} is DELETED (the integration was disabled, deleted or re-pointed)"),
            "disable and enable the integration again so Genesys creates a new source, then associate it again",
        ),
        SourceState::Missing => report.fail(
            id,
            format!("{source} does not exist in account {account} {region}: Genesys has not created it"),
            "check that the integration is ACTIVE and that its awsAccountId and awsAccountRegion are this account and region",
        ),
        SourceState::Other(s) => report.fail(id, format!("{source} is {s}"), "check it in the EventBridge console"),
    }
    Ok(state)
}

/// When AWS deletes a PENDING source (its ExpirationTime), as a clause; empty when unknown.
async fn expiry(d: &Destination<'_>) -> String {
    let Ok(Some(at)) = partner::expiration(d.aws, &d.source).await else {
        return String::new();
    };
    let left = at - time::OffsetDateTime::now_utc();
    let when = if left.is_negative() {
        "already passed".to_string()
    } else if left.whole_days() >= 1 {
        format!("in {} day(s)", left.whole_days())
    } else {
        format!("in {} hour(s)", left.whole_hours())
    };
    format!(
        "; AWS deletes it at its ExpirationTime {} ({when}) unless a bus is created from it",
        crate::window::rfc3339(at)
    )
}

async fn bus_exists(d: &Destination<'_>) -> bool {
    matches!(partner::bus_arn(d.aws, &d.source).await, Ok(Some(_)))
}

/// The bus exists and is associated with the source: a bus behind a PENDING source belongs to a
/// deleted one (its rules are still checked: they come back with the bus).
pub(super) async fn bus(
    report: &mut Report,
    d: &Destination<'_>,
    state: &SourceState,
) -> Result<(), Broken> {
    let source = &d.source;
    match partner::bus_arn(d.aws, source).await {
        Ok(Some(arn)) if *state == SourceState::Pending => {
            report.fail(
                CheckId::EventBusAssociated,
                format!("{arn} exists but is associated with the deleted event source, not the new PENDING one"),
                reassociate_fix(d),
            );
            Ok(())
        }
        Ok(Some(arn)) => {
            report.pass(CheckId::EventBusAssociated, arn);
            Ok(())
        }
        Ok(None) => {
            report.fail(
                CheckId::EventBusAssociated,
                format!("no event bus named {source}"),
                format!("associate the source: set associate = true and run gcbridge apply (or aws events create-event-bus --name {source} --event-source-name {source})"),
            );
            Err(Broken {
                skip: Some("there is no bus to hold them"),
            })
        }
        Err(e) => {
            report.fail(
                CheckId::EventBusAssociated,
                e.to_string(),
                e.advice("check the AWS permissions events:DescribeEventBus"),
            );
            Err(broken())
        }
    }
}

/// The user's rules on the bus; gcbridge's own temporary ones (tail, probe) do not count.
pub(super) async fn user_rules(
    report: &mut Report,
    d: &Destination<'_>,
) -> Result<Vec<LiveRule>, Broken> {
    let rules = match rules::list_rules(d.aws, &d.source).await {
        Ok(r) => r,
        Err(e) => {
            report.fail(
                CheckId::Rules,
                e.to_string(),
                e.advice("check the AWS permissions events:ListRules"),
            );
            return Err(broken());
        }
    };
    let user_rules: Vec<LiveRule> = rules
        .into_iter()
        .filter(|r| !temporary::is_temporary_name(&r.name))
        .collect();
    if user_rules.is_empty() {
        report.fail(
            CheckId::Rules,
            "the bus has no rules: events arrive and go nowhere",
            "add a [[destination.aws.rule]] with targets and run gcbridge apply",
        );
        return Err(broken());
    }
    report.pass(
        CheckId::Rules,
        format!("{} rule(s) on the bus", user_rules.len()),
    );
    if let Some(spec) = d.managed {
        for r in user_rules
            .iter()
            .filter(|r| !spec.rules.iter().any(|m| m.name == r.name))
        {
            report.warn(
                CheckId::UnmanagedRule.on(&r.name),
                "on the bus but not in the file's [destination.aws] rules: gcbridge neither updates nor removes it",
                Some(format!(
                    "add it under [destination.aws] as a [[destination.aws.rule]] named {} to manage it, or delete it: aws events remove-targets --region {region} --event-bus-name {bus} --rule {name} --ids <its target ids>; aws events delete-rule --region {region} --event-bus-name {bus} --name {name}",
                    r.name,
                    region = d.region,
                    bus = d.source,
                    name = r.name
                )),
            );
        }
    }
    Ok(user_rules)
}

/// A spread of the subscribed topics: enough to judge a pattern, few enough TestEventPattern calls.
pub(super) fn sample_topics(live: &LiveIntegration) -> Vec<String> {
    let step = (live.topics.len() / 25).max(1);
    live.topics.iter().step_by(step).cloned().collect()
}

/// Whether the rule is enabled and its pattern matches some sampled topic. Returns whether its
/// targets are worth checking: not for a disabled rule nor a scheduled one (as before).
pub(super) async fn rule_pattern(
    report: &mut Report,
    d: &Destination<'_>,
    rule: &LiveRule,
    sample: &[String],
) -> bool {
    let at = || CheckId::RulePattern.on(&rule.name);
    if !rule.enabled {
        report.fail(
            at(),
            "the rule is DISABLED",
            "enable it (enabled = true) and re-apply",
        );
        return false;
    }
    let Some(pattern) = &rule.event_pattern else {
        report.warn(at(), "a scheduled rule, not an event pattern", None);
        return false;
    };
    let mut matched = 0;
    for t in sample {
        let event = sample_event(t, &d.source, d.account, d.region);
        match rules::pattern_matches(d.aws, pattern, &event).await {
            Ok(true) => matched += 1,
            Ok(false) => {}
            Err(e) => {
                report.warn(at(), format!("could not test the pattern: {e}"), None);
                return true;
            }
        }
    }
    if matched == 0 {
        report.fail(
            at(),
            format!("its pattern {pattern} matches none of the {} subscribed topic(s) tested", sample.len()),
            "fix the pattern (detail-type is the topic template, source the partner event source name), or subscribe the topics it expects",
        );
    } else {
        report.pass(
            at(),
            format!(
                "pattern matches {matched} of {} subscribed topic(s) tested",
                sample.len()
            ),
        );
    }
    true
}

/// A synthetic event for `topic` as it arrives on the bus, for pattern tests (seeded: the same
/// check tests the same event each run).
fn sample_event(topic: &str, source: &str, account: &str, region: &str) -> String {
    let origin = crate::events::Origin {
        source: source.to_string(),
        account: account.to_string(),
        region: region.to_string(),
    };
    crate::events::Sampler::seeded(0)
        .event(topic, &origin)
        .to_string()
}
