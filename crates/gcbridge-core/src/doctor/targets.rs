//! The links after a rule: it has targets, and each SQS target exists and its queue policy lets
//! EventBridge send for this rule (the "resource-based policy" pitfall: without it deliveries
//! fail silently). Other target types are named but not checked.

use crate::aws::policy_eval::Verdict;
use crate::aws::rules::LiveRule;
use crate::aws::sqs_policy;
use crate::source_id::rule_arn;

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;

pub(super) async fn rule_targets(report: &mut Report, d: &Destination<'_>, rule: &LiveRule) {
    if rule.targets.is_empty() {
        report.fail(
            CheckId::RuleTargets.on(&rule.name),
            "the rule has no targets",
            "add targets to the rule and re-apply",
        );
    }
    // ListRules may leave the ARN out; the queue policy is scoped to it, so it is rebuilt.
    let arn = if rule.arn.is_empty() {
        rule_arn(d.region, d.account, &d.source, &rule.name)
    } else {
        rule.arn.clone()
    };
    for t in &rule.targets {
        target(report, d, &rule.name, &arn, &t.arn).await;
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
    if sqs_policy::queue_of_arn(target).is_none() {
        report.warn(
            at(),
            "not an SQS queue: delivery permissions are not checked for this target type",
            None,
        );
        return;
    }
    let url = match sqs_policy::queue_url(d.aws, target).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            report.fail(
                at(),
                "the queue does not exist",
                "create the queue or fix the target ARN, then re-apply",
            );
            return;
        }
        Err(e) => {
            report.fail(
                at(),
                e.to_string(),
                "check the AWS permissions sqs:GetQueueUrl",
            );
            return;
        }
    };
    match sqs_policy::verdict(d.aws, &url, target, rule_arn).await {
        Ok(Verdict::Allowed) => report.pass(at(), format!("queue exists and its policy lets rule {rule} send")),
        Ok(Verdict::NotAllowed) => {
            let by_hand = "add a statement allowing events.amazonaws.com sqs:SendMessage with aws:SourceArn = the rule's ARN";
            let fix = match d.managed {
                // gcbridge adds statements only for the rules it manages.
                Some(spec) if !spec.rules.iter().any(|r| r.name == rule) => {
                    format!("{by_hand} (gcbridge does not manage rule {rule})")
                }
                _ => format!("run gcbridge apply (it adds the statement), or {by_hand}"),
            };
            report.fail(
                at(),
                format!("the queue's policy does not let EventBridge (rule {rule}) send to it: deliveries fail silently"),
                fix,
            )
        }
        Ok(Verdict::Denied(statement)) => report.fail(
            at(),
            format!("{statement} of the queue's policy explicitly denies EventBridge (rule {rule}) sqs:SendMessage: deliveries fail silently"),
            "remove or narrow that Deny statement: an explicit Deny wins over any Allow, so adding one (gcbridge apply) cannot fix it",
        ),
        Ok(Verdict::Unknown(why)) => report.warn(
            at(),
            format!("cannot tell whether the queue's policy lets EventBridge (rule {rule}) send: {why}"),
            Some("check that statement by hand (aws sqs get-queue-attributes --attribute-names Policy)".into()),
        ),
        Err(e) => report.fail(at(), e.to_string(), "check the AWS permissions sqs:GetQueueAttributes"),
    }
}
