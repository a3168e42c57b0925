//! SQS queue policies: EventBridge can only deliver to a queue whose resource policy lets
//! `events.amazonaws.com` send from the rule (the tutorial's "resource-based policy" pitfall).

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{json, Value};

use super::clients::AwsClients;
use super::delivery::{sid_for, with_statement};
use super::error::{unless_missing, AwsError};
use super::policy_eval::as_list;
use crate::arn_fields::arn_fields;

/// (account, name) of a queue ARN.
pub fn queue_of_arn(arn: &str) -> Option<(String, String)> {
    let [_, service, _, account, name] = arn_fields(arn)?;
    (service == "sqs").then(|| (account.to_string(), name.to_string()))
}

/// The queue's URL; `None` when the queue does not exist.
pub async fn queue_url(aws: &AwsClients, queue_arn: &str) -> Result<Option<String>, AwsError> {
    let (account, name) = queue_of_arn(queue_arn)
        .ok_or_else(|| AwsError::new(format!("{queue_arn} is not an SQS queue ARN")))?;
    let sent = aws
        .sqs
        .get_queue_url()
        .queue_name(&name)
        .queue_owner_aws_account_id(&account)
        .send()
        .await;
    let out = unless_missing(
        sent,
        |e| e.is_queue_does_not_exist(),
        || format!("sqs:GetQueueUrl {name}"),
    )?;
    Ok(out.and_then(|o| o.queue_url))
}

/// One attribute of the queue at `url`; `None` when the queue has no value for it (an unset
/// policy, say).
pub(crate) async fn queue_attribute(
    aws: &AwsClients,
    url: &str,
    name: QueueAttributeName,
) -> Result<Option<String>, AwsError> {
    let out = aws
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("sqs:GetQueueAttributes {}", name.as_str()), e))?;
    Ok(out.attributes.and_then(|mut a| a.remove(&name)))
}

pub(crate) async fn policy(aws: &AwsClients, url: &str) -> Result<Option<Value>, AwsError> {
    let text = queue_attribute(aws, url, QueueAttributeName::Policy).await?;
    Ok(text.and_then(|p| serde_json::from_str(&p).ok()))
}

/// gcbridge's statement for the rule: send to this queue, only from this rule.
pub fn statement(queue_arn: &str, rule_arn: &str) -> Value {
    json!({
        "Sid": sid_for(rule_arn),
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
    })
}

/// Adds a statement letting EventBridge send the rule's events, keeping every other statement.
pub async fn allow(
    aws: &AwsClients,
    queue_url: &str,
    queue_arn: &str,
    rule_arn: &str,
) -> Result<(), AwsError> {
    let doc = with_statement(
        policy(aws, queue_url).await?,
        statement(queue_arn, rule_arn),
    );
    set_policy(aws, queue_url, &doc).await
}

/// Removes gcbridge's statement for the rule, if any.
pub async fn revoke(aws: &AwsClients, queue_url: &str, rule_arn: &str) -> Result<(), AwsError> {
    let Some(mut doc) = policy(aws, queue_url).await? else {
        return Ok(());
    };
    let sid = Value::String(sid_for(rule_arn));
    let statements: Vec<Value> = as_list(&doc["Statement"])
        .into_iter()
        .filter(|s| s["Sid"] != sid)
        .cloned()
        .collect();
    doc["Statement"] = Value::Array(statements);
    set_policy(aws, queue_url, &doc).await
}

async fn set_policy(aws: &AwsClients, queue_url: &str, doc: &Value) -> Result<(), AwsError> {
    aws.sqs
        .set_queue_attributes()
        .queue_url(queue_url)
        .attributes(QueueAttributeName::Policy, doc.to_string())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sqs:SetQueueAttributes Policy", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "arn:aws:sqs:us-east-1:123456789012:q";
    const R: &str =
        "arn:aws:events:us-east-1:123456789012:rule/aws.partner/genesys.com/cloud/o/s/r";

    #[test]
    fn queue_arns_split() {
        assert_eq!(queue_of_arn(Q), Some(("123456789012".into(), "q".into())));
        assert_eq!(queue_of_arn("arn:aws:sns:us-east-1:1:t"), None);
        assert!(sid_for(R).starts_with("gcbridge"));
    }
}
