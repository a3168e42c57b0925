//! `doctor`: walks the chain from the Genesys integration to the rule targets in AWS, one check at a
//! time, and says for each failure what is wrong and how to fix it. It only reads, except for
//! `--probe`, whose temporary queue and rule are removed again.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::aws::partner::{self, SourceState};
use crate::aws::TempListener;
use crate::aws::{rules, sqs_policy, AwsClients};
use crate::genesys::LiveIntegration;
use crate::source_id::rule_arn;
use crate::topics::Catalogue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// Not checked because an earlier link is broken.
    Skip,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: String,
    pub status: Status,
    pub detail: String,
    pub fix: Option<String>,
}

/// Collects checks; the chain stops at the first broken link that makes later checks meaningless.
#[derive(Default)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn pass(&mut self, check: &str, detail: impl Into<String>) {
        self.push(check, Status::Pass, detail.into(), None);
    }

    pub fn fail(&mut self, check: &str, detail: impl Into<String>, fix: impl Into<String>) {
        self.push(check, Status::Fail, detail.into(), Some(fix.into()));
    }

    pub fn warn(&mut self, check: &str, detail: impl Into<String>, fix: Option<String>) {
        self.push(check, Status::Warn, detail.into(), fix);
    }

    pub fn skip(&mut self, check: &str, why: &str) {
        self.push(check, Status::Skip, why.into(), None);
    }

    fn push(&mut self, check: &str, status: Status, detail: String, fix: Option<String>) {
        self.checks.push(Check {
            check: check.into(),
            status,
            detail,
            fix,
        });
    }

    pub fn ok(&self) -> bool {
        self.checks
            .iter()
            .all(|c| matches!(c.status, Status::Pass | Status::Warn))
    }
}

/// The Genesys links: the integration exists, is enabled and active, and its topics are valid.
/// Returns whether the chain can continue into AWS.
pub fn check_genesys(report: &mut Report, live: &LiveIntegration, catalogue: &Catalogue) -> bool {
    report.pass("integration exists", format!("{} ({})", live.name, live.id));
    if live.enabled {
        report.pass("integration enabled", "intendedState ENABLED");
    } else {
        report.fail(
            "integration enabled",
            "intendedState is DISABLED: Genesys sends no events",
            format!("gcbridge apply with enabled = true for \"{}\" (or enable it in Admin > Integrations)", live.name),
        );
    }
    match live.reported_code.as_deref() {
        Some("ACTIVE") => report.pass("integration active", "reportedState ACTIVE"),
        Some("ERROR") => report.fail(
            "integration active",
            format!(
                "reportedState ERROR: {}",
                live.reported_detail.as_deref().unwrap_or("no detail given")
            ),
            "fix what the error names (usually the AWS account or region), then re-apply; Genesys retries on the next enable",
        ),
        Some(other) if live.enabled => report.fail(
            "integration active",
            format!("reportedState {other}"),
            "wait a minute and run doctor again; `gcbridge apply --wait` waits for ACTIVE",
        ),
        other => report.fail(
            "integration active",
            format!("reportedState {}", other.unwrap_or("unknown")),
            "enable the integration first",
        ),
    }
    let configured = live.source_id().is_some();
    if !configured {
        report.fail(
            "integration configured",
            "no awsAccountId / awsAccountRegion / eventSourceSuffix: an earlier run stopped after creating it",
            "run gcbridge apply for this destination again: it completes the configuration",
        );
    }
    if live.topics.is_empty() {
        report.fail(
            "topics valid",
            "the event filter is empty: nothing is sent",
            "add topics and re-apply",
        );
    } else {
        let bad: Vec<&str> = live
            .topics
            .iter()
            .filter(|t| !catalogue.get(t).is_some_and(|i| i.eventbridge))
            .map(String::as_str)
            .collect();
        if bad.is_empty() {
            report.pass(
                "topics valid",
                format!("{} topic(s), all carried by EventBridge", live.topics.len()),
            );
        } else {
            report.fail(
                "topics valid",
                format!(
                    "not in the catalogue or not sent to EventBridge: {}",
                    bad.join(", ")
                ),
                "remove or replace them (`gcbridge topics --search ...`) and re-apply",
            );
        }
    }
    configured
}

/// A synthetic event for `topic` as it arrives on the bus, for pattern tests.
fn sample_event(topic: &str, source: &str, account: &str, region: &str) -> String {
    let concrete = topic.replace("{id}", "00000000-0000-4000-8000-000000000000");
    serde_json::json!({
        "version": "0",
        "id": "00000000-0000-4000-8000-000000000001",
        "detail-type": topic,
        "source": source,
        "account": account,
        "time": "2026-01-01T00:00:00Z",
        "region": region,
        "resources": [],
        "detail": {
            "topicName": concrete,
            "version": "2",
            "eventBody": {},
            "metadata": {"CorrelationId": "00000000-0000-4000-8000-000000000002"},
            "timestamp": "2026-01-01T00:00:00.000Z"
        }
    })
    .to_string()
}

/// The AWS links: credentials and account, the partner event source, the bus, rules and targets.
pub async fn check_aws(
    report: &mut Report,
    aws: &AwsClients,
    live: &LiveIntegration,
    org_id: &str,
) {
    let Some(id) = live.source_id() else {
        return;
    };
    let (account, region) = (id.account.as_str(), id.region.as_str());
    let source = id.source_name(org_id);
    match aws.account().await {
        Ok(a) if a == account => {
            report.pass("AWS credentials", format!("account {a}, region {region}"))
        }
        Ok(a) => {
            report.fail(
                "AWS credentials",
                format!("the AWS credentials belong to account {a}, but the integration sends to account {account}"),
                format!("use credentials of account {account} (AWS_PROFILE=...), or change aws_account_id if {account} is wrong"),
            );
            report.skip(
                "partner event source",
                "needs credentials of the destination's account",
            );
            return;
        }
        Err(e) => {
            report.fail("AWS credentials", e.to_string(), "configure AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO)");
            report.skip("partner event source", "needs AWS credentials");
            return;
        }
    }
    let state = match partner::source_state(aws, &source).await {
        Ok(s) => s,
        Err(e) => {
            report.fail(
                "partner event source",
                e.to_string(),
                "check the AWS permissions events:DescribeEventSource",
            );
            return;
        }
    };
    match state {
        SourceState::Active => report.pass("partner event source", format!("{source} is ACTIVE")),
        SourceState::Pending => report.fail(
            "partner event source",
            format!("{source} is PENDING: it is not associated with an event bus, so its events are dropped"),
            format!("set associate = true in [destination.aws] and run gcbridge apply, or: aws events create-event-bus --region {region} --name {source} --event-source-name {source}"),
        ),
        SourceState::Deleted => report.fail(
            "partner event source",
            format!("{source} is DELETED (the integration was disabled, deleted or re-pointed)"),
            "disable and enable the integration again so Genesys creates a new source, then associate it again",
        ),
        SourceState::Missing => report.fail(
            "partner event source",
            format!("{source} does not exist in account {account} {region}: Genesys has not created it"),
            "check that the integration is ACTIVE and that its awsAccountId and awsAccountRegion are this account and region",
        ),
        SourceState::Other(s) => report.fail("partner event source", format!("{source} is {s}"), "check it in the EventBridge console"),
    }
    match partner::bus_arn(aws, &source).await {
        Ok(Some(arn)) => report.pass("event bus associated", arn),
        Ok(None) => {
            report.fail(
                "event bus associated",
                format!("no event bus named {source}"),
                format!("associate the source: set associate = true and run gcbridge apply (or aws events create-event-bus --name {source} --event-source-name {source})"),
            );
            report.skip("rules", "there is no bus to hold them");
            return;
        }
        Err(e) => {
            report.fail(
                "event bus associated",
                e.to_string(),
                "check the AWS permissions events:DescribeEventBus",
            );
            return;
        }
    }
    let rules = match rules::list_rules(aws, &source).await {
        Ok(r) => r,
        Err(e) => {
            report.fail(
                "rules",
                e.to_string(),
                "check the AWS permissions events:ListRules",
            );
            return;
        }
    };
    let user_rules: Vec<_> = rules
        .iter()
        .filter(|r| !r.name.starts_with("gcbridge-tail-") && !r.name.starts_with("gcbridge-probe-"))
        .collect();
    if user_rules.is_empty() {
        report.fail(
            "rules",
            "the bus has no rules: events arrive and go nowhere",
            "add a [[destination.aws.rule]] with targets and run gcbridge apply",
        );
        return;
    }
    report.pass("rules", format!("{} rule(s) on the bus", user_rules.len()));
    // Test patterns against a spread of subscribed topics (TestEventPattern per topic).
    let topics: Vec<&String> = live.topics.iter().collect();
    let step = (topics.len() / 25).max(1);
    let sample: Vec<&String> = topics.iter().step_by(step).copied().collect();
    for rule in &user_rules {
        let name = format!("rule {}", rule.name);
        if !rule.enabled {
            report.fail(
                &name,
                "the rule is DISABLED",
                "enable it (enabled = true) and re-apply",
            );
            continue;
        }
        let Some(pattern) = &rule.event_pattern else {
            report.warn(&name, "a scheduled rule, not an event pattern", None);
            continue;
        };
        let mut matched = 0;
        let mut error = None;
        for t in &sample {
            match rules::pattern_matches(aws, pattern, &sample_event(t, &source, account, region))
                .await
            {
                Ok(true) => matched += 1,
                Ok(false) => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = error {
            report.warn(&name, format!("could not test the pattern: {e}"), None);
        } else if matched == 0 {
            report.fail(
                &name,
                format!("its pattern {pattern} matches none of the {} subscribed topic(s) tested", sample.len()),
                "fix the pattern (detail-type is the topic template, source the partner event source name), or subscribe the topics it expects",
            );
        } else {
            report.pass(
                &name,
                format!(
                    "pattern matches {matched} of {} subscribed topic(s) tested",
                    sample.len()
                ),
            );
        }
        if rule.targets.is_empty() {
            report.fail(
                &format!("{name} targets"),
                "the rule has no targets",
                "add targets to the rule and re-apply",
            );
        }
        for t in &rule.targets {
            check_target(
                report, aws, &rule.name, &rule.arn, &t.arn, account, region, &source,
            )
            .await;
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn check_target(
    report: &mut Report,
    aws: &AwsClients,
    rule: &str,
    live_rule_arn: &str,
    target: &str,
    account: &str,
    region: &str,
    bus: &str,
) {
    let name = format!("target {target}");
    if sqs_policy::queue_of_arn(target).is_none() {
        report.warn(
            &name,
            "not an SQS queue: delivery permissions are not checked for this target type",
            None,
        );
        return;
    }
    let url = match sqs_policy::queue_url(aws, target).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            report.fail(
                &name,
                "the queue does not exist",
                "create the queue or fix the target ARN, then re-apply",
            );
            return;
        }
        Err(e) => {
            report.fail(
                &name,
                e.to_string(),
                "check the AWS permissions sqs:GetQueueUrl",
            );
            return;
        }
    };
    let arn = if live_rule_arn.is_empty() {
        rule_arn(region, account, bus, rule)
    } else {
        live_rule_arn.to_string()
    };
    match sqs_policy::allows(aws, &url, target, &arn).await {
        Ok(true) => report.pass(&name, format!("queue exists and its policy lets rule {rule} send")),
        Ok(false) => report.fail(
            &name,
            format!("the queue's policy does not let EventBridge (rule {rule}) send to it: deliveries fail silently"),
            "run gcbridge apply (it adds the statement), or add a statement allowing events.amazonaws.com sqs:SendMessage with aws:SourceArn = the rule's ARN",
        ),
        Err(e) => report.fail(&name, e.to_string(), "check the AWS permissions sqs:GetQueueAttributes"),
    }
}

/// Listens on the bus for `seconds` and counts the events per topic template.
pub async fn probe(report: &mut Report, aws: &AwsClients, bus: &str, seconds: u64) {
    let listener = match TempListener::create(aws, bus, "probe").await {
        Ok(l) => l,
        Err(e) => {
            report.fail(
                "probe",
                e.to_string(),
                "check the AWS permissions to create an SQS queue and a rule",
            );
            return;
        }
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut error = None;
    while Instant::now() < deadline {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .as_secs()
            .min(5) as i32;
        match listener.receive(left.max(1)).await {
            Ok(events) => {
                for e in events {
                    let topic = e["detail-type"]
                        .as_str()
                        .unwrap_or("(no detail-type)")
                        .to_string();
                    *counts.entry(topic).or_default() += 1;
                }
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    let cleanup = listener.cleanup().await;
    if let Some(e) = error {
        report.fail(
            "probe",
            e.to_string(),
            "check the AWS permissions sqs:ReceiveMessage",
        );
    } else if counts.is_empty() {
        report.fail(
            "probe",
            format!("no event reached the bus in {seconds}s"),
            "if every check above passes, there may simply have been no activity on the subscribed topics; probe longer or generate activity",
        );
    } else {
        let total: usize = counts.values().sum();
        let per_topic: Vec<String> = counts.iter().map(|(t, n)| format!("{t}: {n}")).collect();
        report.pass(
            "probe",
            format!("{total} event(s) in {seconds}s ({})", per_topic.join(", ")),
        );
    }
    if let Err(e) = cleanup {
        report.warn(
            "probe cleanup",
            format!(
                "could not remove the temporary queue or rule {}: {e}",
                listener.rule
            ),
            None,
        );
    }
}
