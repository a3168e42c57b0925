//! Carrying out the AWS half of a plan, action by action, in the plan's order.

use std::collections::HashMap;
use std::time::Duration;

use super::clients::AwsClients;
use super::error::AwsError;
use super::partner::{self, SourceState};
use super::plan::{AwsAction, AwsPlan};
use super::role_plan::RoleScope;
use super::{archive, delivery, reassociate, role, rules, sweep};
use crate::desired::{Destination, TargetKind};
use crate::source_id::rule_arn;

/// Carries out the AWS plan in order. `dest` supplies the rules' full specs; `wait` bounds the
/// wait for Genesys to create the partner event source before associating it.
pub async fn apply_aws(
    aws: &AwsClients,
    plan: &AwsPlan,
    dest: Option<&Destination>,
    wait: Duration,
) -> Result<Vec<String>, AwsError> {
    let mut done = Vec::new();
    let scope = RoleScope {
        account: &plan.account,
        region: &plan.region,
        source: &plan.source,
    };
    // As planned: targets that need a role carry gcbridge's unless the user gave one.
    let rules = dest
        .and_then(|d| d.aws.as_ref())
        .map(|a| scope.rules(&a.rules))
        .unwrap_or_default();
    let rule_spec = |name: &str| rules.iter().find(|r| r.name == name);
    let mut arns: HashMap<String, String> = HashMap::new();
    let bus = plan.source.as_str();
    let mut role_changed = false;
    for action in &plan.actions {
        match action {
            AwsAction::Associate { source } => {
                let state = partner::wait_for_source(aws, source, wait).await?;
                if state != SourceState::Active || partner::bus_arn(aws, source).await?.is_none() {
                    partner::associate(aws, source).await?;
                }
            }
            AwsAction::CreateRule { rule } | AwsAction::UpdateRule { rule, .. } => {
                let spec = rule_spec(rule)
                    .ok_or_else(|| AwsError::new(format!("internal: no spec for rule {rule}")))?;
                let arn = rules::put_rule(aws, bus, spec).await?;
                arns.insert(rule.clone(), arn);
            }
            AwsAction::AddTargets { rule, .. } | AwsAction::UpdateTargets { rule, .. } => {
                let spec = rule_spec(rule)
                    .ok_or_else(|| AwsError::new(format!("internal: no spec for rule {rule}")))?;
                if role_changed {
                    role::put_targets_after_role_change(aws, bus, spec).await?;
                } else {
                    rules::put_targets(aws, bus, spec).await?;
                }
            }
            AwsAction::RemoveTargets { rule, ids } => {
                rules::remove_targets(aws, bus, rule, ids).await?
            }
            AwsAction::AllowSqs { .. }
            | AwsAction::RevokeSqs { .. }
            | AwsAction::AllowDelivery { .. }
            | AwsAction::RevokeDelivery { .. } => permission(aws, plan, &arns, action).await?,
            AwsAction::CreateRole { .. }
            | AwsAction::UpdateRole { .. }
            | AwsAction::DeleteRole { .. } => {
                role_changed |= role_action(aws, bus, action).await?;
            }
            AwsAction::DeleteRule { rule } => sweep::delete_rule(aws, bus, rule).await?,
            AwsAction::CreateArchive { .. }
            | AwsAction::UpdateArchive { .. }
            | AwsAction::DeleteArchive { .. } => archive_action(aws, bus, action).await?,
            AwsAction::DeleteBus { bus } => partner::delete_bus(aws, bus).await?,
            AwsAction::ReassociateBus { source, .. } => {
                // A DELETED source is replaced once Genesys has enabled the integration again.
                let state = partner::wait_for_source(aws, source, wait).await?;
                if state == SourceState::Pending {
                    reassociate::reassociate(aws, source).await?;
                }
            }
        }
        done.push(action.describe());
    }
    Ok(done)
}

/// Creates, updates or deletes the bus's archive.
async fn archive_action(aws: &AwsClients, bus: &str, action: &AwsAction) -> Result<(), AwsError> {
    match action {
        AwsAction::CreateArchive {
            archive: name,
            retention_days,
        } => {
            let arn = partner::bus_arn(aws, bus).await?.ok_or_else(|| {
                AwsError::new(format!("the partner event bus {bus} does not exist, so it cannot be archived; associate the source first (associate = true)"))
            })?;
            archive::create(aws, name, &arn, *retention_days).await
        }
        AwsAction::UpdateArchive {
            archive: name,
            to_days,
            ..
        } => archive::update(aws, name, *to_days).await,
        AwsAction::DeleteArchive { archive: name } => archive::delete(aws, name).await,
        _ => Ok(()),
    }
}

/// Makes, rewrites or deletes gcbridge's delivery role; whether PutTargets must now allow for
/// IAM's propagation (the role was made or changed).
async fn role_action(aws: &AwsClients, bus: &str, action: &AwsAction) -> Result<bool, AwsError> {
    match action {
        AwsAction::CreateRole {
            role: name,
            trust_policy,
            policy,
            ..
        } => {
            let about = format!("Made by gcbridge: lets EventBridge deliver the events of {bus} to its Kinesis, Firehose and other-account bus targets");
            role::create(aws, name, trust_policy, policy, &about).await?;
            Ok(true)
        }
        AwsAction::UpdateRole {
            role: name,
            trust_policy,
            policy,
            ..
        } => {
            if let Some(trust) = trust_policy {
                role::put_trust(aws, name, trust).await?;
            }
            if let Some(policy) = policy {
                role::put_policy(aws, name, policy).await?;
            }
            Ok(true)
        }
        AwsAction::DeleteRole { role: name } => role::delete(aws, name).await.map(|_| false),
        _ => Ok(false),
    }
}

/// Adds or removes gcbridge's statement in a target's resource policy. A rule created in this
/// apply has its ARN from PutRule; otherwise it is rebuilt from its name.
async fn permission(
    aws: &AwsClients,
    plan: &AwsPlan,
    arns: &HashMap<String, String>,
    action: &AwsAction,
) -> Result<(), AwsError> {
    let arn_of = |rule: &str| {
        arns.get(rule)
            .cloned()
            .unwrap_or_else(|| rule_arn(&plan.region, &plan.account, &plan.source, rule))
    };
    match action {
        AwsAction::AllowSqs { rule, queue_arn } => {
            delivery::allow(aws, TargetKind::Sqs, queue_arn, &arn_of(rule)).await
        }
        AwsAction::RevokeSqs { rule, queue_arn } => {
            delivery::revoke(aws, TargetKind::Sqs, queue_arn, &arn_of(rule)).await
        }
        AwsAction::AllowDelivery {
            rule,
            target_arn,
            kind,
            ..
        } => delivery::allow(aws, *kind, target_arn, &arn_of(rule)).await,
        AwsAction::RevokeDelivery {
            rule,
            target_arn,
            kind,
        } => delivery::revoke(aws, *kind, target_arn, &arn_of(rule)).await,
        _ => Ok(()),
    }
}
