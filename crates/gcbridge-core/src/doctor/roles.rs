//! The targets EventBridge reaches through an IAM role (the target's RoleArn): Kinesis streams,
//! Firehose delivery streams, and event buses in another account or region. The role must
//! exist, trust events.amazonaws.com to assume it, and allow the put on that target; each
//! failure names the missing statement and the fix (`gcbridge apply` for gcbridge's own role).

use crate::aws::parse_target;
use crate::aws::policy_eval::{Verdict, EVENTS_SERVICE};
use crate::aws::role;
use crate::aws::role_policy as rp;
use crate::aws::rules::LiveTarget;
use crate::desired::TargetKind;

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;

/// The kind of a target that EventBridge reaches through a role from this destination.
pub(super) fn role_kind(d: &Destination<'_>, target: &str) -> Option<TargetKind> {
    let spec = parse_target(target, d.region).ok()?;
    rp::needs_role(spec.kind, &spec.arn, d.account, d.region).then_some(spec.kind)
}

/// What fixes a role problem: `gcbridge apply` for gcbridge's role of a rule it manages, else
/// the change by hand.
fn fix(d: &Destination<'_>, rule: &str, ours: bool, what: &str) -> String {
    let managed = d
        .managed
        .is_none_or(|spec| spec.rules.iter().any(|r| r.name == rule));
    match (ours, managed) {
        (true, true) => format!("run gcbridge apply (it puts gcbridge's role right: {what})"),
        (true, false) => format!("gcbridge does not manage rule {rule}: add it to the file's [destination.aws] and run gcbridge apply, or by hand: {what}"),
        (false, _) => format!("fix your role by hand ({what}), or leave role_arn out of the target and run gcbridge apply: gcbridge then makes its own"),
    }
}

pub(super) async fn role_target(
    report: &mut Report,
    d: &Destination<'_>,
    rule: &str,
    rule_arn: &str,
    t: &LiveTarget,
    kind: TargetKind,
) {
    let at = || CheckId::Target.on(&t.arn);
    let ours_name = rp::role_name(d.account, d.region, &d.source);
    let ours_arn = rp::role_arn(d.account, &ours_name);
    let grant = rp::grant(kind, &t.arn, &ours_name);
    let Some(arn) = t.settings.role_arn.as_deref() else {
        report.fail(
            at(),
            "the target has no RoleArn: EventBridge writes to this target only through an IAM role, so deliveries fail",
            fix(d, rule, true, &grant),
        );
        return;
    };
    let ours = arn == ours_arn;
    let what = if ours { grant } else { rp::needs(kind, &t.arn) };
    let Some((name, account)) = rp::parse_role_arn(arn) else {
        report.fail(
            at(),
            format!("its RoleArn {arn} is not an IAM role ARN"),
            fix(d, rule, ours, &what),
        );
        return;
    };
    if account != d.account {
        report.warn(
            at(),
            format!("its role {arn} is in account {account}, which these credentials cannot read: not checked (EventBridge wants the role in the rule's account {})", d.account),
            Some(fix(d, rule, ours, &what)),
        );
        return;
    }
    let Some(live) = read_role(report, d, &t.arn, arn, name, &what, ours, rule).await else {
        return;
    };
    let v = rp::judge(
        live.trust.as_ref(),
        &live.policies(),
        kind,
        &t.arn,
        arn,
        rule_arn,
    );
    let action = rp::put_actions(kind)[0];
    if v.allowed() {
        let note = if kind == TargetKind::EventBus {
            " (the receiving bus's own policy, in its account, is not checked)"
        } else {
            ""
        };
        report.pass(
            at(),
            format!("its role {name} trusts {EVENTS_SERVICE} and allows {action} on it{note}"),
        );
        return;
    }
    let problem = match problem(&v, name, action) {
        Ok(p) => p,
        Err(why) => {
            report.warn(
                at(),
                format!("cannot tell whether role {name} lets EventBridge deliver ({action}): {why}"),
                Some(format!("check the role by hand (aws iam get-role --role-name {name}; aws iam list-role-policies --role-name {name})")),
            );
            return;
        }
    };
    report.fail(
        at(),
        format!("{problem}: deliveries from rule {rule} fail silently; missing: {what}"),
        fix(d, rule, ours, &what),
    );
}

/// With the file (`-f`): gcbridge's role of the destination, for the file's targets that need it
/// and that the walk did not reach (before the first apply neither the role nor those targets
/// exist, so no per-target check can name it): the role gcbridge would create, and that
/// `gcbridge apply` creates it. Targets already on the bus have their own check.
pub(super) async fn planned_role(report: &mut Report, d: &Destination<'_>) {
    let Some(spec) = d.managed else {
        return;
    };
    let name = rp::role_name(d.account, d.region, &d.source);
    let ours = rp::role_arn(d.account, &name);
    let unchecked: Vec<String> = rp::role_targets(&spec.rules, d.account, d.region, &ours)
        .into_iter()
        .map(|(_, arn)| arn)
        .filter(|arn| {
            !report
                .checks
                .iter()
                .any(|c| c.id == CheckId::Target && c.subject.as_deref() == Some(arn.as_str()))
        })
        .collect();
    if unchecked.is_empty() {
        return;
    }
    let list = unchecked.join(", ");
    let at = || CheckId::DeliveryRole.on(&name);
    match role::read(d.aws, &name).await {
        Ok(Some(_)) => report.pass(
            at(),
            format!("gcbridge's role {ours} exists for {list} (not on the bus yet: gcbridge apply puts them)"),
        ),
        Ok(None) => report.fail(
            at(),
            format!("gcbridge's role {ours} does not exist yet: EventBridge delivers to {list} only through it"),
            format!("run gcbridge apply: it creates role {name} (trusting {EVENTS_SERVICE}, allowing only the put on those targets) before the targets that use it"),
        ),
        Err(e) => report.fail(
            at(),
            e.to_string(),
            e.advice("check the AWS permissions iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies"),
        ),
    }
}

/// What is wrong with a role that does not allow the delivery; `Err` with why when it cannot be
/// told.
fn problem(v: &rp::RoleVerdict, name: &str, action: &str) -> Result<String, String> {
    Ok(match (&v.trust, &v.put) {
        (Verdict::NotAllowed, _) => format!(
            "the trust policy of role {name} does not let {EVENTS_SERVICE} assume it ({})",
            rp::ASSUME
        ),
        (Verdict::Denied(s), _) => format!(
            "{s} of the trust policy of role {name} denies {EVENTS_SERVICE} {}",
            rp::ASSUME
        ),
        (_, Verdict::NotAllowed) => format!("role {name} does not allow {action} on it"),
        (_, Verdict::Denied(s)) => format!(
            "{s} of the policies of role {name} explicitly denies {action} on it (an explicit Deny wins over any Allow)"
        ),
        (Verdict::Unknown(why), _) | (_, Verdict::Unknown(why)) => return Err(why.clone()),
        (Verdict::Allowed, Verdict::Allowed) => return Err("internal: judged allowed".into()),
    })
}

/// The role, or `None` after reporting why it cannot be judged (missing, unreadable).
#[allow(clippy::too_many_arguments)]
async fn read_role(
    report: &mut Report,
    d: &Destination<'_>,
    target: &str,
    arn: &str,
    name: &str,
    what: &str,
    ours: bool,
    rule: &str,
) -> Option<role::LiveRole> {
    match role::read(d.aws, name).await {
        Ok(Some(l)) => Some(l),
        Ok(None) => {
            report.fail(
                CheckId::Target.on(target),
                format!("its role {arn} does not exist: deliveries fail; missing: {what}"),
                fix(d, rule, ours, what),
            );
            None
        }
        Err(e) => {
            report.fail(
                CheckId::Target.on(target),
                e.to_string(),
                "check the AWS permissions iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies",
            );
            None
        }
    }
}
