//! `gcbridge iam-policy`'s domain: the policy a config file gets (scoped per target type, one
//! policy for every org of a multi-org file, the secret of `client_secret_from`), and the table
//! it is built from held to the call sites of core's source: an SDK call (or an action a call
//! site names in its error context) missing from `calls::CALLS` fails here.

use std::collections::BTreeSet;

use gcbridge_core::config::load_str;
use gcbridge_core::iam_policy::calls::{commands_of, Cmd, CALLS};
use gcbridge_core::iam_policy::{policy, IamPolicy, Statement};
use gcbridge_testkit::config_file::rule;

use crate::common::{associated, destination, destination_in, single_org, ACCOUNT};

fn of(text: &str) -> IamPolicy {
    policy(&load_str(text, "gcbridge.toml").unwrap_or_else(|d| panic!("{d}")))
}

fn statement<'a>(p: &'a IamPolicy, sid: &str) -> &'a Statement {
    p.document
        .statement(sid)
        .unwrap_or_else(|| panic!("no statement {sid}: {:#?}", p.document))
}

/// The targets of every type but SQS and SNS, with a role for Firehose's.
const OTHER_TARGETS: &str = r#"targets = [
  "arn:aws:lambda:us-east-1:123456789012:function:on-event",
  "arn:aws:logs:us-east-1:123456789012:log-group:/genesys/events",
  "arn:aws:kinesis:us-east-1:123456789012:stream/genesys",
  { arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/genesys", role_arn = "arn:aws:iam::123456789012:role/to-firehose" },
]"#;

/// A destination with a target of every type, a dead-letter queue and an archive.
fn all_targets() -> String {
    single_org(&[
        destination("prod", ACCOUNT, "event_types = [\"routing\"]"),
        associated(
            "archive = { retention_days = 7 }",
            &[
                rule(
                    "to-queue",
                    r#"targets = ["arn:aws:sqs:us-east-1:123456789012:genesys-events", "arn:aws:sns:us-east-1:123456789012:genesys-topic"]
dead_letter_queue = "arn:aws:sqs:us-east-1:123456789012:genesys-dlq""#,
                ),
                rule("to-others", OTHER_TARGETS),
            ],
        ),
    ])
}

/// Asserts that the statement `sid` of `p` is on `resources` exactly and grants each action of
/// `grants` and none of `withholds`.
#[track_caller]
fn assert_scoped(
    p: &IamPolicy,
    sid: &str,
    resources: &[String],
    grants: &[&str],
    withholds: &[&str],
) {
    let s = statement(p, sid);
    assert_eq!(s.resources, resources, "{s:?}");
    for action in grants {
        assert!(s.actions.contains(action), "{action} not granted: {s:?}");
    }
    for action in withholds {
        assert!(!s.actions.contains(action), "{action} granted: {s:?}");
    }
}

#[test]
fn every_target_type_gets_its_own_scoped_statement_and_star_only_where_aws_has_no_resource() {
    let p = of(&all_targets());
    let doc = serde_json::to_value(&p.document).unwrap();
    assert_eq!(doc["Version"], "2012-10-17");
    let bus = format!(
        "arn:aws:events:us-east-1:{ACCOUNT}:event-bus/aws.partner/genesys.com/cloud/*/prod"
    );
    assert_eq!(
        statement(&p, "PartnerEventBuses").resources,
        std::slice::from_ref(&bus)
    );
    assert_eq!(
        statement(&p, "AssociatedPartnerEventBuses").resources,
        [bus]
    );
    assert_eq!(
        statement(&p, "PartnerEventSources").resources,
        ["arn:aws:events:us-east-1:*:event-source/aws.partner/genesys.com/cloud/*/prod"]
    );
    // An associated bus is gcbridge's: destroy deletes every rule on it.
    assert_eq!(
        statement(&p, "BusRules").resources,
        [format!(
            "arn:aws:events:us-east-1:{ACCOUNT}:rule/aws.partner/genesys.com/cloud/*/prod/*"
        )]
    );
    assert_scoped(
        &p,
        "TargetQueues",
        &[format!("arn:aws:sqs:us-east-1:{ACCOUNT}:genesys-events")],
        &["sqs:SetQueueAttributes"],
        &["sqs:ReceiveMessage"],
    );
    // doctor peeks into a dead-letter queue.
    assert_scoped(
        &p,
        "DeadLetterQueues",
        &[format!("arn:aws:sqs:us-east-1:{ACCOUNT}:genesys-dlq")],
        &["sqs:ReceiveMessage"],
        &[],
    );
    assert_eq!(
        statement(&p, "TargetTopics").actions,
        ["sns:GetTopicAttributes", "sns:SetTopicAttributes"]
    );
    assert_eq!(
        statement(&p, "TargetFunctions").resources,
        [format!(
            "arn:aws:lambda:us-east-1:{ACCOUNT}:function:on-event"
        )]
    );
    assert_eq!(
        statement(&p, "TargetLogGroups").resources,
        [format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*")]
    );
    let temporary = statement(&p, "TemporaryQueues");
    assert!(
        temporary
            .resources
            .contains(&format!("arn:aws:sqs:us-east-1:{ACCOUNT}:gcbridge-tmp-*")),
        "{temporary:?}"
    );
    assert!(temporary.actions.contains(&"sqs:TagQueue"), "{temporary:?}");
    // Kinesis has no role_arn: gcbridge's role, named like role_policy's (the org's hash is `*`).
    let own = format!("arn:aws:iam::{ACCOUNT}:role/gcbridge-events-prod-*");
    assert_scoped(
        &p,
        "DeliveryRoles",
        std::slice::from_ref(&own),
        &["iam:CreateRole", "iam:TagRole"],
        &[],
    );
    assert_scoped(
        &p,
        "TargetRoles",
        &[own, format!("arn:aws:iam::{ACCOUNT}:role/to-firehose")],
        &["iam:PassRole"],
        &["iam:DeleteRole"],
    );
    let archive = statement(&p, "Archives");
    assert_eq!(
        archive.resources,
        [format!(
            "arn:aws:events:us-east-1:{ACCOUNT}:archive/gcbridge-prod-*"
        )]
    );
    let star = statement(&p, "NoResourceLevelPermissions");
    assert_eq!(star.resources, ["*"]);
    assert_eq!(
        star.actions,
        [
            "events:ListRules",
            "events:TestEventPattern",
            "logs:DeleteResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:PutResourcePolicy",
            "sqs:ListQueues",
            "sts:GetCallerIdentity"
        ]
    );
    // Every other statement is scoped; no action is granted on `*` by accident.
    for s in &p.document.statements {
        if s.sid != "NoResourceLevelPermissions" {
            assert!(!s.resources.iter().any(|r| r == "*"), "{s:?}");
        }
    }
    // `events send` puts onto a bus of the command line: not a call of the printed commands.
    assert!(!p.document.actions().contains(&"events:PutEvents"));
    assert_eq!(
        p.genesys_permissions,
        [
            "integrations:integration:view",
            "integrations:integration:add",
            "integrations:integration:edit",
            "integrations:integration:delete"
        ]
    );
}

#[test]
fn a_file_without_targets_of_a_type_gets_none_of_its_actions() {
    let p = of(&all_targets()
        .replace("archive = { retention_days = 7 }", "")
        .replace(
            OTHER_TARGETS,
            r#"targets = ["arn:aws:sqs:us-east-1:123456789012:other"]"#,
        ));
    let actions = p.document.actions();
    for gone in [
        "lambda:",
        "logs:",
        "iam:",
        "events:CreateArchive",
        "events:StartReplay",
        "secretsmanager:",
    ] {
        assert!(
            !actions.iter().any(|a| a.starts_with(gone)),
            "{gone}: {actions:?}"
        );
    }
}

#[test]
fn a_bus_gcbridge_did_not_associate_gets_only_the_temporary_rules_and_no_bus_writes() {
    // Without associate, a destination has no rules of its own (the loader refuses them): tail
    // and doctor --probe still put their temporary rule and queue on the bus made elsewhere.
    let p = of(&single_org(&[
        destination("prod", ACCOUNT, "event_types = [\"routing\"]"),
        "[destination.aws]\nassociate = false".into(),
    ]));
    let rules = &statement(&p, "BusRules").resources;
    let rule = |n: &str| {
        format!("arn:aws:events:us-east-1:{ACCOUNT}:rule/aws.partner/genesys.com/cloud/*/prod/{n}")
    };
    assert!(rules.contains(&rule("gcbridge-tmp-*")), "{rules:?}");
    assert!(!rules.contains(&rule("*")), "{rules:?}");
    assert!(p
        .document
        .statement("AssociatedPartnerEventBuses")
        .is_none());
}

#[test]
fn an_event_bus_arn_names_the_org_so_archive_and_role_names_are_exact() {
    let org = "6f7a9c3e-1b2d-4e5f-8a9b-0c1d2e3f4a5b";
    let text = all_targets().replace(
        "aws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\nevent_source_suffix = \"prod\"",
        &format!("event_bus_arn = \"arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/{org}/prod\""),
    );
    let p = of(&text);
    let source = format!("aws.partner/genesys.com/cloud/{org}/prod");
    let archive = gcbridge_core::archive_name(&source);
    assert_eq!(
        statement(&p, "Archives").resources,
        [format!(
            "arn:aws:events:us-east-1:{ACCOUNT}:archive/{archive}"
        )]
    );
    let own = &statement(&p, "DeliveryRoles").resources[0];
    assert!(
        own.starts_with(&format!(
            "arn:aws:iam::{ACCOUNT}:role/gcbridge-events-prod-"
        )) && !own.ends_with('*'),
        "{own}"
    );
    assert!(statement(&p, "PartnerEventBuses").resources[0].ends_with(&source));
}

#[test]
fn a_multi_org_file_gets_one_policy_covering_every_org_and_its_secret() {
    // An org of its own region, secret, account and destination region, with one queue.
    let org = |name: &str, region: &str, secret: &str, account: &str, aws_region: &str| {
        let queue = format!("arn:aws:sqs:{aws_region}:{account}:{name}-q");
        format!(
            "[[org]]\nname = \"{name}\"\nregion = \"{region}\"\n\
             client_id_env = \"{}_ID\"\nclient_secret_from = \"{secret}\"\n\n{}\
             [org.destination.aws]\nassociate = true\n\
             [[org.destination.aws.rule]]\nname = \"r\"\ntargets = [\"{queue}\"]\n",
            name.to_uppercase(),
            destination_in(
                "org.destination",
                &format!("{name}-events"),
                account,
                aws_region,
                "event_types = [\"routing\"]"
            ),
        )
    };
    let text = [
        org(
            "prod",
            "eu-west-1",
            "aws-secretsmanager:prod/genesys#client_secret",
            "111122223333",
            "eu-west-1",
        ),
        org(
            "test",
            "us-east-1",
            "aws-ssm:/test/genesys/client-secret",
            "444455556666",
            "us-west-2",
        ),
    ]
    .join("\n");
    let p = of(&text);
    assert_eq!(
        p.document
            .statements
            .iter()
            .filter(|s| s.sid == "TargetQueues")
            .count(),
        1
    );
    assert_eq!(
        statement(&p, "TargetQueues").resources,
        [
            "arn:aws:sqs:eu-west-1:111122223333:prod-q",
            "arn:aws:sqs:us-west-2:444455556666:test-q"
        ]
    );
    assert_eq!(statement(&p, "PartnerEventBuses").resources.len(), 2);
    let secret = statement(&p, "ClientSecrets");
    assert_eq!(secret.actions, ["secretsmanager:GetSecretValue"]);
    assert_eq!(
        secret.resources,
        ["arn:aws:secretsmanager:*:*:secret:prod/genesys-??????"]
    );
    let parameter = statement(&p, "ClientSecretParameters");
    assert_eq!(parameter.actions, ["ssm:GetParameter"]);
    assert_eq!(
        parameter.resources,
        ["arn:aws:ssm:*:*:parameter/test/genesys/client-secret"]
    );
    // Sids are unique and IAM-valid (alphanumeric).
    let sids: BTreeSet<&str> = p.document.statements.iter().map(|s| s.sid).collect();
    assert_eq!(sids.len(), p.document.statements.len());
    assert!(
        sids.iter()
            .all(|s| s.chars().all(|c| c.is_ascii_alphanumeric())),
        "{sids:?}"
    );
}

#[test]
fn a_file_without_an_aws_half_needs_only_the_identity_and_its_secret() {
    // `[genesys]` (the file's first table) names the secret.
    let p = of(&single_org(&[destination("prod", ACCOUNT, "event_types = [\"routing\"]")])
        .replacen(
            "\n\n",
            "\nclient_secret_from = \"aws-secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:gc-AbC123\"\n\n",
            1,
        ));
    let sids: Vec<&str> = p.document.statements.iter().map(|s| s.sid).collect();
    assert_eq!(sids, ["NoResourceLevelPermissions", "ClientSecrets"]);
    assert_eq!(
        statement(&p, "ClientSecrets").resources,
        ["arn:aws:secretsmanager:us-east-1:123456789012:secret:gc-AbC123"]
    );
}

#[test]
fn without_an_action_the_policy_loses_it_and_any_statement_left_empty() {
    let p = of(&all_targets());
    let doc = p
        .document
        .without("sns:GetTopicAttributes")
        .without("sns:SetTopicAttributes");
    assert!(doc.statement("TargetTopics").is_none());
    assert_eq!(doc.actions().len(), p.document.actions().len() - 2);
    assert_eq!(commands_of("events:DeleteArchive"), [Cmd::Destroy]);
}

/// (operation or action, the file it is in).
type Found = BTreeSet<(String, String)>;

/// Every SDK operation a call site of core's source makes (`aws.events.put_rule()`, a
/// `client.get_secret_value()`), and every action a call site names in its error context
/// (`"sqs:CreateQueue {name}"`), with the file it is in.
fn call_sites() -> (Found, Found) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let receiver = regex::Regex::new(
        r"\.\s*(events|sqs|sns|lambda|logs|iam|sts)\s*\.\s*([a-z][a-z0-9_]*)\(\)",
    )
    .unwrap();
    let secrets = regex::Regex::new(r"\.\s*(get_secret_value|get_parameter)\(\)").unwrap();
    let named = regex::Regex::new(
        r#""(events|sqs|sns|lambda|logs|iam|sts|secretsmanager|ssm):([A-Z][A-Za-z]+)"#,
    )
    .unwrap();
    let (mut ops, mut actions) = (BTreeSet::new(), BTreeSet::new());
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let file = path.strip_prefix(&root).unwrap().display().to_string();
            // `gcbridge demo` works against the moto it starts itself, never a user's account.
            if file == "demo.rs" || file.starts_with("iam_policy") || file.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests at the end of a file make no calls of the commands.
            let text = text.split("#[cfg(test)]").next().unwrap();
            for c in receiver.captures_iter(text) {
                ops.insert((format!("{}.{}", &c[1], &c[2]), file.clone()));
            }
            for c in secrets.captures_iter(text) {
                let service = if &c[1] == "get_parameter" {
                    "ssm"
                } else {
                    "secretsmanager"
                };
                ops.insert((format!("{service}.{}", &c[1]), file.clone()));
            }
            for c in named.captures_iter(text) {
                actions.insert((format!("{}:{}", &c[1], &c[2]), file.clone()));
            }
        }
    }
    (ops, actions)
}

#[test]
fn the_table_has_every_sdk_call_and_named_action_of_cores_source_and_nothing_else() {
    let (ops, named) = call_sites();
    assert!(
        ops.len() > 40 && named.len() > 40,
        "the scan found the call sites: {ops:?}"
    );
    let table_ops: BTreeSet<&str> = CALLS
        .iter()
        .map(|c| c.sdk)
        .filter(|s| !s.starts_with("implied by "))
        .collect();
    let table_actions: BTreeSet<&str> = CALLS.iter().map(|c| c.action).collect();
    let missing: Vec<_> = ops
        .iter()
        .filter(|(op, _)| !table_ops.contains(op.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "SDK calls with no row in iam_policy::calls::CALLS: {missing:?}"
    );
    // The actions that name no call: what the messages and the delivery documents speak of
    // (EventBridge's own writes with a role or a resource policy, not gcbridge's calls).
    const NOT_CALLS: &[&str] = &[
        "sts:AssumeRole",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
        "sns:Publish",
        "lambda:InvokeFunction",
    ];
    let unknown: Vec<_> = named
        .iter()
        .filter(|(a, _)| !table_actions.contains(a.as_str()) && !NOT_CALLS.contains(&a.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "actions call sites name with no row: {unknown:?}"
    );
    // Every operation of the table is made somewhere, and every implied action names a real one.
    let made: BTreeSet<&str> = ops.iter().map(|(op, _)| op.as_str()).collect();
    for c in CALLS {
        let op = c.sdk.strip_prefix("implied by ").unwrap_or(c.sdk);
        assert!(made.contains(op), "{c:?}: no call site makes {op}");
        // The action is the operation's own name, camel-cased (or an implied one).
        if !c.sdk.starts_with("implied by ") {
            let (svc, name) = op.split_once('.').unwrap();
            let camel: String = name
                .split('_')
                .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
                .collect();
            assert_eq!(c.action, format!("{svc}:{camel}"), "{c:?}");
        }
        assert!(!c.by.is_empty(), "{c:?}");
    }
}
