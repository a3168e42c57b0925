//! `gcbridge export --format terraform` against the emulator and moto (issue 15, item 6): a
//! destination whose rule delivers to an SQS queue, an SNS topic, a Lambda function and a
//! CloudWatch log group is applied, then exported. The output is parsed back with hcl-rs: every
//! resource is there, and every import carries the live id in the form the provider takes (the
//! ids checked against the emulator and moto themselves); `terraform fmt -check` passes where
//! terraform is installed. With the rule deleted by hand, the rule and its targets are still
//! written but no longer imported (needs moto). Without a file only the integrations are written,
//! and no AWS call is made (no moto needed).

use crate::common::*;
use gcbridge_testkit::terraform::{self as tf, attr, block, string};
use gcbridge_testkit::{lambda, moto, moto_reads, sqs};

const REGION: &str = "us-east-1";

fn file(url: &str, name: &str, targets: &[&str]) -> String {
    let topics = [PRESENCE, "v2.routing.queues.{id}.conversations"];
    let rule = config_file::rule("to-all", &format!("targets = {targets:?}"));
    config_file::aws_destination(url, name, REGION, &topics, "", &rule)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_terraform_export_imports_every_live_resource_by_its_id() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let a = AwsWorld::start(&moto, REGION).await;
    let (w, events) = (&a.w, &a.events);
    let sns = aws_sdk_sns::Client::new(&a.config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&a.config);
    let name = moto::unique("tf");
    let queue = sqs::create_queue(&a.sqs, &name).await;
    let topic = sns_topic(&sns, &name).await;
    let function =
        lambda::create_function(&moto, &aws_sdk_lambda::Client::new(&a.config), &name).await;
    let group = format!("/aws/events/{name}");
    logs.create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    let group_arn = format!(
        "arn:aws:logs:{REGION}:{}:log-group:{group}",
        moto::DEFAULT_ACCOUNT
    );

    w.write(
        "gcbridge.toml",
        &file(&w.url, &name, &[&queue.arn, &topic, &function, &group_arn]),
    );
    let out = a.apply("gcbridge.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let export = a.with_aws(&["export", "-f", "gcbridge.toml", "--format", "terraform"]);
    let out = w.run(&export).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        w.run(&export).await.stdout,
        out.stdout,
        "the same state exports the same text"
    );
    if let Err(diff) = tf::fmt_check(&out.stdout) {
        panic!("{diff}");
    }
    let p = tf::parse(&out.stdout);

    // The integration, imported by its id, its topics sorted.
    let live = integrations(&w.url).await;
    let live = live.iter().find(|i| i["name"] == name.as_str()).unwrap();
    let id = live["id"].as_str().unwrap();
    let integration = p.resource("genesyscloud_integration", &name);
    assert_eq!(string(integration, "intended_state"), "ENABLED");
    let props = p.decoded(&attr(block(integration, "config"), "properties"));
    assert_eq!(props["eventSourceSuffix"], name.as_str());
    assert_eq!(
        props["eventFilter"],
        serde_json::json!([
            "v2.routing.queues.{id}.conversations",
            "v2.users.{id}.presence"
        ])
    );
    assert_eq!(p.imports[&format!("genesyscloud_integration.{name}")], id);

    // The bus: its name is the partner event source, and moto has it.
    let bus = string(p.resource("aws_cloudwatch_event_bus", &name), "name");
    assert!(
        bus.starts_with("aws.partner/genesys.com/cloud/") && bus.ends_with(&format!("/{name}")),
        "{bus}"
    );
    assert_eq!(
        string(
            p.resource("aws_cloudwatch_event_bus", &name),
            "event_source_name"
        ),
        bus
    );
    events
        .describe_event_bus()
        .name(&bus)
        .send()
        .await
        .expect("the bus exists");
    assert_eq!(p.imports[&format!("aws_cloudwatch_event_bus.{name}")], bus);

    // The rule and each of its four targets, by BUS/RULE and BUS/RULE/TARGET_ID.
    let rule = format!("{name}__to-all");
    assert_eq!(
        string(p.resource("aws_cloudwatch_event_rule", &rule), "name"),
        "to-all"
    );
    assert_eq!(
        p.imports[&format!("aws_cloudwatch_event_rule.{rule}")],
        format!("{bus}/to-all")
    );
    let live_targets = moto_reads::rule_targets(events, &bus, "to-all").await;
    let targets = p.names("aws_cloudwatch_event_target");
    assert_eq!(targets.len(), 4, "{targets:?}");
    for t in &live_targets {
        let address = format!("{rule}__{}", t.id());
        let body = p.resource("aws_cloudwatch_event_target", &address);
        assert_eq!(string(body, "arn"), t.arn());
        assert_eq!(string(body, "target_id"), t.id());
        assert_eq!(
            p.imports[&format!("aws_cloudwatch_event_target.{address}")],
            format!("{bus}/to-all/{}", t.id())
        );
    }

    // The permissions apply added, each imported: queue URL, topic ARN, FUNCTION/SID, policy name.
    let queue_policy = &p.names("aws_sqs_queue_policy")[0];
    assert_eq!(
        p.imports[&format!("aws_sqs_queue_policy.{queue_policy}")],
        queue.url
    );
    let doc = p.decoded(&attr(
        p.resource("aws_sqs_queue_policy", queue_policy),
        "policy",
    ));
    assert!(doc.to_string().contains(&format!("{bus}/to-all")), "{doc}");
    let topic_policy = &p.names("aws_sns_topic_policy")[0];
    assert_eq!(
        p.imports[&format!("aws_sns_topic_policy.{topic_policy}")],
        topic
    );
    let permission = &p.names("aws_lambda_permission")[0];
    let body = p.resource("aws_lambda_permission", permission);
    let sid = string(body, "statement_id");
    assert_eq!(string(body, "function_name"), name);
    assert_eq!(
        p.imports[&format!("aws_lambda_permission.{permission}")],
        format!("{name}/{sid}")
    );
    let logs_policy = &p.names("aws_cloudwatch_log_resource_policy")[0];
    assert_eq!(
        p.imports[&format!("aws_cloudwatch_log_resource_policy.{logs_policy}")],
        "gcbridge-eventbridge-to-logs"
    );
    assert_eq!(p.resources.len(), 11, "{:?}", p.resources.keys());
    assert_eq!(
        p.imports.len(),
        11,
        "everything exists, so everything is imported"
    );
    assert!(!out.stdout.contains(SECRET), "no secret in the export");

    // The rule deleted by hand: still written (Terraform creates it), no longer imported.
    let ids: Vec<String> = live_targets.iter().map(|t| t.id().to_string()).collect();
    events
        .remove_targets()
        .event_bus_name(&bus)
        .rule("to-all")
        .set_ids(Some(ids))
        .send()
        .await
        .unwrap();
    events
        .delete_rule()
        .event_bus_name(&bus)
        .name("to-all")
        .send()
        .await
        .unwrap();
    let out = w.run(&export).await;
    assert_eq!(out.code, 0, "{out:?}");
    let p = tf::parse(&out.stdout);
    assert_eq!(p.resources.len(), 11);
    assert!(!p
        .imports
        .contains_key(&format!("aws_cloudwatch_event_rule.{rule}")));
    assert!(
        p.imports
            .keys()
            .all(|a| !a.starts_with("aws_cloudwatch_event_target.")),
        "{:?}",
        p.imports
    );
    assert!(p
        .imports
        .contains_key(&format!("aws_cloudwatch_event_bus.{name}")));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_export_format_is_bad_input() {
    let w = World::as_client(ADMIN).await;
    let out = w.run(&["export", "--format", "yaml"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("--format") && out.stderr.contains("terraform"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_file_only_the_integrations_are_written_and_no_aws_is_read() {
    let w = World::as_client(ADMIN).await;
    let out = w
        .run(&[&["apply", "--auto-approve"][..], DEST].concat())
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.run(&["export", "--format", "terraform"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let p = tf::parse(&out.stdout);
    assert_eq!(
        p.names("genesyscloud_integration"),
        vec!["prod-events".to_string()]
    );
    assert_eq!(
        p.resources.len(),
        1,
        "no AWS half without [destination.aws]"
    );
    let id = integrations(&w.url).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(p.imports["genesyscloud_integration.prod-events"], id);
    assert_eq!(
        p.providers,
        vec![("genesyscloud".to_string(), String::new())],
        "one genesyscloud provider (the emulator is no region: no aws_region), no aws provider"
    );
    if let Err(diff) = tf::fmt_check(&out.stdout) {
        panic!("{diff}");
    }
}
