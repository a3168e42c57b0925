//! SQS FIFO queue targets (issue 12) through the CLI against the emulator and moto: the target's
//! `message_group_id` is planned and put as its SqsParameters, the emulator's events arrive in
//! the FIFO queue carrying that group (moto patch (y) delivers only to a queue with content-based
//! deduplication), doctor `-f` passes; a group changed by hand is drift that plan shows, doctor
//! fails at, and apply puts right; a queue whose deduplication is switched off makes doctor fail
//! with the command that fixes it. Needs moto.

use std::time::{Duration, Instant};

use crate::common::*;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use gcbridge_testkit::moto;
use reqwest::Method;
use serde_json::{json, Value};

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
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut got = Vec::new();
    while got.len() < want && Instant::now() < deadline {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::MessageGroupId)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        for m in out.messages() {
            let group = m
                .attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::MessageGroupId))
                .cloned();
            got.push((serde_json::from_str(m.body().unwrap()).unwrap(), group));
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    got
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_target_gets_its_message_group_and_a_changed_group_is_put_right() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let sim = sim_with_moto(&moto).await;
    let url = sim.base_url();
    let config = moto::sdk_config(&moto, REGION).await;
    let (sqs, events) = (
        aws_sdk_sqs::Client::new(&config),
        aws_sdk_eventbridge::Client::new(&config),
    );
    let name = moto::unique("fifo");
    let (queue_url, queue) = fifo_queue(&sqs, &name).await;
    let body = format!("targets = [{{ arn = \"{queue}\", message_group_id = \"genesys\" }}]");
    let rule = config_file::rule(RULE, &body);
    let w = World::new(sim, moto_env(&url));
    w.write(
        "gcbridge.toml",
        &config_file::aws_destination(&url, &name, REGION, &[PRESENCE], "", &rule),
    );
    let aws = ["--aws-endpoint", moto.as_str()];
    let doctor: Vec<&str> = ["doctor", name.as_str(), "-f", "gcbridge.toml", "-o", "json"]
        .into_iter()
        .chain(aws)
        .collect();
    let bus = format!(
        "aws.partner/genesys.com/cloud/{}/{name}",
        genesys_sim::DEFAULT_ORG_ID
    );

    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains(&queue), "{out:?}");
    let out = w.apply("gcbridge.toml", &["--wait", aws[0], aws[1]]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.run(&doctor).await;
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

    let publish = |n: usize| {
        let body = json!({ "suffix": name, "count": n });
        let url = url.clone();
        async move { api(Method::POST, &url, "/sim/v1/events", None, Some(&body)).await }
    };
    publish(2).await;
    let got = receive(&sqs, &queue_url, 2, 10).await;
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got.iter().all(|(e, g)| g.as_deref() == Some("genesys")
            && e["detail-type"] == "v2.users.{id}.presence"),
        "each event in the target's group: {got:#?}"
    );

    // The group changed by hand: drift.
    let live = events
        .list_targets_by_rule()
        .rule(RULE)
        .event_bus_name(&bus)
        .send()
        .await
        .unwrap();
    let target = live.targets()[0].clone();
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
    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("message group other -> genesys"),
        "{out:?}"
    );
    let out = w.run(&doctor).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed.len() == 1
            && failed[0].starts_with(&format!("FIFO queue {queue}: the target's message group is \"other\", the file says \"genesys\""))
            && failed[0].contains("fix: run gcbridge apply"),
        "{failed:#?}"
    );
    let out = w.apply("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 0, "nothing left to change: {out:?}");
    publish(1).await;
    let got = receive(&sqs, &queue_url, 1, 10).await;
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].1.as_deref(), Some("genesys"), "{got:#?}");

    // Deduplication switched off: EventBridge's events would all be refused.
    sqs.set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(QueueAttributeName::ContentBasedDeduplication, "false")
        .send()
        .await
        .unwrap();
    let out = w.run(&doctor).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed.len() == 1
            && failed[0].contains("does not deduplicate by content")
            && failed[0].contains(&format!(
                "fix: aws sqs set-queue-attributes --queue-url {queue_url} --attributes ContentBasedDeduplication=true"
            )),
        "{failed:#?}"
    );
}
