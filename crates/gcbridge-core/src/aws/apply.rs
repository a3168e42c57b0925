//! Carrying out the AWS half of a plan, action by action, in the plan's order.

use std::collections::HashMap;
use std::time::Duration;

use super::clients::AwsClients;
use super::error::AwsError;
use super::partner::{self, SourceState};
use super::plan::{AwsAction, AwsPlan};
use super::{archive, delivery, reassociate, rules, sweep};
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
    let rule_spec = |name: &str| {
        dest.and_then(|d| d.aws.as_ref())
            .and_then(|a| a.rules.iter().find(|r| r.name == name))
    };
    let mut arns: HashMap<String, String> = HashMap::new();
    let bus = plan.source.as_str();
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
                rules::put_targets(aws, bus, spec).await?;
            }
            AwsAction::RemoveTargets { rule, ids } => {
                rules::remove_targets(aws, bus, rule, ids).await?
            }
            AwsAction::AllowSqs { .. }
            | AwsAction::RevokeSqs { .. }
            | AwsAction::AllowDelivery { .. }
            | AwsAction::RevokeDelivery { .. } => permission(aws, plan, &arns, action).await?,
            AwsAction::DeleteRule { rule } => sweep::delete_rule(aws, bus, rule).await?,
            AwsAction::CreateArchive {
                archive: name,
                retention_days,
            } => {
                let arn = partner::bus_arn(aws, bus).await?.ok_or_else(|| {
                    AwsError::new(format!("the partner event bus {bus} does not exist, so it cannot be archived; associate the source first (associate = true)"))
                })?;
                archive::create(aws, name, &arn, *retention_days).await?
            }
            AwsAction::UpdateArchive {
                archive: name,
                to_days,
                ..
            } => archive::update(aws, name, *to_days).await?,
            AwsAction::DeleteArchive { archive: name } => archive::delete(aws, name).await?,
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
