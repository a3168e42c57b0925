//! IAM roles of delivery targets, read and written: a role with its trust policy, inline and
//! attached policies (to judge a user's role or gcbridge's own); gcbridge's role created with its
//! tag, its inline policy and trust policy put, and deleted (inline policies first, as IAM
//! demands). PutTargets right after gcbridge made or changed its role is retried while AWS still
//! refuses the role (IAM is eventually consistent: docs/REAL-API.md).

use std::time::{Duration, Instant};

use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::types::Tag;
use serde_json::Value;

use super::clients::AwsClients;
use super::error::{unless_missing, AwsError};
use super::role_policy::{parse_document, POLICY_NAME, TAG_KEY, TAG_VALUE};
use super::rules;
use crate::desired::RuleSpec;

/// A role as IAM has it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRole {
    pub name: String,
    pub arn: String,
    /// The trust policy (`None`: unreadable).
    pub trust: Option<Value>,
    /// Tagged `managed-by = gcbridge`: gcbridge made it and may change or delete it.
    pub gcbridge: bool,
    /// Inline policies by name.
    pub inline: Vec<(String, Value)>,
    /// The default versions of the attached managed policies.
    pub attached: Vec<Value>,
}

impl LiveRole {
    /// Every permission policy of the role, inline and attached.
    pub fn policies(&self) -> Vec<Value> {
        self.inline
            .iter()
            .map(|(_, d)| d.clone())
            .chain(self.attached.iter().cloned())
            .collect()
    }

    /// gcbridge's inline policy, when the role has it.
    pub fn ours(&self) -> Option<&Value> {
        self.inline
            .iter()
            .find(|(n, _)| n == POLICY_NAME)
            .map(|(_, d)| d)
    }
}

fn sdk<E>(call: &str, role: &str) -> impl FnOnce(SdkError<E, HttpResponse>) -> AwsError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    let what = format!("iam:{call} {role}");
    move |e| AwsError::from_sdk(&what, e)
}

/// The role `name` of the credentials' account, with its policies; `None` when it does not exist.
pub async fn read(aws: &AwsClients, name: &str) -> Result<Option<LiveRole>, AwsError> {
    let Some(out) = unless_missing(
        aws.iam.get_role().role_name(name).send().await,
        |e| e.is_no_such_entity_exception(),
        || format!("iam:GetRole {name}"),
    )?
    else {
        return Ok(None);
    };
    let Some(role) = out.role() else {
        return Ok(None);
    };
    let gcbridge = role
        .tags()
        .iter()
        .any(|t| t.key() == TAG_KEY && t.value() == TAG_VALUE);
    Ok(Some(LiveRole {
        name: name.to_string(),
        arn: role.arn().to_string(),
        trust: role.assume_role_policy_document().and_then(parse_document),
        gcbridge,
        inline: inline_policies(aws, name).await?,
        attached: attached_policies(aws, name).await?,
    }))
}

async fn inline_policies(aws: &AwsClients, name: &str) -> Result<Vec<(String, Value)>, AwsError> {
    let names: Vec<String> = aws
        .iam
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk("ListRolePolicies", name))?;
    let mut docs = Vec::new();
    for policy in names {
        let out = aws
            .iam
            .get_role_policy()
            .role_name(name)
            .policy_name(&policy)
            .send()
            .await
            .map_err(sdk("GetRolePolicy", name))?;
        if let Some(doc) = parse_document(out.policy_document()) {
            docs.push((policy, doc));
        }
    }
    Ok(docs)
}

/// The ARNs of the managed policies attached to the role.
async fn attached_policy_arns(aws: &AwsClients, name: &str) -> Result<Vec<String>, AwsError> {
    let attached: Vec<_> = aws
        .iam
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(sdk("ListAttachedRolePolicies", name))?;
    Ok(attached.into_iter().filter_map(|p| p.policy_arn).collect())
}

async fn attached_policies(aws: &AwsClients, name: &str) -> Result<Vec<Value>, AwsError> {
    let mut docs = Vec::new();
    for arn in attached_policy_arns(aws, name).await? {
        let policy = aws
            .iam
            .get_policy()
            .policy_arn(&arn)
            .send()
            .await
            .map_err(sdk("GetPolicy", &arn))?;
        let Some(version) = policy.policy().and_then(|p| p.default_version_id()) else {
            continue;
        };
        let out = aws
            .iam
            .get_policy_version()
            .policy_arn(&arn)
            .version_id(version)
            .send()
            .await
            .map_err(sdk("GetPolicyVersion", &arn))?;
        if let Some(doc) = out
            .policy_version()
            .and_then(|v| v.document())
            .and_then(parse_document)
        {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// Creates gcbridge's role (tagged as gcbridge's) with its trust policy, then its inline policy.
pub async fn create(
    aws: &AwsClients,
    name: &str,
    trust: &Value,
    policy: &Value,
    description: &str,
) -> Result<(), AwsError> {
    let tag = Tag::builder()
        .key(TAG_KEY)
        .value(TAG_VALUE)
        .build()
        .map_err(|e| AwsError::new(format!("building a tag: {e}")))?;
    aws.iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust.to_string())
        .description(description)
        .tags(tag)
        .send()
        .await
        .map_err(sdk("CreateRole", name))?;
    put_policy(aws, name, policy).await
}

/// Writes gcbridge's inline policy (replacing its previous version).
pub async fn put_policy(aws: &AwsClients, name: &str, policy: &Value) -> Result<(), AwsError> {
    aws.iam
        .put_role_policy()
        .role_name(name)
        .policy_name(POLICY_NAME)
        .policy_document(policy.to_string())
        .send()
        .await
        .map_err(sdk("PutRolePolicy", name))?;
    Ok(())
}

pub async fn put_trust(aws: &AwsClients, name: &str, trust: &Value) -> Result<(), AwsError> {
    aws.iam
        .update_assume_role_policy()
        .role_name(name)
        .policy_document(trust.to_string())
        .send()
        .await
        .map_err(sdk("UpdateAssumeRolePolicy", name))?;
    Ok(())
}

/// Deletes gcbridge's role: its inline policies and attachments first (IAM refuses to delete a
/// role that has any), then the role. A role already gone is fine.
pub async fn delete(aws: &AwsClients, name: &str) -> Result<(), AwsError> {
    let Some(live) = read(aws, name).await? else {
        return Ok(());
    };
    for (policy, _) in &live.inline {
        aws.iam
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .map_err(sdk("DeleteRolePolicy", name))?;
    }
    for arn in attached_policy_arns(aws, name).await? {
        aws.iam
            .detach_role_policy()
            .role_name(name)
            .policy_arn(arn)
            .send()
            .await
            .map_err(sdk("DetachRolePolicy", name))?;
    }
    aws.iam
        .delete_role()
        .role_name(name)
        .send()
        .await
        .map_err(sdk("DeleteRole", name))?;
    Ok(())
}

/// How long PutTargets is retried after gcbridge made or changed its role.
const PROPAGATION: Duration = Duration::from_secs(40);

/// PutTargets of a rule whose targets use a role gcbridge just made or changed: while AWS still
/// refuses that role (IAM changes take seconds to reach EventBridge), wait and try again.
pub async fn put_targets_after_role_change(
    aws: &AwsClients,
    bus: &str,
    spec: &RuleSpec,
) -> Result<(), AwsError> {
    let deadline = Instant::now() + PROPAGATION;
    let mut wait = Duration::from_millis(500);
    loop {
        match rules::put_targets(aws, bus, spec).await {
            Err(e) if refuses_new_role(&e.message) && Instant::now() + wait < deadline => {
                tracing::info!("{e}; IAM may still be propagating the role, retrying in {wait:?}");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Whether a PutTargets failure is AWS not knowing (or not yet trusting) a role: it names an IAM
/// role or cannot assume one. A missing RoleArn is a real error, never retried.
pub fn refuses_new_role(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    let names_role = m.contains(":iam::") || m.contains("role");
    let not_yet = [
        "assume",
        "not authorized",
        "does not exist",
        "not found",
        "invalid",
    ]
    .iter()
    .any(|w| m.contains(w));
    names_role && not_yet && !m.contains("must be specified") && !m.contains("is required")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_refused_role_is_retried() {
        assert!(refuses_new_role("events:PutTargets on r failed for kinesis-s: EventBridge cannot assume the role arn:aws:iam::123456789012:role/gcbridge-events-x"));
        assert!(refuses_new_role(
            "ValidationException: Role arn:aws:iam::123456789012:role/x is invalid"
        ));
        assert!(!refuses_new_role(
            "ValidationException: RoleArn is required for target arn:aws:kinesis:us-east-1:1:stream/s."
        ));
        assert!(!refuses_new_role(
            "Parameter(s) RoleArn must be specified for target: t."
        ));
        assert!(!refuses_new_role("ThrottlingException: Rate exceeded"));
    }
}
