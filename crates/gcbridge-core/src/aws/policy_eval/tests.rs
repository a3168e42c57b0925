//! The policy shapes the evaluator is judged by: allowed, denied explicitly, not allowed, unknown.

use super::*;
use serde_json::json;

const Q: &str = "arn:aws:sqs:us-east-1:123456789012:q";
const R: &str = "arn:aws:events:us-east-1:123456789012:rule/aws.partner/genesys.com/cloud/o/s/r";
const OTHER_RULE: &str = "arn:aws:events:us-east-1:123456789012:rule/other/x";
/// EventBridge delivering the rule's events to the queue.
const REQ: Request<'static> = Request {
    action: SEND_ACTION,
    resource: Q,
    rule_arn: R,
};

fn allow(extra: Value) -> Value {
    let mut s = json!({"Effect": "Allow", "Principal": {"Service": EVENTS_SERVICE}, "Action": SEND_ACTION, "Resource": Q});
    s.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    s
}

fn deny(extra: Value) -> Value {
    let mut s = allow(extra);
    s["Effect"] = json!("Deny");
    s
}

/// An Allow of exactly the request, then `statement`: any verdict but Allowed is that
/// statement's doing.
fn open_allow_then(statement: Value) -> Vec<Value> {
    vec![allow(json!({})), statement]
}

fn verdict(statements: Vec<Value>) -> Verdict {
    decide(
        Some(&json!({"Version": "2012-10-17", "Statement": statements})),
        REQ,
    )
}

fn cond(op: &str, key: &str, v: Value) -> Value {
    json!({"Condition": {op: {key: v}}})
}

#[test]
fn allows() {
    use Verdict::Allowed;
    let cases: Vec<(&str, Vec<Value>)> = vec![
        (
            "gcbridge's own statement",
            vec![allow(cond("ArnEquals", "aws:SourceArn", json!(R)))],
        ),
        ("no condition", vec![allow(json!({}))]),
        ("Principal *", vec![allow(json!({"Principal": "*"}))]),
        (
            "Principal AWS *",
            vec![allow(json!({"Principal": {"AWS": ["*"]}}))],
        ),
        (
            "a list of services",
            vec![allow(
                json!({"Principal": {"Service": ["sns.amazonaws.com", EVENTS_SERVICE]}}),
            )],
        ),
        ("sqs:*", vec![allow(json!({"Action": "sqs:*"}))]),
        ("*", vec![allow(json!({"Action": ["*"]}))]),
        ("sqs:Send*", vec![allow(json!({"Action": "sqs:Send*"}))]),
        (
            "action case",
            vec![allow(json!({"Action": "SQS:sendmessage"}))],
        ),
        ("resource *", vec![allow(json!({"Resource": "*"}))]),
        (
            "resource glob",
            vec![allow(json!({"Resource": "arn:aws:sqs:*:123456789012:*"}))],
        ),
        (
            "no resource",
            vec![json!({"Effect": "Allow", "Principal": "*", "Action": SEND_ACTION})],
        ),
        (
            "ArnLike",
            vec![allow(cond(
                "ArnLike",
                "aws:SourceArn",
                json!("arn:aws:events:*:*:rule/aws.partner/*"),
            ))],
        ),
        (
            "StringLike list",
            vec![allow(cond(
                "StringLike",
                "aws:SourceArn",
                json!(["x", "*/s/r"]),
            ))],
        ),
        (
            "StringEquals",
            vec![allow(cond("StringEquals", "aws:SourceArn", json!(R)))],
        ),
        (
            "SourceAccount",
            vec![allow(cond(
                "StringEquals",
                "aws:SourceAccount",
                json!("123456789012"),
            ))],
        ),
        (
            "IfExists",
            vec![allow(cond("ArnEqualsIfExists", "aws:SourceArn", json!(R)))],
        ),
        (
            "ForAnyValue",
            vec![allow(cond(
                "ForAnyValue:StringLike",
                "aws:SourceArn",
                json!("*"),
            ))],
        ),
        (
            "ArnNotEquals another",
            vec![allow(cond(
                "ArnNotEquals",
                "aws:SourceArn",
                json!(OTHER_RULE),
            ))],
        ),
        (
            "Null false",
            vec![allow(cond("Null", "aws:SourceArn", json!("false")))],
        ),
        (
            "NotAction",
            vec![allow(
                json!({"Action": null, "NotAction": "sqs:DeleteQueue"}),
            )],
        ),
        (
            "NotResource",
            vec![allow(
                json!({"Resource": null, "NotResource": "arn:aws:sqs:*:*:other"}),
            )],
        ),
        (
            "NotPrincipal",
            vec![allow(
                json!({"Principal": null, "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}),
            )],
        ),
        (
            "a Deny for another rule",
            open_allow_then(deny(cond("ArnEquals", "aws:SourceArn", json!(OTHER_RULE)))),
        ),
        (
            "a Deny of another action",
            open_allow_then(deny(json!({"Action": "sqs:DeleteMessage"}))),
        ),
        (
            "a Deny for other principals",
            open_allow_then(deny(json!({"Principal": {"AWS": "arn:aws:iam::1:root"}}))),
        ),
        (
            "a Deny of other sources",
            open_allow_then(deny(cond("ArnNotEquals", "aws:SourceArn", json!(R)))),
        ),
        ("a single statement object", vec![]),
    ];
    for (what, statements) in cases {
        let got = if statements.is_empty() {
            decide(Some(&json!({"Statement": allow(json!({}))})), REQ)
        } else {
            verdict(statements)
        };
        assert_eq!(got, Allowed, "{what}");
    }
}

#[test]
fn denies_explicitly() {
    let cases: Vec<(&str, Vec<Value>)> = vec![
        (
            "Deny wins over Allow",
            open_allow_then(deny(json!({"Sid": "NoEvents"}))),
        ),
        (
            "Deny * *",
            open_allow_then(
                json!({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}),
            ),
        ),
        (
            "Deny sqs:Send*",
            open_allow_then(deny(
                json!({"Action": "sqs:Send*", "Principal": {"AWS": "*"}}),
            )),
        ),
        (
            "Deny this rule",
            open_allow_then(deny(cond("ArnEquals", "aws:SourceArn", json!(R)))),
        ),
        (
            "Deny everything but another rule",
            open_allow_then(deny(cond(
                "ArnNotEquals",
                "aws:SourceArn",
                json!(OTHER_RULE),
            ))),
        ),
        (
            "Deny NotPrincipal someone else",
            open_allow_then(deny(
                json!({"Principal": null, "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}}),
            )),
        ),
        (
            "Deny NotAction",
            open_allow_then(deny(
                json!({"Action": null, "NotAction": "sqs:ReceiveMessage"}),
            )),
        ),
        ("Deny before Allow", vec![deny(json!({})), allow(json!({}))]),
        (
            "Deny without SourceAccount of ours",
            open_allow_then(deny(cond(
                "StringNotEquals",
                "aws:SourceAccount",
                json!("999999999999"),
            ))),
        ),
    ];
    for (what, statements) in cases {
        assert!(matches!(verdict(statements), Verdict::Denied(_)), "{what}");
    }
    assert_eq!(
        verdict(vec![deny(json!({"Sid": "NoEvents"}))]),
        Verdict::Denied("statement NoEvents".into())
    );
}

#[test]
fn does_not_allow() {
    let cases: Vec<(&str, Option<Value>)> = vec![
        ("no policy", None),
        ("no statements", Some(json!({"Statement": []}))),
        (
            "Principal * scoped to another rule",
            Some(
                json!({"Statement": [allow(json!({"Principal": "*", "Condition": {"ArnEquals": {"aws:SourceArn": OTHER_RULE}}}))]}),
            ),
        ),
        (
            "another account",
            Some(
                json!({"Statement": [allow(cond("StringEquals", "aws:SourceAccount", json!("999999999999")))]}),
            ),
        ),
        (
            "ArnLike another bus",
            Some(
                json!({"Statement": [allow(cond("ArnLike", "aws:SourceArn", json!("arn:aws:events:*:*:rule/other/*")))]}),
            ),
        ),
        (
            "another service",
            Some(
                json!({"Statement": [allow(json!({"Principal": {"Service": "sns.amazonaws.com"}}))]}),
            ),
        ),
        (
            "an account principal",
            Some(
                json!({"Statement": [allow(json!({"Principal": {"AWS": "arn:aws:iam::123456789012:root"}}))]}),
            ),
        ),
        (
            "another action",
            Some(json!({"Statement": [allow(json!({"Action": "sqs:ReceiveMessage"}))]})),
        ),
        (
            "another queue",
            Some(
                json!({"Statement": [allow(json!({"Resource": "arn:aws:sqs:us-east-1:123456789012:other"}))]}),
            ),
        ),
        (
            "NotAction SendMessage",
            Some(json!({"Statement": [allow(json!({"Action": null, "NotAction": "sqs:Send*"}))]})),
        ),
        (
            "NotPrincipal events",
            Some(
                json!({"Statement": [allow(json!({"Principal": null, "NotPrincipal": {"Service": EVENTS_SERVICE}}))]}),
            ),
        ),
        (
            "ArnNotEquals this rule",
            Some(json!({"Statement": [allow(cond("ArnNotEquals", "aws:SourceArn", json!(R)))]})),
        ),
        (
            "Null true",
            Some(json!({"Statement": [allow(cond("Null", "aws:SourceArn", json!("true")))]})),
        ),
        (
            "two conditions, one fails",
            Some(
                json!({"Statement": [allow(json!({"Condition": {"ArnEquals": {"aws:SourceArn": R}, "StringEquals": {"aws:SourceAccount": "1"}}}))]}),
            ),
        ),
        (
            "an unknown key in a statement that fails anyway",
            Some(
                json!({"Statement": [allow(json!({"Action": "sqs:ReceiveMessage", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}))]}),
            ),
        ),
    ];
    for (what, policy) in cases {
        assert_eq!(decide(policy.as_ref(), REQ), Verdict::NotAllowed, "{what}");
    }
}

#[test]
fn unknown_is_not_a_pass() {
    let cases: Vec<(&str, Vec<Value>)> = vec![
        (
            "unknown operator on an Allow",
            vec![allow(cond("NumericEquals", "aws:SourceArn", json!("1")))],
        ),
        (
            "unknown key on an Allow",
            vec![allow(cond(
                "StringEquals",
                "aws:PrincipalTag/x",
                json!("1"),
            ))],
        ),
        (
            "unknown operator on a Deny",
            open_allow_then(deny(cond(
                "DateGreaterThan",
                "aws:CurrentTime",
                json!("2020-01-01T00:00:00Z"),
            ))),
        ),
        (
            "unknown Effect",
            open_allow_then(json!({"Effect": "Maybe", "Principal": "*", "Action": "*"})),
        ),
        ("malformed principal", vec![allow(json!({"Principal": 7}))]),
        (
            "both Action and NotAction",
            vec![allow(json!({"NotAction": "sqs:*"}))],
        ),
    ];
    for (what, statements) in cases {
        assert!(matches!(verdict(statements), Verdict::Unknown(_)), "{what}");
    }
}
