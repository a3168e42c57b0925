//! `export --format terraform`'s writer: a hand-built export (every resource kind, one of each
//! import case) is pinned by a golden file, parsed back with hcl-rs (every resource, every
//! import, the `jsonencode` documents evaluated back to JSON), and held to `terraform fmt -check`
//! where terraform is installed. The live read is the CLI suite's (emulator and moto).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use gcbridge_core::terraform::{
    render, AwsExport, IntegrationExport, LambdaPermissionExport, OrgExport, PolicyExport,
    PolicyKind, RuleExport, TerraformExport,
};
use gcbridge_core::{parse_target, RetrySpec};
use gcbridge_testkit::terraform::{self as tf, attr, block, string};
use serde_json::{json, Value};

use crate::common::{rule_to, ACCOUNT, REGION};

const ORG: &str = "9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:genesys-events";
const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:genesys-dlq";
const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:genesys-alerts";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:on-event:live";
const GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/genesys";

fn source(suffix: &str) -> String {
    format!("aws.partner/genesys.com/cloud/{ORG}/{suffix}")
}

fn rule_arn(suffix: &str, rule: &str) -> String {
    format!(
        "arn:aws:events:{REGION}:{ACCOUNT}:rule/{}/{rule}",
        source(suffix)
    )
}

fn rule(name: &str, pattern: Value, targets: &[&str], exists: bool) -> RuleExport {
    let targets: Vec<_> = targets
        .iter()
        .map(|t| parse_target(t, REGION).unwrap())
        .collect();
    let live_targets = if exists {
        targets.iter().skip(1).map(|t| t.id.clone()).collect()
    } else {
        BTreeSet::new()
    };
    RuleExport {
        spec: rule_to(name, &pattern.to_string(), targets),
        arn: rule_arn("prod-events", name),
        exists,
        live_targets,
    }
}

/// Two integrations: `prod-events` with every kind of AWS resource (some live, some not yet),
/// and `audit.trail` (a name that is not a Terraform identifier) without an AWS half.
fn sample() -> TerraformExport {
    let mut to_queue = rule(
        "to-queue",
        json!({"detail-type": [{"prefix": "v2.routing.queues."}]}),
        &[QUEUE, TOPIC],
        true,
    );
    to_queue.spec.description = Some("Queue events, ${not} %{interpolated}".into());
    to_queue.spec.retry = Some(RetrySpec {
        maximum_attempts: 10,
        maximum_event_age_seconds: 3600,
    });
    to_queue.spec.targets[0].settings.dead_letter_queue = Some(DLQ.into());
    let mut to_fn = rule(
        "to-fn.and-logs",
        json!({"source": [{"prefix": ""}]}),
        &[FUNCTION, GROUP],
        false,
    );
    to_fn.spec.enabled = false;
    let prod = IntegrationExport {
        id: "c2228d0d-bbff-4873-9fa7-0dd409631c77".into(),
        name: "prod-events".into(),
        enabled: true,
        notes: Some("managed by gcbridge\nsee \"docs\"".into()),
        account: ACCOUNT.into(),
        region: REGION.into(),
        suffix: "prod-events".into(),
        topics: [
            "v2.users.{id}.presence",
            "v2.routing.queues.{id}.conversations",
            "v2.detail.events.conversation.{id}.customer.start",
        ]
        .into_iter()
        .map(String::from)
        .collect(),
        aws: Some(AwsExport {
            source: source("prod-events"),
            bus: Some(true),
            rules: vec![to_queue, to_fn],
            lambda_permissions: vec![LambdaPermissionExport {
                rule: "to-fn.and-logs".into(),
                function_name: "on-event".into(),
                qualifier: Some("live".into()),
                statement_id: "gcbridgetofnandlogs0a1b2c3d".into(),
                exists: false,
            }],
        }),
    };
    let audit = IntegrationExport {
        id: "0d9b8a77-2f1e-4e08-a3c6-9a1d4c2e5b7f".into(),
        name: "audit.trail".into(),
        enabled: false,
        notes: None,
        account: "210987654321".into(),
        region: "eu-west-1".into(),
        suffix: "audit".into(),
        topics: ["v2.audits.entitytype.{id}.entityid.{id}".to_string()].into(),
        aws: None,
    };
    let statement = |sid: &str, resource: &str| {
        json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
               "Action": "sqs:SendMessage", "Resource": resource,
               "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn("prod-events", "to-queue")}}})
    };
    let policy = |kind, resource: &str, statements: Vec<Value>, exists| PolicyExport {
        kind,
        account: ACCOUNT.into(),
        region: REGION.into(),
        resource: resource.into(),
        document: json!({"Version": "2012-10-17", "Statement": statements}),
        exists,
    };
    let url = |name: &str| format!("https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/{name}");
    TerraformExport {
        orgs: vec![OrgExport {
            name: "default".into(),
            org_id: ORG.into(),
            genesys_region: Some("us-east-1".into()),
            integrations: vec![audit, prod],
        }],
        policies: vec![
            policy(
                PolicyKind::SqsQueue {
                    url: url("genesys-events"),
                },
                QUEUE,
                vec![
                    json!({"Sid": "mine", "Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sqs:*", "Resource": QUEUE}),
                    statement("gcbridgetoqueue11111111", QUEUE),
                ],
                true,
            ),
            policy(
                PolicyKind::SqsQueue {
                    url: url("genesys-dlq"),
                },
                DLQ,
                vec![statement("gcbridgetoqueue11111111", DLQ)],
                false,
            ),
            policy(
                PolicyKind::SnsTopic,
                TOPIC,
                vec![json!({"Sid": "gcbridgetoqueue11111111", "Action": "sns:Publish"})],
                true,
            ),
            policy(
                PolicyKind::LogsResource,
                "gcbridge-eventbridge-to-logs",
                vec![
                    json!({"Sid": "gcbridgetofnandlogs22222222", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]}),
                ],
                false,
            ),
        ],
    }
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/terraform/export.tf")
}

fn text() -> String {
    render(&sample(), "Written by a test.").unwrap()
}

#[test]
fn the_export_matches_its_golden_file() {
    let got = text();
    let path = golden_path();
    if std::env::var_os("GCBRIDGE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "{} is stale (run this test with GCBRIDGE_BLESS=1 after checking the new text):\n{got}",
        path.display()
    );
    assert_eq!(
        render(&sample(), "Written by a test.").unwrap(),
        got,
        "stable"
    );
}

/// The first resource of type `ty` (whatever its name).
fn first_of<'a>(resources: &'a BTreeMap<(String, String), hcl::Body>, ty: &str) -> &'a hcl::Body {
    resources
        .iter()
        .find(|((t, _), _)| t == ty)
        .unwrap_or_else(|| panic!("no {ty}"))
        .1
}

#[test]
fn every_resource_and_import_parses_back() {
    let parsed = tf::parse(&text());
    let (resources, imports) = (&parsed.resources, &parsed.imports);
    let decoded = |e: &hcl::Expression| parsed.decoded(e);
    let names: Vec<String> = resources.keys().map(|(t, n)| format!("{t}.{n}")).collect();
    let audit = resources
        .keys()
        .find(|(t, n)| t == "genesyscloud_integration" && n.starts_with("audit_trail_"))
        .expect("a valid address for audit.trail")
        .1
        .clone();
    let want = [
        "aws_cloudwatch_event_bus.prod-events",
        "aws_cloudwatch_event_rule.prod-events__to-queue",
        "aws_cloudwatch_event_target.prod-events__to-queue__sqs-genesys-events",
        "aws_cloudwatch_event_target.prod-events__to-queue__sns-genesys-alerts",
        "aws_lambda_permission.prod-events__to-fn_and-logs",
        "aws_sqs_queue_policy.genesys-events",
        "aws_sqs_queue_policy.genesys-dlq",
        "aws_sns_topic_policy.genesys-alerts",
        "genesyscloud_integration.prod-events",
    ];
    for w in want {
        assert!(
            names
                .iter()
                .any(|n| n == w || n.starts_with(&format!("{w}_"))),
            "{w} in {names:?}"
        );
    }
    assert_eq!(resources.len(), 14, "{names:?}");

    // The integration: state, type, config with sorted topics through jsonencode.
    let prod = &resources[&("genesyscloud_integration".into(), "prod-events".into())];
    assert_eq!(string(prod, "intended_state"), "ENABLED");
    assert_eq!(
        string(prod, "integration_type"),
        "amazon-eventbridge-source"
    );
    let config = block(prod, "config");
    assert_eq!(string(config, "name"), "prod-events");
    assert_eq!(string(config, "notes"), "managed by gcbridge\nsee \"docs\"");
    let props = decoded(&attr(config, "properties"));
    assert_eq!(props["awsAccountId"], ACCOUNT);
    assert_eq!(props["awsAccountRegion"], REGION);
    assert_eq!(props["eventSourceSuffix"], "prod-events");
    let topics: Vec<&str> = props["eventFilter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let mut sorted = topics.clone();
    sorted.sort();
    assert_eq!(topics, sorted, "topics sorted");
    assert_eq!(topics.len(), 3);
    assert_eq!(decoded(&attr(config, "advanced")), json!({}));
    let audit_body = &resources[&("genesyscloud_integration".into(), audit.clone())];
    assert_eq!(string(audit_body, "intended_state"), "DISABLED");

    // The bus from its partner event source; rules on it by reference.
    let bus = &resources[&("aws_cloudwatch_event_bus".into(), "prod-events".into())];
    assert_eq!(string(bus, "name"), source("prod-events"));
    assert_eq!(string(bus, "event_source_name"), source("prod-events"));
    let lifecycle = block(bus, "lifecycle");
    assert_eq!(
        attr(lifecycle, "ignore_changes"),
        hcl::Expression::Array(vec![
            hcl::expr::Variable::unchecked("event_source_name").into()
        ]),
        "an imported bus is not replaced for the attribute the provider cannot read"
    );
    assert_eq!(
        attr(bus, "provider").to_string(),
        "aws.a123456789012_us-east-1"
    );
    let rule = &resources[&(
        "aws_cloudwatch_event_rule".into(),
        "prod-events__to-queue".into(),
    )];
    assert_eq!(
        attr(rule, "event_bus_name").to_string(),
        "aws_cloudwatch_event_bus.prod-events.name"
    );
    assert_eq!(string(rule, "state"), "ENABLED");
    assert_eq!(
        string(rule, "description"),
        "Queue events, ${not} %{interpolated}",
        "kept literal, not a template"
    );
    assert_eq!(
        decoded(&attr(rule, "event_pattern")),
        json!({"detail-type": [{"prefix": "v2.routing.queues."}]})
    );
    let target = &resources[&(
        "aws_cloudwatch_event_target".into(),
        "prod-events__to-queue__sqs-genesys-events".into(),
    )];
    assert_eq!(string(target, "arn"), QUEUE);
    assert_eq!(string(target, "target_id"), "sqs-genesys-events");
    assert_eq!(
        attr(target, "rule").to_string(),
        "aws_cloudwatch_event_rule.prod-events__to-queue.name"
    );
    assert_eq!(string(block(target, "dead_letter_config"), "arn"), DLQ);
    let retry = block(target, "retry_policy");
    assert_eq!(attr(retry, "maximum_retry_attempts").to_string(), "10");

    // Permissions and policies.
    let perm = first_of(resources, "aws_lambda_permission");
    assert_eq!(string(perm, "function_name"), "on-event");
    assert_eq!(string(perm, "qualifier"), "live");
    assert_eq!(string(perm, "principal"), "events.amazonaws.com");
    assert_eq!(string(perm, "action"), "lambda:InvokeFunction");
    assert!(attr(perm, "source_arn").to_string().ends_with(".arn"));
    let queue = &resources[&("aws_sqs_queue_policy".into(), "genesys-events".into())];
    assert_eq!(
        string(queue, "queue_url"),
        format!("https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/genesys-events")
    );
    let doc = decoded(&attr(queue, "policy"));
    assert_eq!(
        doc["Statement"].as_array().unwrap().len(),
        2,
        "the user's statement is kept: {doc}"
    );
    let logs = first_of(resources, "aws_cloudwatch_log_resource_policy");
    assert_eq!(string(logs, "policy_name"), "gcbridge-eventbridge-to-logs");
    assert!(decoded(&attr(logs, "policy_document"))["Statement"][0]["Sid"].is_string());

    // Imports: exactly the resources that exist, with the provider's id formats.
    let mut want = BTreeMap::new();
    want.insert(
        "genesyscloud_integration.prod-events".to_string(),
        "c2228d0d-bbff-4873-9fa7-0dd409631c77".to_string(),
    );
    want.insert(
        format!("genesyscloud_integration.{audit}"),
        "0d9b8a77-2f1e-4e08-a3c6-9a1d4c2e5b7f".into(),
    );
    want.insert(
        "aws_cloudwatch_event_bus.prod-events".into(),
        source("prod-events"),
    );
    want.insert(
        "aws_cloudwatch_event_rule.prod-events__to-queue".into(),
        format!("{}/to-queue", source("prod-events")),
    );
    want.insert(
        "aws_cloudwatch_event_target.prod-events__to-queue__sns-genesys-alerts".into(),
        format!("{}/to-queue/sns-genesys-alerts", source("prod-events")),
    );
    want.insert(
        "aws_sqs_queue_policy.genesys-events".into(),
        format!("https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/genesys-events"),
    );
    want.insert("aws_sns_topic_policy.genesys-alerts".into(), TOPIC.into());
    assert_eq!(imports, &want);
    for to in imports.keys() {
        let (t, n) = to.split_once('.').unwrap();
        assert!(
            resources.contains_key(&(t.to_string(), n.to_string())),
            "import of a declared resource: {to}"
        );
    }
}

/// The same integration name in two orgs that share an AWS account; in the first, gcbridge
/// routes from a bus it does not associate (`associate = false`).
fn two_orgs() -> TerraformExport {
    let one = sample();
    let prod = one.orgs[0].integrations[1].clone();
    let mut routed = prod.aws.clone().unwrap();
    routed.bus = None;
    routed.rules.truncate(1);
    routed.rules[0].spec.targets.truncate(1);
    routed.lambda_permissions.clear();
    let org = |name: &str, id: &str| OrgExport {
        name: name.into(),
        org_id: id.into(),
        genesys_region: None,
        integrations: vec![IntegrationExport {
            id: format!("{id}-integration"),
            aws: None,
            ..prod.clone()
        }],
    };
    let mut emea = org("emea", "org-emea");
    emea.integrations[0].aws = Some(routed);
    TerraformExport {
        orgs: vec![emea, org("us east", "org-us")],
        policies: Vec::new(),
    }
}

#[test]
fn several_orgs_get_their_own_provider_credentials_and_addresses() {
    let text = render(&two_orgs(), "").unwrap();
    let p = tf::parse(&text);
    let us = p
        .names("genesyscloud_integration")
        .into_iter()
        .find(|n| n.starts_with("us_east_"))
        .expect("the org name made an identifier");
    assert!(p
        .names("genesyscloud_integration")
        .contains(&"emea__prod-events".to_string()));
    let emea = p.resource("genesyscloud_integration", "emea__prod-events");
    assert_eq!(attr(emea, "provider").to_string(), "genesyscloud.emea");
    let alias = us.split("__").next().unwrap();
    assert_eq!(
        attr(p.resource("genesyscloud_integration", &us), "provider").to_string(),
        format!("genesyscloud.{alias}")
    );
    assert!(p
        .providers
        .contains(&("genesyscloud".into(), "emea".into())));
    assert!(p
        .providers
        .contains(&("genesyscloud".into(), alias.to_string())));
    assert!(
        text.contains("variable \"emea_oauthclient_secret\"") && text.contains("sensitive = true"),
        "{text}"
    );
    assert!(
        text.contains("oauthclient_id     = var.emea_oauthclient_id"),
        "{text}"
    );
    assert_eq!(
        p.imports[&"genesyscloud_integration.emea__prod-events".to_string()],
        "org-emea-integration"
    );
    assert!(
        p.names("aws_cloudwatch_event_bus").is_empty(),
        "a bus gcbridge does not associate is not Terraform's either"
    );
    let rule = p.resource("aws_cloudwatch_event_rule", "emea__prod-events__to-queue");
    assert_eq!(string(rule, "event_bus_name"), source("prod-events"));
    assert_eq!(
        p.imports.len(),
        3,
        "two integrations and the live rule: {:?}",
        p.imports
    );
    if let Err(diff) = tf::fmt_check(&text) {
        panic!("{diff}");
    }
}

#[test]
fn terraform_fmt_accepts_the_export() {
    if let Err(diff) = tf::fmt_check(&text()) {
        panic!("{diff}");
    }
}

/// A FIFO queue target's message group is the target's `sqs_target { message_group_id }` (the
/// AWS provider's block for SqsParameters); a target without one has no such block.
#[test]
fn a_message_group_is_an_sqs_target_block() {
    let mut export = sample();
    let rule = &mut export.orgs[0].integrations[1].aws.as_mut().unwrap().rules[0];
    rule.spec.targets[0].settings.message_group_id = Some("genesys".into());
    let parsed = tf::parse(&render(&export, "Written by a test.").unwrap());
    let target = parsed.resource(
        "aws_cloudwatch_event_target",
        "prod-events__to-queue__sqs-genesys-events",
    );
    assert_eq!(
        string(block(target, "sqs_target"), "message_group_id"),
        "genesys"
    );
    let other = parsed.resource(
        "aws_cloudwatch_event_target",
        "prod-events__to-queue__sns-genesys-alerts",
    );
    assert!(
        !other.blocks().any(|b| b.identifier() == "sqs_target"),
        "only the target with a group"
    );
}
