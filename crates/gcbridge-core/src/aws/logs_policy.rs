//! CloudWatch Logs resource policies: EventBridge writes to a log group only when a resource
//! policy of the account and region lets it create streams and put events there. AWS allows 10
//! such policies per account and region (aws-cdk #31404 ran out of them), so gcbridge keeps ONE,
//! `gcbridge-eventbridge-to-logs`, for every rule it manages there: extended with a statement per
//! (rule, log group), never duplicated, and deleted with its last statement.
//!
//! Its statements carry no `aws:SourceArn` condition: the writes come from both
//! `events.amazonaws.com` and `delivery.logs.amazonaws.com`, and AWS's own statement for
//! EventBridge (`TrustEventsToStoreLogEvent`, made by the console) scopes by log group only.

use serde_json::{json, Value};

use super::clients::AwsClients;
use super::delivery::{hash8, sid_for, with_statement, without_statement};
use super::error::AwsError;
use super::policy_eval::{as_list, decide, Request, Verdict};

/// The one resource policy gcbridge owns in an account and region.
pub const POLICY_NAME: &str = "gcbridge-eventbridge-to-logs";
pub const ACTIONS: [&str; 2] = ["logs:CreateLogStream", "logs:PutLogEvents"];

/// The log group's ARN without the `:*` a target ARN may end with.
pub fn group_arn(target: &str) -> &str {
    target.trim_end_matches(":*")
}

fn group_name(target: &str) -> &str {
    group_arn(target)
        .split_once(":log-group:")
        .map_or("", |(_, name)| name)
}

/// gcbridge's statement id for the rule writing to this log group.
fn sid(rule_arn: &str, target: &str) -> String {
    format!("{}{}", sid_for(rule_arn), hash8(group_name(target)))
}

/// gcbridge's statement letting EventBridge write the rule's events to the log group.
pub fn statement(target: &str, rule_arn: &str) -> Value {
    json!({
        "Sid": sid(rule_arn, target),
        "Effect": "Allow",
        "Principal": {"Service": ["events.amazonaws.com", "delivery.logs.amazonaws.com"]},
        "Action": ACTIONS,
        "Resource": format!("{}:*", group_arn(target)),
    })
}

pub(crate) async fn group_exists(aws: &AwsClients, target: &str) -> Result<bool, AwsError> {
    let name = group_name(target);
    let out = aws
        .logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("logs:DescribeLogGroups {name}"), e))?;
    Ok(out
        .log_groups()
        .iter()
        .any(|g| g.log_group_name() == Some(name)))
}

/// Every resource policy of the account and region: (name, document).
async fn policies(aws: &AwsClients) -> Result<Vec<(String, Value)>, AwsError> {
    let out = aws
        .logs
        .describe_resource_policies()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("logs:DescribeResourcePolicies", e))?;
    Ok(out
        .resource_policies()
        .iter()
        .map(|p| {
            let doc = p
                .policy_document()
                .and_then(|d| serde_json::from_str(d).ok());
            (
                p.policy_name().unwrap_or("").to_string(),
                doc.unwrap_or(Value::Null),
            )
        })
        .collect())
}

/// What the account's resource policies decide together (IAM reads their statements as one
/// set) for both writes; `None` when the log group does not exist.
pub async fn verdict(
    aws: &AwsClients,
    target: &str,
    rule_arn: &str,
) -> Result<Option<Verdict>, AwsError> {
    if !group_exists(aws, target).await? {
        return Ok(None);
    }
    let statements: Vec<Value> = policies(aws)
        .await?
        .iter()
        .flat_map(|(_, doc)| as_list(&doc["Statement"]).into_iter().cloned())
        .collect();
    let union = json!({ "Statement": statements });
    let stream = format!("{}:log-stream:eventbridge", group_arn(target));
    let verdicts = ACTIONS.map(|action| {
        decide(
            Some(&union),
            Request {
                action,
                resource: &stream,
                rule_arn,
            },
        )
    });
    Ok(Some(worse(verdicts[0].clone(), verdicts[1].clone())))
}

/// Both writes are needed: the less permissive verdict decides.
fn worse(a: Verdict, b: Verdict) -> Verdict {
    let rank = |v: &Verdict| match v {
        Verdict::Denied(_) => 0,
        Verdict::Unknown(_) => 1,
        Verdict::NotAllowed => 2,
        Verdict::Allowed => 3,
    };
    if rank(&b) < rank(&a) {
        b
    } else {
        a
    }
}

pub(crate) async fn own_policy(aws: &AwsClients) -> Result<Option<Value>, AwsError> {
    Ok(policies(aws)
        .await?
        .into_iter()
        .find(|(name, _)| name == POLICY_NAME)
        .map(|(_, doc)| doc))
}

/// Adds (or replaces) gcbridge's statement for the rule and log group in gcbridge's policy.
pub async fn allow(aws: &AwsClients, target: &str, rule_arn: &str) -> Result<(), AwsError> {
    let doc = with_statement(own_policy(aws).await?, statement(target, rule_arn));
    put(aws, &doc).await
}

/// Removes gcbridge's statement for the rule and log group; the policy goes with its last one.
pub async fn revoke(aws: &AwsClients, target: &str, rule_arn: &str) -> Result<(), AwsError> {
    let Some(doc) = own_policy(aws).await? else {
        return Ok(());
    };
    let Some(doc) = without_statement(doc, &sid(rule_arn, target)) else {
        return Ok(());
    };
    if !as_list(&doc["Statement"]).is_empty() {
        return put(aws, &doc).await;
    }
    aws.logs
        .delete_resource_policy()
        .policy_name(POLICY_NAME)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("logs:DeleteResourcePolicy {POLICY_NAME}"), e))?;
    Ok(())
}

async fn put(aws: &AwsClients, doc: &Value) -> Result<(), AwsError> {
    aws.logs
        .put_resource_policy()
        .policy_name(POLICY_NAME)
        .policy_document(doc.to_string())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("logs:PutResourcePolicy {POLICY_NAME}"), e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/genesys";
    const R: &str = "arn:aws:events:us-east-1:123456789012:rule/b/r";

    #[test]
    fn a_target_with_or_without_star_is_one_group_and_one_statement() {
        assert_eq!(group_arn(&format!("{G}:*")), G);
        assert_eq!(group_name(G), "/aws/events/genesys");
        assert_eq!(sid(R, G), sid(R, &format!("{G}:*")));
        assert_ne!(sid(R, G), sid(R, &format!("{G}2")));
        let s = statement(G, R);
        assert_eq!(s["Resource"], format!("{G}:*"));
        let doc = json!({"Statement": [s]});
        let stream = format!("{G}:log-stream:x");
        for action in ACTIONS {
            let req = Request {
                action,
                resource: &stream,
                rule_arn: R,
            };
            assert_eq!(decide(Some(&doc), req), Verdict::Allowed, "{action}");
        }
    }

    #[test]
    fn the_less_permissive_write_decides() {
        assert_eq!(
            worse(Verdict::Allowed, Verdict::NotAllowed),
            Verdict::NotAllowed
        );
        assert_eq!(
            worse(Verdict::Denied("s".into()), Verdict::Allowed),
            Verdict::Denied("s".into())
        );
        assert_eq!(worse(Verdict::Allowed, Verdict::Allowed), Verdict::Allowed);
    }
}
