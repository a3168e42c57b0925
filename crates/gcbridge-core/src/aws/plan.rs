//! The AWS half of a plan: what must change in the destination's account for events to flow.
//! Read first, write only the difference, like the Genesys half (carried out by `apply`).

use std::collections::HashMap;

use serde::Serialize;

use super::clients::AwsClients;
use super::delivery::{self, Access};
use super::error::AwsError;
use super::partner::{self, SourceState};
use super::policy_eval::Verdict;
use super::rules::{self, LiveRule};
use super::temporary;
use crate::desired::{AwsSpec, Destination, RuleSpec, TargetKind};
use crate::source_id::{rule_arn, SourceId};

/// One AWS change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum AwsAction {
    /// CreateEventBus from the partner event source (waiting for Genesys to create the source).
    Associate {
        source: String,
    },
    CreateRule {
        rule: String,
    },
    UpdateRule {
        rule: String,
        changes: Vec<String>,
    },
    AddTargets {
        rule: String,
        targets: Vec<String>,
    },
    RemoveTargets {
        rule: String,
        ids: Vec<String>,
    },
    /// Add a queue policy statement letting EventBridge deliver this rule's events.
    AllowSqs {
        rule: String,
        queue_arn: String,
    },
    RevokeSqs {
        rule: String,
        queue_arn: String,
    },
    /// Add gcbridge's statement to an SNS, Lambda or CloudWatch Logs target's resource policy
    /// (`grant` says which statement).
    AllowDelivery {
        rule: String,
        target_arn: String,
        kind: TargetKind,
        grant: String,
    },
    /// Remove gcbridge's statement for the rule from that policy (nothing else).
    RevokeDelivery {
        rule: String,
        target_arn: String,
        kind: TargetKind,
    },
    DeleteRule {
        rule: String,
    },
    DeleteBus {
        bus: String,
    },
    /// The bus is associated with a deleted source while a new one of that name waits PENDING
    /// (the integration was disabled and enabled again): re-create the bus from the new source
    /// and put its rules (named here) and their targets back.
    ReassociateBus {
        source: String,
        rules: Vec<String>,
    },
}

impl AwsAction {
    pub fn describe(&self) -> String {
        match self {
            AwsAction::Associate { source } => {
                format!("associate the partner event source with a new event bus {source}")
            }
            AwsAction::CreateRule { rule } => format!("create rule {rule}"),
            AwsAction::UpdateRule { rule, changes } => {
                format!("update rule {rule} ({})", changes.join(", "))
            }
            AwsAction::AddTargets { rule, targets } => {
                format!("rule {rule}: add target(s) {}", targets.join(", "))
            }
            AwsAction::RemoveTargets { rule, ids } => {
                format!("rule {rule}: remove target(s) {}", ids.join(", "))
            }
            AwsAction::AllowSqs { rule, queue_arn } => {
                format!(
                    "queue {queue_arn}: add the policy statement that lets rule {rule} send to it"
                )
            }
            AwsAction::RevokeSqs { rule, queue_arn } => {
                format!("queue {queue_arn}: remove gcbridge's statement for rule {rule}")
            }
            AwsAction::AllowDelivery {
                rule,
                target_arn,
                grant,
                ..
            } => format!("{target_arn}: let rule {rule} deliver to it: {grant}"),
            AwsAction::RevokeDelivery {
                rule,
                target_arn,
                kind,
            } => format!(
                "{target_arn}: remove gcbridge's statement for rule {rule} from the {}",
                delivery::policy_noun(*kind)
            ),
            AwsAction::DeleteRule { rule } => format!("delete rule {rule} and its targets"),
            AwsAction::DeleteBus { bus } => format!("delete the partner event bus {bus}"),
            AwsAction::ReassociateBus { source, rules } => format!(
                "re-create the partner event bus {source} from its new PENDING event source (the bus belongs to the deleted one), putting its {} rule(s) and their targets back{}",
                rules.len(),
                if rules.is_empty() { String::new() } else { format!(": {}", rules.join(", ")) }
            ),
        }
    }
}

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
    let live: HashMap<String, LiveRule> = if bus_exists {
        rules::list_rules(aws, &source)
            .await?
            .into_iter()
            .map(|r| (r.name.clone(), r))
            .collect()
    } else {
        HashMap::new()
    };
    if spec.associate && bus_exists && behind_old_bus(&state, dest.enabled) {
        let mut names: Vec<String> = live.keys().cloned().collect();
        names.sort();
        actions.push(AwsAction::ReassociateBus {
            source: source.clone(),
            rules: names,
        });
    }
    for rule in &spec.rules {
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

/// What one rule needs: created with its targets, or its pattern, state, description and targets
/// brought in line with the live rule. Pure, so the comparison rules are tested without AWS.
fn rule_actions(rule: &RuleSpec, live: Option<&LiveRule>) -> Vec<AwsAction> {
    let mut actions = Vec::new();
    match live {
        None => {
            actions.push(AwsAction::CreateRule {
                rule: rule.name.clone(),
            });
            if !rule.targets.is_empty() {
                actions.push(AwsAction::AddTargets {
                    rule: rule.name.clone(),
                    targets: rule.targets.iter().map(|t| t.arn.clone()).collect(),
                });
            }
        }
        Some(l) => {
            let mut changes = Vec::new();
            if l.event_pattern.as_deref() != Some(rule.event_pattern.as_str()) {
                changes.push(format!(
                    "pattern {} -> {}",
                    l.event_pattern.as_deref().unwrap_or("(none)"),
                    rule.event_pattern
                ));
            }
            if l.enabled != rule.enabled {
                changes.push(format!(
                    "{} -> {}",
                    state_word(l.enabled),
                    state_word(rule.enabled)
                ));
            }
            if l.description.as_deref().unwrap_or("") != rule.description.as_deref().unwrap_or("") {
                changes.push("description".into());
            }
            if !changes.is_empty() {
                actions.push(AwsAction::UpdateRule {
                    rule: rule.name.clone(),
                    changes,
                });
            }
            let add: Vec<String> = rule
                .targets
                .iter()
                .filter(|t| !l.targets.iter().any(|lt| lt.id == t.id && lt.arn == t.arn))
                .map(|t| t.arn.clone())
                .collect();
            if !add.is_empty() {
                actions.push(AwsAction::AddTargets {
                    rule: rule.name.clone(),
                    targets: add,
                });
            }
            let remove: Vec<String> = l
                .targets
                .iter()
                .filter(|lt| !rule.targets.iter().any(|t| t.id == lt.id))
                .map(|lt| lt.id.clone())
                .collect();
            if !remove.is_empty() {
                actions.push(AwsAction::RemoveTargets {
                    rule: rule.name.clone(),
                    ids: remove,
                });
            }
        }
    }
    actions
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

/// The changes that remove what `[destination.aws]` manages: its rules (and their queue policy
/// statements), gcbridge's temporary rules (with their queues) and, when it associated the bus,
/// every other rule on it and the bus.
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
    if bus_exists {
        let live: HashMap<String, LiveRule> = rules::list_rules(aws, &source)
            .await?
            .into_iter()
            .map(|r| (r.name.clone(), r))
            .collect();
        for rule in &spec.rules {
            if live.contains_key(&rule.name) {
                for t in rule.targets.iter().filter(|t| delivery::managed(t.kind)) {
                    actions.push(match t.kind {
                        TargetKind::Sqs => AwsAction::RevokeSqs {
                            rule: rule.name.clone(),
                            queue_arn: t.arn.clone(),
                        },
                        kind => AwsAction::RevokeDelivery {
                            rule: rule.name.clone(),
                            target_arn: t.arn.clone(),
                            kind,
                        },
                    });
                }
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

fn state_word(enabled: bool) -> &'static str {
    if enabled {
        "ENABLED"
    } else {
        "DISABLED"
    }
}
