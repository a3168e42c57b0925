//! SNS topic policies: EventBridge publishes to a topic only when the topic's policy lets
//! `events.amazonaws.com` do `sns:Publish` for the rule. A new topic's default policy does not
//! (it is scoped by `AWS:SourceOwner`, which a service principal does not carry).

use serde_json::Value;

use super::clients::AwsClients;
use super::delivery::{sid_for, with_statement, without_statement};
use super::error::{unless_missing, AwsError};

pub const PUBLISH: &str = "sns:Publish";

/// The topic's policy; `Ok(None)` when the topic does not exist.
pub(crate) async fn policy(
    aws: &AwsClients,
    topic: &str,
) -> Result<Option<Option<Value>>, AwsError> {
    let out = unless_missing(
        aws.sns.get_topic_attributes().topic_arn(topic).send().await,
        |e| e.is_not_found_exception(),
        || format!("sns:GetTopicAttributes {topic}"),
    )?;
    Ok(out.map(|o| {
        o.attributes()
            .and_then(|a| a.get("Policy"))
            .and_then(|p| serde_json::from_str(p).ok())
    }))
}

/// gcbridge's statement for the rule: publish to this topic, only from this rule.
pub fn statement(topic: &str, rule_arn: &str) -> Value {
    serde_json::json!({
        "Sid": sid_for(rule_arn),
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": PUBLISH,
        "Resource": topic,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
    })
}

/// Adds (or replaces) gcbridge's statement for the rule, keeping every other statement.
pub async fn allow(aws: &AwsClients, topic: &str, rule_arn: &str) -> Result<(), AwsError> {
    let doc = policy(aws, topic)
        .await?
        .ok_or_else(|| AwsError::new(format!("the SNS topic {topic} does not exist")))?;
    set_policy(aws, topic, &with_statement(doc, statement(topic, rule_arn))).await
}

/// Removes gcbridge's statement for the rule, if any.
pub async fn revoke(aws: &AwsClients, topic: &str, rule_arn: &str) -> Result<(), AwsError> {
    let Some(Some(doc)) = policy(aws, topic).await? else {
        return Ok(());
    };
    if let Some(doc) = without_statement(doc, &sid_for(rule_arn)) {
        set_policy(aws, topic, &doc).await?;
    }
    Ok(())
}

async fn set_policy(aws: &AwsClients, topic: &str, doc: &Value) -> Result<(), AwsError> {
    aws.sns
        .set_topic_attributes()
        .topic_arn(topic)
        .attribute_name("Policy")
        .attribute_value(doc.to_string())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("sns:SetTopicAttributes Policy {topic}"), e))?;
    Ok(())
}
