//! The AWS half of a plan: what must change in the destination's account for events to flow.
//! Read first, write only the difference, like the Genesys half (carried out by `apply`).

use serde::Serialize;

pub use super::action::AwsAction;
use super::archive;
use super::clients::AwsClients;
use super::delivery::{self, Access};
use super::error::AwsError;
use super::partner::{self, SourceState};
use super::policy_eval::Verdict;
use super::role_plan::{self, RoleScope};
use super::rule_diff::{dead_letter_queues, rule_actions};
use super::rules;
use super::temporary;
use crate::desired::{AwsSpec, Destination, RuleSpec, TargetKind};
use crate::source_id::{rule_arn, SourceId};

/// The AWS plan of one destination.
#[derive(Debug, Clone, Serialize)]
pub struct AwsPlan {
    pub destination: String,
    pub account: String,
    pub region: String,
    pub source: String,
    pub source_state: String,
    pub bus_exists: bool,
    pub actions: Vec<AwsAction>,
}

/// Reads the destination's AWS state and lists the changes its `[destination.aws]` asks for.
/// The credentials must belong to the destination's account: checked before anything else.
pub async fn plan_aws(
    aws: &AwsClients,
    dest: &Destination,
    org_id: &str,
) -> Result<AwsPlan, AwsError> {
    let spec = dest.aws.clone().unwrap_or_default();
    aws.check_account(&dest.aws_account_id).await?;
    let source = dest.source_id().source_name(org_id);
    let state = partner::source_state(aws, &source).await?;
    let bus_exists = partner::bus_arn(aws, &source).await?.is_some();
    let mut actions = Vec::new();
    if spec.associate && !bus_exists {
        actions.push(AwsAction::Associate {
            source: source.clone(),
        });
    }
    let live = rules::rules_by_name(aws, &source, bus_exists).await?;
    if spec.associate && bus_exists && behind_old_bus(&state, dest.enabled) {
        let mut names: Vec<String> = live.keys().cloned().collect();
        names.sort();
        actions.push(AwsAction::ReassociateBus {
            source: source.clone(),
            rules: names,
        });
    }
    if let Some(wanted) = &spec.archive {
        let bus_arn = partner::bus_arn(aws, &source).await?;
        let name = archive::archive_name(&source);
        actions.extend(archive::plan(aws, wanted, &name, bus_arn.as_deref()).await?);
    }
    let scope = RoleScope {
        account: &dest.aws_account_id,
        region: &dest.aws_region,
        source: &source,
    };
    // Targets that need a role carry gcbridge's unless the user gave one; made before PutTargets.
    let rules = scope.rules(&spec.rules);
    let (roles_first, roles_last) = role_plan::role_actions(aws, &scope, &rules).await?;
    actions.extend(roles_first);
    for rule in &rules {
        let arn = live
            .get(&rule.name)
            .map(|r| r.arn.clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| {
                rule_arn(&dest.aws_region, &dest.aws_account_id, &source, &rule.name)
            });
        actions.extend(rule_actions(rule, live.get(&rule.name)));
        actions.extend(permission_actions(aws, rule, &arn).await?);
    }
    actions.extend(roles_last);
    Ok(AwsPlan {
        destination: dest.name.clone(),
        account: dest.aws_account_id.clone(),
        region: dest.aws_region.clone(),
        source,
        source_state: state.label().to_string(),
        bus_exists,
        actions,
    })
}

/// Whether an existing bus belongs to a deleted source: the source of its name is PENDING (a new
/// one, created while the bus was there), or DELETED while the integration is (to be) enabled, so
/// Genesys creates a new one that will be PENDING behind the bus.
fn behind_old_bus(state: &SourceState, enabled: bool) -> bool {
    match state {
        SourceState::Pending => true,
        SourceState::Deleted => enabled,
        _ => false,
    }
}

/// The policy statements the rule's targets are missing (SQS, SNS, Lambda, CloudWatch Logs). A
/// target that does not exist is an error: gcbridge manages only its policy.
async fn permission_actions(
    aws: &AwsClients,
    rule: &RuleSpec,
    arn: &str,
) -> Result<Vec<AwsAction>, AwsError> {
    let mut actions = Vec::new();
    for t in rule.targets.iter().filter(|t| delivery::managed(t.kind)) {
        let verdict = match delivery::check(aws, t.kind, &t.arn, arn).await? {
            Access::Decided(v) => v,
            Access::NoTarget => {
                return Err(AwsError::new(format!(
                    "rule {}: {} {} does not exist in this account and region; create it first (gcbridge manages only its policy)",
                    rule.name, delivery::resource_noun(t.kind), t.arn
                )))
            }
        };
        match verdict {
            Verdict::Allowed => {}
            Verdict::Denied(statement) => {
                return Err(AwsError::new(denied_message(
                    &rule.name, t.kind, &t.arn, &statement,
                )))
            }
            // An unknown statement may still deny; doctor says so. gcbridge's Allow is certain.
            Verdict::NotAllowed | Verdict::Unknown(_) if t.kind == TargetKind::Sqs => {
                actions.push(AwsAction::AllowSqs {
                    rule: rule.name.clone(),
                    queue_arn: t.arn.clone(),
                })
            }
            Verdict::NotAllowed | Verdict::Unknown(_) => actions.push(AwsAction::AllowDelivery {
                rule: rule.name.clone(),
                target_arn: t.arn.clone(),
                kind: t.kind,
                grant: delivery::grant(t.kind, &t.arn, arn),
            }),
        }
    }
    for queue in dead_letter_queues(rule) {
        let verdict = match delivery::check(aws, TargetKind::Sqs, &queue, arn).await? {
            Access::Decided(v) => v,
            Access::NoTarget => {
                return Err(AwsError::new(format!(
                    "rule {}: the dead-letter queue {queue} does not exist in this account and region; create it first (gcbridge manages only its policy)",
                    rule.name
                )))
            }
        };
        match verdict {
            Verdict::Allowed => {}
            Verdict::Denied(statement) => {
                return Err(AwsError::new(denied_message(
                    &rule.name,
                    TargetKind::Sqs,
                    &queue,
                    &statement,
                )))
            }
            Verdict::NotAllowed | Verdict::Unknown(_) => actions.push(AwsAction::AllowSqs {
                rule: rule.name.clone(),
                queue_arn: queue,
            }),
        }
    }
    Ok(actions)
}

/// Why a target policy's explicit Deny stops the plan: no Allow gcbridge adds can override it.
fn denied_message(rule: &str, kind: TargetKind, target: &str, statement: &str) -> String {
    format!(
        "rule {rule}: {statement} of the {} of {target} explicitly denies EventBridge {} from this rule; an explicit Deny wins over any Allow, so adding gcbridge's statement cannot fix it: remove or narrow that Deny statement ({} shows it)",
        delivery::policy_noun(kind),
        delivery::action(kind),
        delivery::inspect_hint(kind),
    )
}

/// The delivery permissions gcbridge added for `rule`'s targets, to take back.
fn revocations(rule: &RuleSpec) -> impl Iterator<Item = AwsAction> + '_ {
    rule.targets
        .iter()
        .filter(|t| delivery::managed(t.kind))
        .map(|t| match t.kind {
            TargetKind::Sqs => AwsAction::RevokeSqs {
                rule: rule.name.clone(),
                queue_arn: t.arn.clone(),
            },
            kind => AwsAction::RevokeDelivery {
                rule: rule.name.clone(),
                target_arn: t.arn.clone(),
                kind,
            },
        })
}

/// The changes that remove what `[destination.aws]` manages: gcbridge's archive of the bus, its
/// rules (and their queue policy statements), gcbridge's temporary rules (with their queues) and,
/// when it associated the bus, every other rule on it and the bus.
pub async fn plan_aws_destroy(
    aws: &AwsClients,
    id: &SourceId,
    name: &str,
    spec: &AwsSpec,
    org_id: &str,
) -> Result<AwsPlan, AwsError> {
    aws.check_account(&id.account).await?;
    let source = id.source_name(org_id);
    let state = partner::source_state(aws, &source).await?;
    let bus_exists = partner::bus_arn(aws, &source).await?.is_some();
    let mut actions = Vec::new();
    // The archive goes first: its managed rule is on the bus.
    actions.extend(archive::destroy(aws, &source, spec).await?);
    if bus_exists {
        let live = rules::rules_by_name(aws, &source, true).await?;
        for rule in &spec.rules {
            if live.contains_key(&rule.name) {
                actions.extend(revocations(rule));
                actions.extend(dead_letter_queues(rule).into_iter().map(|queue_arn| {
                    AwsAction::RevokeSqs {
                        rule: rule.name.clone(),
                        queue_arn,
                    }
                }));
                actions.push(AwsAction::DeleteRule {
                    rule: rule.name.clone(),
                });
            }
        }
        // gcbridge's temporary rules always go; every other rule too when the bus goes, since
        // AWS refuses to delete a bus that has rules.
        let mut others: Vec<&String> = live
            .keys()
            .filter(|name| !spec.rules.iter().any(|r| &r.name == *name))
            .filter(|name| spec.associate || temporary::is_temporary_name(name))
            .collect();
        others.sort();
        actions.extend(
            others
                .into_iter()
                .map(|rule| AwsAction::DeleteRule { rule: rule.clone() }),
        );
        if spec.associate {
            actions.push(AwsAction::DeleteBus {
                bus: source.clone(),
            });
        }
    }
    let scope = RoleScope {
        account: &id.account,
        region: &id.region,
        source: &source,
    };
    actions.extend(role_plan::destroy_actions(aws, &scope, &spec.rules).await?);
    Ok(AwsPlan {
        destination: name.to_string(),
        account: id.account.clone(),
        region: id.region.clone(),
        source,
        source_state: state.label().to_string(),
        bus_exists,
        actions,
    })
}
