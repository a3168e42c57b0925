//! Lambda function policies: EventBridge invokes a function only when its resource policy lets
//! `events.amazonaws.com` do `lambda:InvokeFunction` for the rule. gcbridge adds that statement
//! with AddPermission (SourceArn = the rule's ARN) under a statement id it recognises as its own.

use serde_json::Value;

use super::clients::AwsClients;
use super::delivery::sid_for;
use super::error::{unless_missing, AwsError};
use super::policy_eval::{as_list, EVENTS_SERVICE};

pub const INVOKE: &str = "lambda:InvokeFunction";

/// The function's policy (`Some(None)`: it has none); `None` when the function does not exist.
pub(crate) async fn policy(
    aws: &AwsClients,
    function: &str,
) -> Result<Option<Option<Value>>, AwsError> {
    let sent = aws.lambda.get_policy().function_name(function).send().await;
    let policy = unless_missing(
        sent,
        |e| e.is_resource_not_found_exception(),
        || format!("lambda:GetPolicy {function}"),
    )?;
    if let Some(out) = policy {
        return Ok(Some(
            out.policy().and_then(|p| serde_json::from_str(p).ok()),
        ));
    }
    // Lambda answers the same for "no such function" and "no policy": ask which.
    let exists = unless_missing(
        aws.lambda
            .get_function()
            .function_name(function)
            .send()
            .await,
        |e| e.is_resource_not_found_exception(),
        || format!("lambda:GetFunction {function}"),
    )?;
    Ok(exists.map(|_| None))
}

/// Adds gcbridge's permission for the rule (replacing a statement of that id, which AWS would
/// refuse to add twice: ResourceConflictException).
pub async fn allow(aws: &AwsClients, function: &str, rule_arn: &str) -> Result<(), AwsError> {
    revoke(aws, function, rule_arn).await?;
    aws.lambda
        .add_permission()
        .function_name(function)
        .statement_id(sid_for(rule_arn))
        .action(INVOKE)
        .principal(EVENTS_SERVICE)
        .source_arn(rule_arn)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("lambda:AddPermission {function}"), e))?;
    Ok(())
}

/// Removes gcbridge's statement for the rule, if the function has it.
pub async fn revoke(aws: &AwsClients, function: &str, rule_arn: &str) -> Result<(), AwsError> {
    let sid = sid_for(rule_arn);
    let Some(Some(doc)) = policy(aws, function).await? else {
        return Ok(());
    };
    if !as_list(&doc["Statement"])
        .iter()
        .any(|s| s["Sid"] == sid.as_str())
    {
        return Ok(());
    }
    aws.lambda
        .remove_permission()
        .function_name(function)
        .statement_id(&sid)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("lambda:RemovePermission {function}"), e))?;
    Ok(())
}
