//! The IAM role EventBridge needs for Kinesis, Firehose and event-bus-in-another-account (or
//! region) targets, in words and documents, without AWS: which targets need one, the name of the
//! one role gcbridge makes per destination, its trust policy and inline policy, the RoleArn each
//! target gets, and what a role's documents decide (judged by `policy_eval`). Pure, so every
//! shape is a unit test; `role.rs` reads and writes the role.

use serde_json::{json, Value};

use super::delivery::hash8;
use super::policy_eval::{as_list, decide, Request, Verdict, EVENTS_SERVICE};
use crate::arn_fields::arn_fields;
use crate::desired::{RuleSpec, TargetKind, TargetSpec};

/// The inline policy gcbridge writes into its role (and removes before deleting the role).
pub const POLICY_NAME: &str = "gcbridge-delivery";
/// The tag that marks a role as gcbridge's: destroy deletes only roles that carry it.
pub const TAG_KEY: &str = "managed-by";
pub const TAG_VALUE: &str = "gcbridge";
pub const ASSUME: &str = "sts:AssumeRole";

/// Whether EventBridge needs a role (the target's RoleArn) to deliver to this target from a rule
/// of `account` and `region`: always for Kinesis and Firehose, for a bus only in another account
/// or region (PutTargets docs; a bus of the same account and region is reached without one).
pub fn needs_role(kind: TargetKind, target: &str, account: &str, region: &str) -> bool {
    match kind {
        TargetKind::Kinesis | TargetKind::Firehose => true,
        TargetKind::EventBus => {
            arn_fields(target).is_some_and(|[_, _, bus_region, bus_account, _]| {
                bus_account != account || bus_region != region
            })
        }
        _ => false,
    }
}

/// The calls EventBridge makes with the role for a target of this kind (the inline policy allows
/// exactly these); the first is the one a single delivery needs.
pub fn put_actions(kind: TargetKind) -> &'static [&'static str] {
    match kind {
        TargetKind::Kinesis => &["kinesis:PutRecord", "kinesis:PutRecords"],
        TargetKind::Firehose => &["firehose:PutRecord", "firehose:PutRecordBatch"],
        _ => &["events:PutEvents"],
    }
}

/// gcbridge's role for the destination whose partner bus is `source` in `account` and `region`:
/// `gcbridge-events-SUFFIX-HASH`, at most 64 characters (IAM's limit), the hash telling apart
/// destinations of the same suffix in other regions or orgs (roles are global to the account).
pub fn role_name(account: &str, region: &str, source: &str) -> String {
    let suffix: String = source
        .rsplit('/')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(38)
        .collect();
    let hash = hash8(&format!("{account}:{region}:{source}"));
    format!("gcbridge-events-{suffix}-{hash}")
}

pub fn role_arn(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

/// The role's name in its ARN (`arn:aws:iam::ACCOUNT:role/PATH/NAME`), and its account.
pub fn parse_role_arn(arn: &str) -> Option<(&str, &str)> {
    let [_, service, _, account, resource] = arn_fields(arn)?;
    if service != "iam" {
        return None;
    }
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    (!name.is_empty()).then_some((name, account))
}

/// Who provides a target's role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleOwner {
    /// The target needs no role.
    None,
    /// gcbridge's role of the destination (the user gave none, or gave gcbridge's own).
    Gcbridge(String),
    /// The user's `role_arn`: checked, never changed.
    User(String),
}

/// Where the role of a target comes from; `ours` is gcbridge's role ARN for the destination. A
/// target that needs no role has none of gcbridge's (a `role_arn` the user gave it is passed on
/// as written, and not judged: EventBridge does not use it to deliver there).
pub fn owner(t: &TargetSpec, account: &str, region: &str, ours: &str) -> RoleOwner {
    if !needs_role(t.kind, &t.arn, account, region) {
        return RoleOwner::None;
    }
    match &t.settings.role_arn {
        Some(arn) if arn != ours => RoleOwner::User(arn.clone()),
        _ => RoleOwner::Gcbridge(ours.to_string()),
    }
}

/// The rules as PutTargets must send them: every target that needs gcbridge's role gets it as
/// its RoleArn (a user's `role_arn` stays).
pub fn with_roles(rules: &[RuleSpec], account: &str, region: &str, ours: &str) -> Vec<RuleSpec> {
    let mut rules = rules.to_vec();
    for t in rules.iter_mut().flat_map(|r| r.targets.iter_mut()) {
        if let RoleOwner::Gcbridge(arn) = owner(t, account, region, ours) {
            t.settings.role_arn = Some(arn);
        }
    }
    rules
}

/// The targets gcbridge's role must let EventBridge write to, sorted and once each.
pub fn role_targets(
    rules: &[RuleSpec],
    account: &str,
    region: &str,
    ours: &str,
) -> Vec<(TargetKind, String)> {
    let mut out: Vec<(TargetKind, String)> = rules
        .iter()
        .flat_map(|r| r.targets.iter())
        .filter(|t| matches!(owner(t, account, region, ours), RoleOwner::Gcbridge(_)))
        .map(|t| (t.kind, t.arn.clone()))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup();
    out
}

/// Only EventBridge, and only for rules of this account (the confused-deputy guard IAM
/// recommends for service roles), may assume gcbridge's role.
pub fn trust_policy(account: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": EVENTS_SERVICE},
            "Action": ASSUME,
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }],
    })
}

/// One statement per target kind: exactly its put calls on exactly those targets.
pub fn inline_policy(targets: &[(TargetKind, String)]) -> Value {
    let mut statements = Vec::new();
    for (kind, sid) in [
        (TargetKind::Kinesis, "KinesisStreams"),
        (TargetKind::Firehose, "FirehoseStreams"),
        (TargetKind::EventBus, "EventBuses"),
    ] {
        let arns: Vec<&str> = targets
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, a)| a.as_str())
            .collect();
        if !arns.is_empty() {
            statements.push(json!({
                "Sid": sid,
                "Effect": "Allow",
                "Action": put_actions(kind),
                "Resource": arns,
            }));
        }
    }
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The statement a role needs for one target, in words (plan and doctor print it).
pub fn grant(kind: TargetKind, target: &str, role: &str) -> String {
    format!(
        "allow {} on {target} in role {role} (inline policy {POLICY_NAME}), the role trusting {EVENTS_SERVICE} for {ASSUME}",
        put_actions(kind).join(" and ")
    )
}

/// What any role needs for one target, in words (for a user's role).
pub fn needs(kind: TargetKind, target: &str) -> String {
    format!(
        "it needs a policy allowing {} on {target} and a trust policy letting {EVENTS_SERVICE} do {ASSUME}",
        put_actions(kind).join(" and ")
    )
}

/// A policy document as IAM returns it: JSON, or URL-encoded JSON (GetRole, GetRolePolicy and
/// GetPolicyVersion answer URL-encoded documents on AWS).
pub fn parse_document(text: &str) -> Option<Value> {
    serde_json::from_str(text)
        .ok()
        .or_else(|| serde_json::from_str(&percent_decode(text)).ok())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a role's documents decide for EventBridge delivering one rule's events to one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleVerdict {
    /// The trust policy on `sts:AssumeRole` by events.amazonaws.com.
    pub trust: Verdict,
    /// The role's policies (inline and attached) on the delivery's put call.
    pub put: Verdict,
}

impl RoleVerdict {
    pub fn allowed(&self) -> bool {
        self.trust == Verdict::Allowed && self.put == Verdict::Allowed
    }
}

/// Judges a role: its trust policy, and its permission policies (inline and attached, as one
/// set: an explicit Deny in any wins) on the first put call of the target's kind.
pub fn judge(
    trust: Option<&Value>,
    policies: &[Value],
    kind: TargetKind,
    target: &str,
    role_arn: &str,
    rule_arn: &str,
) -> RoleVerdict {
    let trust = decide(
        trust,
        Request {
            action: ASSUME,
            resource: role_arn,
            rule_arn,
        },
    );
    let put = decide(
        Some(&as_identity(policies)),
        Request {
            action: put_actions(kind)[0],
            resource: target,
            rule_arn,
        },
    );
    RoleVerdict { trust, put }
}

/// The role's permission policies as one document the resource-policy evaluator reads: an
/// identity policy names no principal (it applies to whoever holds the role, here EventBridge
/// once it assumed it), so each statement gets EventBridge as its principal.
fn as_identity(policies: &[Value]) -> Value {
    let statements: Vec<Value> = policies
        .iter()
        .flat_map(|p| as_list(&p["Statement"]).into_iter().cloned())
        .map(|mut s| {
            if let Some(map) = s.as_object_mut() {
                map.remove("NotPrincipal");
                map.insert("Principal".into(), json!({"Service": EVENTS_SERVICE}));
            }
            s
        })
        .collect();
    json!({"Statement": statements})
}

#[cfg(test)]
mod tests;
