//! `gcbridge iam-policy`: the least-privilege AWS IAM policy gcbridge itself needs for a config
//! file (every call of plan, apply, doctor, tail, replay and destroy, scoped to the ARNs the file
//! names), and the Genesys permissions its OAuth client's role needs.
//!
//! The actions come from ONE table, [`calls::CALLS`] (SDK operation, IAM action, what it acts
//! on, who calls it), which a core test holds to the call sites; `scope.rs` turns what each
//! acts on into the file's ARNs. One statement per kind of resource, its `Sid` naming it.

pub mod calls;
mod kinds;
mod scope;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::desired::DesiredState;
use calls::{On, CALLS, POLICY_COMMANDS};

/// The policy document and what else the file's orgs need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IamPolicy {
    /// The IAM policy document.
    pub document: PolicyDocument,
    /// The Genesys permissions of the OAuth client's role: the four `whoami` probes.
    pub genesys_permissions: Vec<&'static str>,
}

/// An IAM identity-based policy, keys in IAM's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    #[serde(rename = "Sid")]
    pub sid: &'static str,
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    #[serde(rename = "Action")]
    pub actions: Vec<&'static str>,
    #[serde(rename = "Resource")]
    pub resources: Vec<String>,
}

/// The Sid of the statement of `on`: every `*` action shares one.
fn sid(on: On) -> &'static str {
    match on {
        On::Any | On::LogsAccount => "NoResourceLevelPermissions",
        On::EventSource => "PartnerEventSources",
        On::Bus => "PartnerEventBuses",
        On::AssociatedBus => "AssociatedPartnerEventBuses",
        On::Rules => "BusRules",
        On::TemporaryRules => "TemporaryRules",
        On::TemporaryQueues => "TemporaryQueues",
        On::TargetQueues => "TargetQueues",
        On::DeadLetterQueues => "DeadLetterQueues",
        On::TargetTopics => "TargetTopics",
        On::TargetFunctions => "TargetFunctions",
        On::TargetLogGroups => "TargetLogGroups",
        On::Archive => "Archives",
        On::Replays => "Replays",
        On::OwnRole => "DeliveryRoles",
        On::Roles => "TargetRoles",
        On::AttachedPolicies => "TargetRolePolicies",
        On::Secret => "ClientSecrets",
        On::Parameter => "ClientSecretParameters",
        On::CommandLine => "CommandLine",
    }
}

/// The policy for every org and destination of `state`.
pub fn policy(state: &DesiredState) -> IamPolicy {
    // Sid -> (actions, resources), in the table's order of first appearance.
    let mut order: Vec<&'static str> = Vec::new();
    let mut statements: BTreeMap<&'static str, (Vec<&'static str>, Vec<String>)> = BTreeMap::new();
    for call in CALLS {
        if !call.by.iter().any(|c| POLICY_COMMANDS.contains(c)) {
            continue;
        }
        let resources = scope::resources(state, call.on);
        if resources.is_empty() {
            continue;
        }
        let sid = sid(call.on);
        if !order.contains(&sid) {
            order.push(sid);
        }
        let (actions, res) = statements.entry(sid).or_default();
        if !actions.contains(&call.action) {
            actions.push(call.action);
        }
        res.extend(resources);
    }
    let statements = order
        .into_iter()
        .map(|sid| {
            let (mut actions, mut resources) = statements.remove(sid).unwrap_or_default();
            actions.sort();
            resources.sort();
            resources.dedup();
            Statement {
                sid,
                effect: "Allow",
                actions,
                resources,
            }
        })
        .collect();
    IamPolicy {
        document: PolicyDocument {
            version: "2012-10-17",
            statements,
        },
        genesys_permissions: crate::doctor::PERMISSIONS.to_vec(),
    }
}

impl PolicyDocument {
    /// Every action of the policy, sorted, once each.
    pub fn actions(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .statements
            .iter()
            .flat_map(|s| s.actions.iter().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The policy without `action` (a statement left with no action goes too): what a policy
    /// missing that one permission looks like.
    pub fn without(&self, action: &str) -> PolicyDocument {
        let mut doc = self.clone();
        for s in &mut doc.statements {
            s.actions.retain(|a| *a != action);
        }
        doc.statements.retain(|s| !s.actions.is_empty());
        doc
    }

    /// The statement of `sid`.
    pub fn statement(&self, sid: &str) -> Option<&Statement> {
        self.statements.iter().find(|s| s.sid == sid)
    }
}
