//! The role part of an AWS plan: gcbridge's delivery role of the destination created, brought in
//! line (its inline policy exactly the puts on exactly the targets that use it, its trust policy
//! letting EventBridge assume it), deleted when no target needs it or the destination goes; a
//! user's `role_arn` checked (it exists, trusts EventBridge, allows the put), never changed.

use super::action::AwsAction;
use super::clients::AwsClients;
use super::error::AwsError;
use super::policy_eval::Verdict;
use super::role::{self, LiveRole};
use super::role_policy::{self as rp, RoleOwner};
use crate::desired::{RuleSpec, TargetSpec};
use crate::source_id::rule_arn;

/// The destination whose role is planned: its account, region and partner bus.
pub struct RoleScope<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub source: &'a str,
}

impl RoleScope<'_> {
    pub fn name(&self) -> String {
        rp::role_name(self.account, self.region, self.source)
    }

    pub fn arn(&self) -> String {
        rp::role_arn(self.account, &self.name())
    }

    /// The rules as PutTargets sends them (gcbridge's role filled in).
    pub fn rules(&self, rules: &[RuleSpec]) -> Vec<RuleSpec> {
        rp::with_roles(rules, self.account, self.region, &self.arn())
    }

    /// The ARN of a rule on the bus (trust policies are judged for it).
    fn rule(&self, name: &str) -> String {
        rule_arn(self.region, self.account, self.source, name)
    }
}

/// What the role needs: `(before, after)` the rule actions (made before PutTargets uses it,
/// deleted after the targets that used it are gone). A user's role that cannot work is an error.
pub async fn role_actions(
    aws: &AwsClients,
    scope: &RoleScope<'_>,
    rules: &[RuleSpec],
) -> Result<(Vec<AwsAction>, Vec<AwsAction>), AwsError> {
    for r in rules {
        for t in &r.targets {
            if let RoleOwner::User(arn) = rp::owner(t, scope.account, scope.region, &scope.arn()) {
                check_user_role(aws, scope, &r.name, t, &arn).await?;
            }
        }
    }
    let (name, arn) = (scope.name(), scope.arn());
    let targets = rp::role_targets(rules, scope.account, scope.region, &arn);
    if targets.is_empty() {
        // A destination without such targets must not need IAM read permissions: a role left
        // from earlier targets is deleted when it can be seen, and otherwise left alone.
        let live = role::read(aws, &name).await.ok().flatten();
        let after = match live {
            Some(l) if l.gcbridge => vec![AwsAction::DeleteRole { role: name }],
            _ => vec![],
        };
        return Ok((vec![], after));
    }
    let live = role::read(aws, &name).await?;
    let (trust, policy) = (rp::trust_policy(scope.account), rp::inline_policy(&targets));
    let grants: Vec<String> = targets
        .iter()
        .map(|(kind, target)| rp::grant(*kind, target, &name))
        .collect();
    let Some(live) = live else {
        return Ok((
            vec![AwsAction::CreateRole {
                role: name,
                arn,
                grants,
                trust_policy: trust,
                policy,
            }],
            vec![],
        ));
    };
    if !live.gcbridge {
        return Err(AwsError::new(format!(
            "an IAM role named {name} exists but is not gcbridge's (it lacks the tag {}={}); gcbridge does not take over a role it did not create: delete that role, or give the targets role_arn = \"{}\"",
            rp::TAG_KEY, rp::TAG_VALUE, live.arn
        )));
    }
    Ok((update(scope, &live, trust, policy, grants), vec![]))
}

/// gcbridge's existing role brought in line: its trust policy when it does not let EventBridge
/// (for this bus's rules) assume it, its inline policy when it is not exactly the wanted one.
fn update(
    scope: &RoleScope<'_>,
    live: &LiveRole,
    trust: serde_json::Value,
    policy: serde_json::Value,
    grants: Vec<String>,
) -> Vec<AwsAction> {
    let trusted = rp::judge(
        live.trust.as_ref(),
        &[],
        crate::desired::TargetKind::Kinesis,
        "",
        &live.arn,
        &scope.rule("any"),
    )
    .trust
        == Verdict::Allowed;
    let exact = live.ours() == Some(&policy);
    let mut changes = Vec::new();
    if !trusted {
        changes.push(format!(
            "trust policy: let {} assume it ({}) for rules of account {}",
            super::policy_eval::EVENTS_SERVICE,
            rp::ASSUME,
            scope.account
        ));
    }
    if !exact {
        changes.push(format!(
            "inline policy {}: {}",
            rp::POLICY_NAME,
            grants.join("; ")
        ));
    }
    if changes.is_empty() {
        return vec![];
    }
    vec![AwsAction::UpdateRole {
        role: live.name.clone(),
        changes,
        trust_policy: (!trusted).then_some(trust),
        policy: (!exact).then_some(policy),
    }]
}

/// A user's role: it must exist, trust EventBridge and allow the put on the target. A role of
/// another account cannot be read with these credentials: doctor says so.
async fn check_user_role(
    aws: &AwsClients,
    scope: &RoleScope<'_>,
    rule: &str,
    t: &TargetSpec,
    arn: &str,
) -> Result<(), AwsError> {
    let Some((name, account)) = rp::parse_role_arn(arn) else {
        return Ok(());
    };
    if account != scope.account {
        return Ok(());
    }
    let Some(live) = role::read(aws, name).await? else {
        return Err(AwsError::new(format!(
            "rule {rule}: the role_arn {arn} of target {} does not exist; create it (trusting {}, allowing {} on the target) or leave role_arn out and gcbridge creates one",
            t.arn, super::policy_eval::EVENTS_SERVICE, rp::put_actions(t.kind).join(" and ")
        )));
    };
    let v = rp::judge(
        live.trust.as_ref(),
        &live.policies(),
        t.kind,
        &t.arn,
        arn,
        &scope.rule(rule),
    );
    let problem = match (&v.trust, &v.put) {
        (Verdict::NotAllowed | Verdict::Denied(_), _) => format!(
            "its trust policy does not let {} assume it ({})",
            super::policy_eval::EVENTS_SERVICE,
            rp::ASSUME
        ),
        (_, Verdict::Denied(s)) => format!(
            "{s} of its policies denies {} on the target",
            rp::put_actions(t.kind)[0]
        ),
        (_, Verdict::NotAllowed) => format!(
            "none of its policies allows {} on the target",
            rp::put_actions(t.kind).join(" and ")
        ),
        _ => return Ok(()),
    };
    Err(AwsError::new(format!(
        "rule {rule}: target {}: the role_arn {arn} cannot deliver: {problem}; gcbridge does not change a role it did not create: fix the role ({}), or leave role_arn out and gcbridge creates one",
        t.arn,
        rp::needs(t.kind, &t.arn)
    )))
}

/// Destroy: gcbridge's role of the destination, when it exists and is gcbridge's. When no target
/// of `rules` needs it, an unreadable role (no IAM permissions) is left alone.
pub async fn destroy_actions(
    aws: &AwsClients,
    scope: &RoleScope<'_>,
    rules: &[RuleSpec],
) -> Result<Vec<AwsAction>, AwsError> {
    let name = scope.name();
    let needed = !rp::role_targets(
        &scope.rules(rules),
        scope.account,
        scope.region,
        &scope.arn(),
    )
    .is_empty();
    let live = match role::read(aws, &name).await {
        Ok(live) => live,
        Err(e) if needed => return Err(e),
        Err(_) => None,
    };
    Ok(match live {
        Some(l) if l.gcbridge => vec![AwsAction::DeleteRole { role: name }],
        _ => vec![],
    })
}
