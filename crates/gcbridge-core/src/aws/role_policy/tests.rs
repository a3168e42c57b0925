//! role_policy's rules: which targets need a role, gcbridge's role's name and documents, and
//! what a role's documents decide.

use serde_json::json;

use super::*;
use crate::aws::parse_target;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const SOURCE: &str = "aws.partner/genesys.com/cloud/0a1b2c3d-org/prod";
const STREAM: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/genesys";
const FIREHOSE: &str = "arn:aws:firehose:us-east-1:123456789012:deliverystream/genesys";
const REMOTE_BUS: &str = "arn:aws:events:us-east-1:210987654321:event-bus/central";
const RULE: &str =
    "arn:aws:events:us-east-1:123456789012:rule/aws.partner/genesys.com/cloud/0a1b2c3d-org/prod/r";

fn rule(targets: &[&str]) -> RuleSpec {
    RuleSpec {
        name: "r".into(),
        description: None,
        enabled: true,
        event_pattern: "{}".into(),
        targets: targets
            .iter()
            .map(|a| parse_target(a, REGION).unwrap())
            .collect(),
        retry: None,
        expect: Default::default(),
    }
}

#[test]
fn kinesis_firehose_and_a_bus_elsewhere_need_a_role_and_a_local_bus_does_not() {
    let need = |arn: &str| {
        let t = parse_target(arn, REGION).unwrap();
        needs_role(t.kind, &t.arn, ACCOUNT, REGION)
    };
    assert!(need(STREAM) && need(FIREHOSE) && need(REMOTE_BUS));
    assert!(need(
        "arn:aws:events:eu-west-1:123456789012:event-bus/central"
    ));
    assert!(!need(
        "arn:aws:events:us-east-1:123456789012:event-bus/central"
    ));
    assert!(!need("arn:aws:sqs:us-east-1:123456789012:q"));
}

#[test]
fn the_role_name_is_gcbridges_stable_distinct_per_destination_and_fits_iam() {
    let name = role_name(ACCOUNT, REGION, SOURCE);
    assert!(name.starts_with("gcbridge-events-prod-"), "{name}");
    assert_eq!(name, role_name(ACCOUNT, REGION, SOURCE));
    assert_ne!(name, role_name(ACCOUNT, "eu-west-1", SOURCE));
    let long = format!("aws.partner/genesys.com/cloud/o/{}", "s".repeat(64));
    assert!(role_name(ACCOUNT, REGION, &long).len() <= 64);
    assert_eq!(
        parse_role_arn(&role_arn(ACCOUNT, &name)),
        Some((name.as_str(), ACCOUNT))
    );
    assert_eq!(
        parse_role_arn("arn:aws:iam::210987654321:role/team/app/EventsToKinesis"),
        Some(("EventsToKinesis", "210987654321"))
    );
    assert_eq!(parse_role_arn("arn:aws:iam::1:user/x"), None);
}

#[test]
fn targets_without_a_role_get_gcbridges_and_a_users_role_stays() {
    let ours = role_arn(ACCOUNT, &role_name(ACCOUNT, REGION, SOURCE));
    let mut r = rule(&[STREAM, FIREHOSE, "arn:aws:sqs:us-east-1:123456789012:q"]);
    r.targets[1].settings.role_arn = Some("arn:aws:iam::123456789012:role/mine".into());
    let queue_role = "arn:aws:iam::123456789012:role/for-the-queue";
    r.targets[2].settings.role_arn = Some(queue_role.into());
    assert_eq!(
        owner(&r.targets[2], ACCOUNT, REGION, &ours),
        RoleOwner::None,
        "a queue needs no role: not judged"
    );
    let out = with_roles(&[r.clone()], ACCOUNT, REGION, &ours);
    let roles: Vec<Option<&str>> = out[0]
        .targets
        .iter()
        .map(|t| t.settings.role_arn.as_deref())
        .collect();
    assert_eq!(
        roles,
        [
            Some(ours.as_str()),
            Some("arn:aws:iam::123456789012:role/mine"),
            Some(queue_role)
        ]
    );
    assert_eq!(
        role_targets(&[r], ACCOUNT, REGION, &ours),
        [(TargetKind::Kinesis, STREAM.to_string())],
        "the user's role is not gcbridge's to write"
    );
}

#[test]
fn the_inline_policy_allows_exactly_the_puts_on_exactly_the_targets() {
    let doc = inline_policy(&[
        (TargetKind::EventBus, REMOTE_BUS.into()),
        (TargetKind::Kinesis, STREAM.into()),
    ]);
    assert_eq!(
        doc["Statement"],
        json!([
            {"Sid": "KinesisStreams", "Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords"], "Resource": [STREAM]},
            {"Sid": "EventBuses", "Effect": "Allow", "Action": ["events:PutEvents"], "Resource": [REMOTE_BUS]},
        ])
    );
    let role = role_arn(ACCOUNT, "r");
    let v = judge(
        Some(&trust_policy(ACCOUNT)),
        std::slice::from_ref(&doc),
        TargetKind::Kinesis,
        STREAM,
        &role,
        RULE,
    );
    assert!(v.allowed(), "{v:?}");
    let other = judge(
        Some(&trust_policy(ACCOUNT)),
        &[doc],
        TargetKind::Firehose,
        FIREHOSE,
        &role,
        RULE,
    );
    assert_eq!(other.put, Verdict::NotAllowed);
}

#[test]
fn a_role_is_judged_on_its_trust_and_all_its_policies() {
    let role = role_arn(ACCOUNT, "r");
    let allow = inline_policy(&[(TargetKind::Kinesis, STREAM.into())]);
    // The role as the stream's, under `trust` and `policies`.
    let judged = |trust: Option<&Value>, policies: &[Value]| {
        judge(trust, policies, TargetKind::Kinesis, STREAM, &role, RULE)
    };
    let lambda_trust = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let v = judged(Some(&lambda_trust), std::slice::from_ref(&allow));
    assert_eq!(v.trust, Verdict::NotAllowed);
    let other_account = trust_policy("210987654321");
    let v = judged(Some(&other_account), std::slice::from_ref(&allow));
    assert_eq!(
        v.trust,
        Verdict::NotAllowed,
        "scoped to another account's rules"
    );
    let deny = json!({"Statement": [{"Sid": "NoKinesis", "Effect": "Deny", "Action": "kinesis:*", "Resource": "*"}]});
    let v = judged(Some(&trust_policy(ACCOUNT)), &[allow.clone(), deny]);
    assert_eq!(v.put, Verdict::Denied("statement NoKinesis".into()));
    let star = json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let v = judged(None, &[star]);
    assert_eq!(
        (v.trust, v.put),
        (Verdict::NotAllowed, Verdict::Allowed),
        "no trust policy, but the permissions allow"
    );
}

#[test]
fn documents_are_read_plain_or_url_encoded() {
    let doc = trust_policy(ACCOUNT);
    let text = doc.to_string();
    let encoded: String = text
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    assert_eq!(parse_document(&text), Some(doc.clone()));
    assert_eq!(parse_document(&encoded), Some(doc));
    assert_eq!(parse_document("%7"), None);
}
