//! The permission each target type needs before EventBridge can deliver to it, in one place:
//! which resource policy holds it, what it decides for a rule, and gcbridge's own statement
//! (added by `apply`, removed by `destroy`, found again by its statement id). SQS queue
//! policies, SNS topic policies, Lambda function policies and the account's CloudWatch Logs
//! resource policy; Kinesis, Firehose and bus targets need a role instead (not managed yet).

use serde_json::{json, Value};

use super::clients::AwsClients;
use super::error::AwsError;
use super::policy_eval::{self, as_list, decide, Request, Verdict};
use super::{lambda_permission, logs_policy, sns_policy, sqs_policy};
use crate::desired::TargetKind;

/// What a target's permission check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The target itself does not exist.
    NoTarget,
    /// Its policy's decision for the rule.
    Decided(Verdict),
}

/// Whether gcbridge manages the delivery permission of this target type.
pub fn managed(kind: TargetKind) -> bool {
    matches!(
        kind,
        TargetKind::Sqs | TargetKind::Sns | TargetKind::Lambda | TargetKind::Logs
    )
}

/// The policy that decides, as a noun: "topic policy".
pub fn policy_noun(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Sqs => "queue policy",
        TargetKind::Sns => "topic policy",
        TargetKind::Lambda => "function policy",
        TargetKind::Logs => "CloudWatch Logs resource policies of the account and region",
        _ => "permissions",
    }
}

/// The call EventBridge makes when it delivers to a target of this type.
pub fn action(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Sqs => policy_eval::SEND_ACTION,
        TargetKind::Sns => sns_policy::PUBLISH,
        TargetKind::Lambda => lambda_permission::INVOKE,
        _ => "logs:CreateLogStream/logs:PutLogEvents",
    }
}

/// The target as a noun: "the SNS topic".
pub fn resource_noun(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Sqs => "the SQS queue",
        TargetKind::Sns => "the SNS topic",
        TargetKind::Lambda => "the Lambda function",
        _ => "the log group",
    }
}

/// The command that shows that policy, for checking a statement by hand.
pub fn inspect_hint(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Sqs => "aws sqs get-queue-attributes --attribute-names Policy",
        TargetKind::Sns => "aws sns get-topic-attributes",
        TargetKind::Lambda => "aws lambda get-policy",
        _ => "aws logs describe-resource-policies",
    }
}

/// The statement gcbridge adds for the rule, in words (plan and doctor print it).
pub fn grant(kind: TargetKind, target: &str, rule_arn: &str) -> String {
    match kind {
        TargetKind::Sqs => format!("allow events.amazonaws.com sqs:SendMessage on {target} with aws:SourceArn = {rule_arn}"),
        TargetKind::Sns => format!("allow events.amazonaws.com sns:Publish on {target} with aws:SourceArn = {rule_arn} (topic policy statement {})", sid_for(rule_arn)),
        TargetKind::Lambda => format!("lambda:AddPermission for events.amazonaws.com lambda:InvokeFunction with SourceArn = {rule_arn} (statement id {})", sid_for(rule_arn)),
        _ => format!("allow events.amazonaws.com and delivery.logs.amazonaws.com logs:CreateLogStream and logs:PutLogEvents on {}:* (resource policy {})", logs_policy::group_arn(target), logs_policy::POLICY_NAME),
    }
}

/// What the target's policy decides for the rule's deliveries. SQS, SNS and Lambda are one
/// check: read the target's own policy (`None`: no such target; `Some(None)`: no policy, which
/// allows nothing), then decide EventBridge's [`action`] on the target for the rule. CloudWatch
/// Logs decides over the account's policies and two writes (`logs_policy::verdict`).
pub async fn check(
    aws: &AwsClients,
    kind: TargetKind,
    target: &str,
    rule_arn: &str,
) -> Result<Access, AwsError> {
    let read = match kind {
        TargetKind::Sqs => match sqs_policy::queue_url(aws, target).await? {
            Some(url) => Some(sqs_policy::policy(aws, &url).await?),
            None => None,
        },
        TargetKind::Sns => sns_policy::policy(aws, target).await?,
        TargetKind::Lambda => lambda_permission::policy(aws, target).await?,
        TargetKind::Logs => return Ok(access(logs_policy::verdict(aws, target, rule_arn).await?)),
        _ => {
            return Err(AwsError::new(format!(
                "internal: {target}: not a managed target type"
            )))
        }
    };
    let request = Request {
        action: action(kind),
        resource: target,
        rule_arn,
    };
    Ok(access(read.map(|doc| decide(doc.as_ref(), request))))
}

fn access(verdict: Option<Verdict>) -> Access {
    verdict.map_or(Access::NoTarget, Access::Decided)
}

/// Adds gcbridge's statement for the rule to the target's policy.
pub async fn allow(
    aws: &AwsClients,
    kind: TargetKind,
    target: &str,
    rule_arn: &str,
) -> Result<(), AwsError> {
    match kind {
        TargetKind::Sqs => {
            let url = sqs_policy::queue_url(aws, target)
                .await?
                .ok_or_else(|| AwsError::new(format!("the SQS queue {target} does not exist")))?;
            sqs_policy::allow(aws, &url, target, rule_arn).await
        }
        TargetKind::Sns => sns_policy::allow(aws, target, rule_arn).await,
        TargetKind::Lambda => lambda_permission::allow(aws, target, rule_arn).await,
        TargetKind::Logs => logs_policy::allow(aws, target, rule_arn).await,
        _ => Ok(()),
    }
}

/// Removes gcbridge's statement for the rule from the target's policy (nothing else).
pub async fn revoke(
    aws: &AwsClients,
    kind: TargetKind,
    target: &str,
    rule_arn: &str,
) -> Result<(), AwsError> {
    match kind {
        TargetKind::Sqs => match sqs_policy::queue_url(aws, target).await? {
            Some(url) => sqs_policy::revoke(aws, &url, rule_arn).await,
            None => Ok(()),
        },
        TargetKind::Sns => sns_policy::revoke(aws, target, rule_arn).await,
        TargetKind::Lambda => lambda_permission::revoke(aws, target, rule_arn).await,
        TargetKind::Logs => logs_policy::revoke(aws, target, rule_arn).await,
        _ => Ok(()),
    }
}

/// The statement id gcbridge uses for a rule, so it can find (and remove) its own statement:
/// `gcbridge`, the rule's name (alphanumerics only) and a hash of its ARN.
pub fn sid_for(rule_arn: &str) -> String {
    let name: String = rule_arn
        .rsplit('/')
        .next()
        .unwrap_or("rule")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("gcbridge{name}{}", hash8(rule_arn))
}

/// 8 hex digits of FNV-1a: stable across runs and builds, unlike std's hasher.
pub fn hash8(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    format!("{:08x}", hash as u32)
}

/// The policy with `statement` in place of any statement of its Sid (a new policy if none).
pub fn with_statement(doc: Option<Value>, statement: Value) -> Value {
    let mut doc = match doc {
        Some(d) if d.is_object() => d,
        _ => json!({"Version": "2012-10-17", "Statement": []}),
    };
    let mut statements: Vec<Value> = as_list(&doc["Statement"])
        .into_iter()
        .filter(|s| s["Sid"] != statement["Sid"])
        .cloned()
        .collect();
    statements.push(statement);
    doc["Statement"] = Value::Array(statements);
    doc
}

/// The policy without the statement `sid`; `None` when it has no such statement.
pub fn without_statement(mut doc: Value, sid: &str) -> Option<Value> {
    let all = as_list(&doc["Statement"]);
    let kept: Vec<Value> = all
        .iter()
        .filter(|s| s["Sid"] != sid)
        .map(|s| (*s).clone())
        .collect();
    if kept.len() == all.len() {
        return None;
    }
    doc["Statement"] = Value::Array(kept);
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: &str =
        "arn:aws:events:us-east-1:123456789012:rule/aws.partner/genesys.com/cloud/o/s/to-q";

    #[test]
    fn statements_are_replaced_and_removed_by_sid_only() {
        let user = json!({"Sid": "mine", "Effect": "Allow"});
        let ours = json!({"Sid": sid_for(R), "Effect": "Allow", "Action": "a"});
        let doc = with_statement(Some(json!({"Statement": [user.clone()]})), ours.clone());
        let again = with_statement(Some(doc.clone()), json!({"Sid": sid_for(R), "Action": "b"}));
        assert_eq!(
            as_list(&again["Statement"]).len(),
            2,
            "never duplicated: {again}"
        );
        let gone = without_statement(again, &sid_for(R)).expect("ours was there");
        assert_eq!(gone["Statement"], json!([user]));
        assert_eq!(without_statement(gone, &sid_for(R)), None);
        assert!(
            sid_for(R).starts_with("gcbridgetoq") && sid_for(R).len() == "gcbridgetoq".len() + 8
        );
    }
}
