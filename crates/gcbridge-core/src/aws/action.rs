//! The AWS changes a plan lists, and how each is described to the user.

use serde::Serialize;
use serde_json::Value;

use super::{archive, delivery};
use crate::desired::TargetKind;

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
    /// Put targets again whose settings (role, dead-letter queue, input path, retry) differ.
    UpdateTargets {
        rule: String,
        changes: Vec<String>,
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
    /// Create gcbridge's delivery role of the destination (Kinesis, Firehose and buses in another
    /// account or region): its trust policy for events.amazonaws.com and its inline policy.
    CreateRole {
        role: String,
        arn: String,
        /// The statements, in words.
        grants: Vec<String>,
        trust_policy: Value,
        policy: Value,
    },
    /// Put gcbridge's inline policy and/or trust policy of its role again (`None`: already right).
    UpdateRole {
        role: String,
        changes: Vec<String>,
        trust_policy: Option<Value>,
        policy: Option<Value>,
    },
    /// Delete gcbridge's role (its inline policy first): no target needs it any more.
    DeleteRole {
        role: String,
    },
    DeleteRule {
        rule: String,
    },
    /// CreateArchive of the partner bus (`archive` in `[destination.aws]`), for `gcbridge replay`.
    CreateArchive {
        archive: String,
        retention_days: i32,
    },
    /// UpdateArchive: only its retention differs.
    UpdateArchive {
        archive: String,
        from_days: i32,
        to_days: i32,
    },
    /// DeleteArchive (destroy): its archived events go with it.
    DeleteArchive {
        archive: String,
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
            AwsAction::UpdateTargets { rule, changes } => {
                format!("rule {rule}: update target(s): {}", changes.join("; "))
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
            AwsAction::CreateRole { role, arn, grants, .. } => format!(
                "create IAM role {role} ({arn}) for EventBridge's deliveries: {}",
                grants.join("; ")
            ),
            AwsAction::UpdateRole { role, changes, .. } => {
                format!("update IAM role {role}: {}", changes.join("; "))
            }
            AwsAction::DeleteRole { role } => {
                format!("delete IAM role {role} (its inline policy first)")
            }
            AwsAction::DeleteRule { rule } => format!("delete rule {rule} and its targets"),
            AwsAction::CreateArchive {
                archive,
                retention_days,
            } => format!(
                "create archive {archive} of the partner event bus (keeps every event {}, for gcbridge replay)",
                archive::retention(*retention_days)
            ),
            AwsAction::UpdateArchive {
                archive,
                from_days,
                to_days,
            } => format!(
                "archive {archive}: update retention from {} to {}",
                archive::retention(*from_days),
                archive::retention(*to_days)
            ),
            AwsAction::DeleteArchive { archive } => {
                format!("delete archive {archive} and the events it holds")
            }
            AwsAction::DeleteBus { bus } => format!("delete the partner event bus {bus}"),
            AwsAction::ReassociateBus { source, rules } => format!(
                "re-create the partner event bus {source} from its new PENDING event source (the bus belongs to the deleted one), putting its {} rule(s) and their targets back{}",
                rules.len(),
                if rules.is_empty() { String::new() } else { format!(": {}", rules.join(", ")) }
            ),
        }
    }
}
