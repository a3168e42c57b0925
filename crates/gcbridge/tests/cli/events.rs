//! `gcbridge events sample|send` and `gcbridge schema` through the binary: seeded samples repeat,
//! unknown topics exit 2 with a suggestion, `aws.` sources are refused before any request, and
//! `events send` drives a rule on a custom bus to an SQS queue in moto (needs moto).

use std::time::Duration;

use gcbridge_testkit::{moto, sqs};
use serde_json::json;

use crate::common::*;

const TOPIC: &str = "v2.users.{id}.presence";

#[tokio::test]
async fn seeded_samples_repeat_and_bad_topics_or_sources_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["events", "sample", TOPIC, "--count", "3", "--seed", "5"];
    let a = gcbridge(dir.path(), &[], &args).await;
    assert!(a.code == 0, "{}", a.stderr);
    let events = a.json_lines();
    assert_eq!(events.len(), 3);
    assert_eq!(events, gcbridge(dir.path(), &[], &args).await.json_lines());
    assert!(events.iter().all(|e| e["detail-type"] == TOPIC));
    let bad = gcbridge(
        dir.path(),
        &[],
        &["events", "sample", "v2.users.{id}.presense"],
    )
    .await;
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains(&format!("did you mean \"{TOPIC}\"")));
    let spoof = [
        "events",
        "send",
        "--bus",
        "b",
        "--source",
        "aws.partner/x",
        TOPIC,
    ];
    let out = gcbridge(dir.path(), &[], &spoof).await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--source"));
    let schema = gcbridge(dir.path(), &[], &["schema", TOPIC, "--format", "openapi"]).await;
    let doc = schema.json();
    assert_eq!(
        doc["components"]["schemas"]["AWSEvent"]["x-amazon-events-detail-type"],
        TOPIC
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn events_send_drives_a_rule_on_a_custom_bus_to_an_sqs_queue() {
    let Some(endpoint) = moto::endpoint() else {
        return;
    };
    let account = moto::DEFAULT_ACCOUNT;
    let events = moto::events_client(&endpoint, "us-east-1", account);
    let sqs_client = moto::sqs_client(&endpoint, "us-east-1", account);
    let bus = moto::unique("custom");
    events
        .create_event_bus()
        .name(&bus)
        .send()
        .await
        .expect("CreateEventBus");
    let queue = sqs::create_queue(&sqs_client, &moto::unique("sent")).await;
    sqs::allow_eventbridge(&sqs_client, &queue).await;
    let pattern = json!({"detail-type": [TOPIC]}).to_string();
    events
        .put_rule()
        .name("presence")
        .event_bus_name(&bus)
        .event_pattern(pattern)
        .send()
        .await
        .expect("PutRule");
    let target = aws_sdk_eventbridge::types::Target::builder()
        .id("q")
        .arn(&queue.arn)
        .build()
        .unwrap();
    events
        .put_targets()
        .rule("presence")
        .event_bus_name(&bus)
        .targets(target)
        .send()
        .await
        .expect("PutTargets");

    let dir = tempfile::tempdir().unwrap();
    let env = moto_env("http://127.0.0.1:9");
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let args = [
        "--aws-endpoint",
        &endpoint,
        "--output",
        "json",
        "events",
        "send",
        "--bus",
        &bus,
        TOPIC,
        "v2.users.{id}.activity",
        "--count",
        "6",
    ];
    let out = gcbridge(dir.path(), &env, &args).await;
    assert!(out.code == 0, "{}", out.stderr);
    let report = out.json();
    crate::json_docs::assert_documented("events send", &out);
    assert_eq!(report["sent"], 12, "two batches: {report}");
    assert_eq!(report["failed"], 0);
    let got = sqs::drain(&sqs_client, &queue.url, 6, Duration::from_secs(10)).await;
    assert_eq!(
        got.len(),
        6,
        "only the presence events match the rule: {got:?}"
    );
    for e in &got {
        assert_eq!(e["detail-type"], TOPIC);
        assert_eq!(e["source"], "gcbridge.sample");
        assert!(e["detail"]["topicName"]
            .as_str()
            .unwrap()
            .starts_with("v2.users."));
    }
}
