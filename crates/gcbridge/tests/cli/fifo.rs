//! SQS FIFO queue targets (issue 12) through the CLI against the emulator and moto: the target's
//! `message_group_id` is planned and put as its SqsParameters, the emulator's events arrive in
//! the FIFO queue carrying that group (moto patch (y) delivers only to a queue with content-based
//! deduplication), doctor `-f` passes; a group changed by hand is drift that plan shows, doctor
//! fails at, and apply puts right; a queue whose deduplication is switched off makes doctor fail
//! with the command that fixes it. Needs moto.

use std::time::Duration;

use crate::common::*;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use gcbridge_testkit::{moto, moto_reads, sqs};
use serde_json::Value;

const REGION: &str = "us-east-1";
const RULE: &str = "to-fifo";

/// A FIFO queue with content-based deduplication: its URL and ARN.
async fn fifo_queue(sqs: &aws_sdk_sqs::Client, name: &str) -> (String, String) {
    let url = sqs
        .create_queue()
        .queue_name(format!("{name}.fifo"))
        .attributes(QueueAttributeName::FifoQueue, "true")
        .attributes(QueueAttributeName::ContentBasedDeduplication, "true")
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_string();
    let arn = format!("arn:aws:sqs:{REGION}:{}:{name}.fifo", moto::DEFAULT_ACCOUNT);
    (url, arn)
}

/// The bodies of what arrives within `secs` (up to `want`), each with its MessageGroupId.
async fn receive(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    want: usize,
    secs: u64,
) -> Vec<(Value, Option<String>)> {
    let group = MessageSystemAttributeName::MessageGroupId;
    let wait = Duration::from_secs(secs);
    let got = sqs::drain_messages(sqs, url, want, wait, std::slice::from_ref(&group)).await;
    got.iter()
        .map(|m| {
            let id = m.attributes().and_then(|a| a.get(&group)).cloned();
            (sqs::body(m), id)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_target_gets_its_message_group_and_a_changed_group_is_put_right() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let a = AwsWorld::start(&moto, REGION).await;
    let (w, sqs, events) = (&a.w, &a.sqs, &a.events);
    let name = moto::unique("fifo");
    let (queue_url, queue) = fifo_queue(sqs, &name).await;
    let body = format!("targets = [{{ arn = \"{queue}\", message_group_id = \"genesys\" }}]");
    let rule = config_file::rule(RULE, &body);
    w.write(
        "gcbridge.toml",
        &config_file::aws_destination(&w.url, &name, REGION, &[PRESENCE], "", &rule),
    );
    let bus = partner_bus(&name);

    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains(&queue), "{out:?}");
    let out = a.apply("gcbridge.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.run(&a.doctor(&name, &[])).await;
    assert_eq!(out.code, 0, "{:#?}", doctor_checks(&out, "fail"));
    let fifo_check = format!(
        "FIFO queue {queue}: message group \"genesys\", and the queue deduplicates by content"
    );
    assert!(
        doctor_checks(&out, "pass")
            .iter()
            .any(|c| c.starts_with(&fifo_check)),
        "{:#?}",
        doctor_checks(&out, "pass")
    );

    let publish = |n: u32| gcbridge_testkit::sim::publish(&w.url, &name, n);
    publish(2).await;
    let got = receive(sqs, &queue_url, 2, 10).await;
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got.iter().all(|(e, g)| g.as_deref() == Some("genesys")
            && e["detail-type"] == "v2.users.{id}.presence"),
        "each event in the target's group: {got:#?}"
    );

    // The group changed by hand: drift.
    let target = moto_reads::rule_targets(events, &bus, RULE).await[0].clone();
    assert_eq!(
        target.sqs_parameters().and_then(|p| p.message_group_id()),
        Some("genesys"),
        "PutTargets sent SqsParameters: {target:?}"
    );
    let other = aws_sdk_eventbridge::types::SqsParameters::builder()
        .message_group_id("other")
        .build();
    events
        .put_targets()
        .rule(RULE)
        .event_bus_name(&bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id(target.id())
                .arn(target.arn())
                .sqs_parameters(other)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("message group other -> genesys"),
        "{out:?}"
    );
    let failed = a.doctor_fails_one(&name).await;
    assert!(
        failed.starts_with(&format!("FIFO queue {queue}: the target's message group is \"other\", the file says \"genesys\""))
            && failed.contains("fix: run gcbridge apply"),
        "{failed}"
    );
    a.apply_converges("gcbridge.toml").await;
    publish(1).await;
    let got = receive(sqs, &queue_url, 1, 10).await;
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].1.as_deref(), Some("genesys"), "{got:#?}");

    // Deduplication switched off: EventBridge's events would all be refused.
    sqs.set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::ContentBasedDeduplication, "false")
        .send()
        .await
        .unwrap();
    let failed = a.doctor_fails_one(&name).await;
    assert!(
        failed.contains("does not deduplicate by content")
            && failed.contains(&format!(
                "fix: aws sqs set-queue-attributes --queue-url {queue_url} --attributes ContentBasedDeduplication=true"
            )),
        "{failed}"
    );
}
