//! SQS queue policies: EventBridge can only deliver to a queue whose resource policy lets
//! `events.amazonaws.com` send from the rule (the tutorial's "resource-based policy" pitfall).

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::{json, Value};

use super::clients::AwsClients;
use super::error::AwsError;

/// (account, name) of a queue ARN.
pub fn queue_of_arn(arn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[2] == "sqs").then(|| (parts[4].to_string(), parts[5].to_string()))
}

/// The queue's URL; `None` when the queue does not exist.
pub async fn queue_url(aws: &AwsClients, queue_arn: &str) -> Result<Option<String>, AwsError> {
    let (account, name) = queue_of_arn(queue_arn)
        .ok_or_else(|| AwsError::new(format!("{queue_arn} is not an SQS queue ARN")))?;
    match aws
        .sqs
        .get_queue_url()
        .queue_name(&name)
        .queue_owner_aws_account_id(&account)
        .send()
        .await
    {
        Ok(out) => Ok(out.queue_url().map(String::from)),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_queue_does_not_exist()) =>
        {
            Ok(None)
        }
        Err(e) => Err(AwsError::from_sdk(&format!("sqs:GetQueueUrl {name}"), e)),
    }
}

async fn policy(aws: &AwsClients, url: &str) -> Result<Option<Value>, AwsError> {
    let out = aws
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::Policy)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sqs:GetQueueAttributes Policy", e))?;
    Ok(out
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::Policy))
        .and_then(|p| serde_json::from_str(p).ok()))
}

fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => vec![],
        other => vec![other],
    }
}

fn text_matches(pattern: &str, value: &str) -> bool {
    crate::topics::glob::matches(pattern, value)
}

/// Whether one statement lets EventBridge send `rule_arn`'s events to `queue_arn`.
fn statement_allows(s: &Value, queue_arn: &str, rule_arn: &str) -> bool {
    if s["Effect"] != "Allow" {
        return false;
    }
    let principal_ok = match &s["Principal"] {
        Value::String(p) => p == "*",
        Value::Object(m) => {
            m.get("Service").is_some_and(|v| {
                as_list(v)
                    .iter()
                    .any(|x| x.as_str() == Some("events.amazonaws.com"))
            }) || m
                .get("AWS")
                .is_some_and(|v| as_list(v).iter().any(|x| x.as_str() == Some("*")))
        }
        _ => false,
    };
    let action_ok = as_list(&s["Action"])
        .iter()
        .filter_map(|a| a.as_str())
        .any(|a| text_matches(&a.to_ascii_lowercase(), "sqs:sendmessage"));
    let resource_ok = s["Resource"].is_null()
        || as_list(&s["Resource"])
            .iter()
            .filter_map(|r| r.as_str())
            .any(|r| text_matches(r, queue_arn));
    let condition_ok = match &s["Condition"] {
        Value::Null => true,
        Value::Object(conds) => conds.iter().all(|(op, kv)| {
            let Some(source) = kv.get("aws:SourceArn") else {
                return true;
            };
            let values: Vec<&str> = as_list(source).iter().filter_map(|v| v.as_str()).collect();
            match op.as_str() {
                "ArnEquals" | "StringEquals" => values.contains(&rule_arn),
                "ArnLike" | "StringLike" => values.iter().any(|p| text_matches(p, rule_arn)),
                _ => false,
            }
        }),
        _ => false,
    };
    principal_ok && action_ok && resource_ok && condition_ok
}

/// Whether the queue's policy lets the rule deliver.
pub async fn allows(
    aws: &AwsClients,
    queue_url: &str,
    queue_arn: &str,
    rule_arn: &str,
) -> Result<bool, AwsError> {
    Ok(policy(aws, queue_url)
        .await?
        .map(|p| {
            as_list(&p["Statement"])
                .iter()
                .any(|s| statement_allows(s, queue_arn, rule_arn))
        })
        .unwrap_or(false))
}

/// The statement id gcbridge uses for a rule, so it can find (and remove) its own statement.
fn sid_for(rule_arn: &str) -> String {
    let name: String = rule_arn
        .rsplit('/')
        .next()
        .unwrap_or("rule")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let hash = rule_arn.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    format!("gcbridge{name}{:08x}", hash as u32)
}

/// Adds a statement letting EventBridge send the rule's events, keeping every other statement.
pub async fn allow(
    aws: &AwsClients,
    queue_url: &str,
    queue_arn: &str,
    rule_arn: &str,
) -> Result<(), AwsError> {
    let mut doc = policy(aws, queue_url)
        .await?
        .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
    let sid = sid_for(rule_arn);
    let mut statements: Vec<Value> = as_list(&doc["Statement"]).into_iter().cloned().collect();
    statements.retain(|s| s["Sid"] != Value::String(sid.clone()));
    statements.push(json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
    }));
    doc["Statement"] = Value::Array(statements);
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
    fn statements_are_evaluated() {
        let good = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": Q, "Condition": {"ArnEquals": {"aws:SourceArn": R}}});
        assert!(statement_allows(&good, Q, R));
        let other_rule = json!({"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": Q, "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/x"}}});
        assert!(!statement_allows(&other_rule, Q, R));
        let wildcard =
            json!({"Effect": "Allow", "Principal": "*", "Action": ["sqs:*"], "Resource": "*"});
        assert!(statement_allows(&wildcard, Q, R));
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"});
        assert!(!statement_allows(&deny, Q, R));
        let wrong_action = json!({"Effect": "Allow", "Principal": "*", "Action": "sqs:ReceiveMessage", "Resource": Q});
        assert!(!statement_allows(&wrong_action, Q, R));
    }

    #[test]
    fn queue_arns_split() {
        assert_eq!(queue_of_arn(Q), Some(("123456789012".into(), "q".into())));
        assert_eq!(queue_of_arn("arn:aws:sns:us-east-1:1:t"), None);
        assert!(sid_for(R).starts_with("gcbridge"));
    }
}
