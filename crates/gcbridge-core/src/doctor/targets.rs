//! The links after a rule: it has targets, and each target exists and its resource policy lets
//! EventBridge deliver for this rule (the "resource-based policy" pitfall: without it deliveries
//! fail silently): SQS queue policies, SNS topic policies, Lambda function policies, and the
//! account's CloudWatch Logs resource policies. Kinesis, Firehose and other-account bus targets
//! are reached through a role instead: `roles.rs` checks those.

use crate::aws::delivery::{self, Access};
use crate::aws::parse_target;
use crate::aws::policy_eval::Verdict;
use crate::aws::rules::LiveRule;
use crate::source_id::rule_arn;

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;
use super::roles;

pub(super) async fn rule_targets(report: &mut Report, d: &Destination<'_>, rule: &LiveRule) {
    if rule.targets.is_empty() {
        report.fail(
            CheckId::RuleTargets.on(&rule.name),
            "the rule has no targets",
            "add targets to the rule and re-apply",
        );
    }
    // ListRules may leave the ARN out; the policies are scoped to it, so it is rebuilt.
    let arn = if rule.arn.is_empty() {
        rule_arn(d.region, d.account, &d.source, &rule.name)
    } else {
        rule.arn.clone()
    };
    for t in &rule.targets {
        match roles::role_kind(d, &t.arn) {
            Some(kind) => roles::role_target(report, d, &rule.name, &arn, t, kind).await,
            None => target(report, d, &rule.name, &arn, &t.arn).await,
        }
        super::fifo::fifo_target(report, d, &rule.name, t).await;
    }
}

async fn target(
    report: &mut Report,
    d: &Destination<'_>,
    rule: &str,
    rule_arn: &str,
    target: &str,
) {
    let at = || CheckId::Target.on(target);
    let kind = match parse_target(target, d.region) {
        Ok(spec) if delivery::managed(spec.kind) => spec.kind,
        _ => {
            report.warn(
                at(),
                "delivery permissions are not checked for this target type (gcbridge checks SQS, SNS, Lambda and CloudWatch Logs targets, and the role of Kinesis, Firehose and other-account bus targets)",
                None,
            );
            return;
        }
    };
    let noun = delivery::policy_noun(kind);
    let verdict = match delivery::check(d.aws, kind, target, rule_arn).await {
        Ok(Access::Decided(v)) => v,
        Ok(Access::NoTarget) => {
            report.fail(
                at(),
                format!("{} does not exist", delivery::resource_noun(kind)),
                "create it or fix the target ARN, then re-apply",
            );
            return;
        }
        Err(e) => {
            report.fail(
                at(),
                e.to_string(),
                e.advice(format!("check the AWS permissions to read the {noun}")),
            );
            return;
        }
    };
    let action = delivery::action(kind);
    match verdict {
        Verdict::Allowed => report.pass(
            at(),
            format!("target exists and its {noun} lets rule {rule} deliver ({action})"),
        ),
        Verdict::NotAllowed => {
            let grant = delivery::grant(kind, target, rule_arn);
            let fix = match d.managed {
                // gcbridge adds statements only for the rules it manages.
                Some(spec) if !spec.rules.iter().any(|r| r.name == rule) => {
                    format!("add the statement by hand (gcbridge does not manage rule {rule}): {grant}")
                }
                _ => format!("run gcbridge apply (it adds the statement: {grant})"),
            };
            report.fail(
                at(),
                format!("the {noun} does not let EventBridge (rule {rule}) {action}: deliveries fail silently; missing: {grant}"),
                fix,
            )
        }
        Verdict::Denied(statement) => report.fail(
            at(),
            format!("{statement} of the {noun} explicitly denies EventBridge (rule {rule}) {action}: deliveries fail silently"),
            "remove or narrow that Deny statement: an explicit Deny wins over any Allow, so adding one (gcbridge apply) cannot fix it",
        ),
        Verdict::Unknown(why) => report.warn(
            at(),
            format!("cannot tell whether the {noun} lets EventBridge (rule {rule}) {action}: {why}"),
            Some(format!("check that statement by hand ({})", delivery::inspect_hint(kind))),
        ),
    }
}
