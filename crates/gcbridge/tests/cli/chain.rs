//! Events never vanish behind a green plan (issue 11 §4), through the CLI against the emulator
//! and moto: an integration disabled and enabled again by hand leaves a PENDING source behind the
//! old bus, and `plan --detailed-exitcode` says 2, doctor's fix is `apply`, apply repairs it (the
//! hand-made rule comes back too); a hand-made rule is reported as unmanaged (gcbridge's temporary
//! ones are not); a queue policy's Deny fails doctor and stops the plan. Needs moto.

use std::time::{Duration, Instant};

use crate::common::*;
use gcbridge_testkit::{moto, sqs};
use serde_json::json;

const REGION: &str = "us-east-1";

fn file(url: &str, name: &str, queue_arn: &str) -> String {
    let rule = config_file::partner_rule("to-queue", &[queue_arn]);
    config_file::aws_destination(url, name, REGION, &[PRESENCE], "", &rule)
}

async fn source_state(events: &aws_sdk_eventbridge::Client, source: &str) -> String {
    events
        .describe_event_source()
        .name(source)
        .send()
        .await
        .ok()
        .and_then(|o| o.state().map(|s| s.as_str().to_string()))
        .unwrap_or_default()
}

async fn wait_state(events: &aws_sdk_eventbridge::Client, source: &str, want: &str) {
    let start = Instant::now();
    while source_state(events, source).await != want {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{source} never became {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn hand_made_rule(events: &aws_sdk_eventbridge::Client, bus: &str, rule: &str, arn: &str) {
    let pattern = json!({"source": [bus]}).to_string();
    sqs::rule_to(events, bus, rule, &pattern, "mine", arn).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_re_enabled_integration_shows_in_plan_and_doctor_and_apply_repairs_it() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let a = AwsWorld::start(&moto, REGION).await;
    let (w, url, events, sqs_client) = (&a.w, &a.w.url, &a.events, &a.sqs);
    let name = moto::unique("chain");
    let queue = sqs::create_queue(sqs_client, &moto::unique("chain-q")).await;
    w.write("gcbridge.toml", &file(url, &name, &queue.arn));
    let source = partner_bus(&name);
    let out = a.apply("gcbridge.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");

    // A rule made by hand is unmanaged (a warning, with a fix that is not "run apply");
    // gcbridge's temporary rules are not reported.
    let other = sqs::create_queue(sqs_client, &moto::unique("mine")).await;
    sqs::allow_eventbridge(sqs_client, &other).await;
    hand_made_rule(events, &source, "hand-made", &other.arn).await;
    hand_made_rule(events, &source, "gcbridge-tail-0badcafe", &other.arn).await;
    let out = w.run(&a.doctor(&name, &[])).await;
    let warned = doctor_checks(&out, "warn");
    let unmanaged: Vec<&String> = warned
        .iter()
        .filter(|c| c.starts_with("unmanaged rule"))
        .collect();
    assert!(
        unmanaged.len() == 1
            && unmanaged[0].starts_with("unmanaged rule hand-made")
            && unmanaged[0].contains("aws events delete-rule")
            && unmanaged[0].contains("[destination.aws]")
            && !unmanaged[0].contains("gcbridge apply"),
        "{warned:#?}"
    );
    events
        .remove_targets()
        .rule("gcbridge-tail-0badcafe")
        .event_bus_name(&source)
        .ids("mine")
        .send()
        .await
        .unwrap();
    events
        .delete_rule()
        .name("gcbridge-tail-0badcafe")
        .event_bus_name(&source)
        .send()
        .await
        .unwrap();

    // Disabled and enabled again by hand: a new PENDING source behind the old bus.
    let id = gcbridge_testkit::sim::integration_id(url, &name).await;
    for state in ["DISABLED", "ENABLED"] {
        gcbridge_testkit::sim::set_intended_state(url, &id, state).await;
        let want = if state == "DISABLED" {
            "DELETED"
        } else {
            "PENDING"
        };
        wait_state(events, &source, want).await;
    }
    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(
        out.code, 2,
        "the plan sees the PENDING source behind the bus: {out:?}"
    );
    assert!(
        out.stdout.contains("re-create the partner event bus") && out.stdout.contains("hand-made"),
        "{out:?}"
    );
    let failed = a.doctor_fails(&name).await;
    assert_source_pending_without_its_bus(
        &failed,
        "fix: run gcbridge apply: with associate = true it re-creates the bus",
    );

    let out = a.apply("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(source_state(events, &source).await, "ACTIVE");
    a.doctor_passes(&name).await;
    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    gcbridge_testkit::sim::publish(url, &name, 2).await;
    let got = sqs::drain(sqs_client, &queue.url, 2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "events flow again: {got:#?}");
    let mine = sqs::drain(sqs_client, &other.url, 2, Duration::from_secs(10)).await;
    assert_eq!(
        mine.len(),
        2,
        "the hand-made rule came back with its target"
    );

    // A Deny in the queue policy: doctor fails it (no "run apply"), the plan refuses.
    let deny = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Open", "Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": queue.arn},
        {"Sid": "NoRules", "Effect": "Deny", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sqs:SendMessage", "Resource": "*"}
    ]});
    sqs::set_policy(sqs_client, &queue.url, &deny.to_string()).await;
    let failed = a.doctor_fails_one(&name).await;
    assert!(
        failed.starts_with("target")
            && failed.contains("statement NoRules")
            && failed.contains("explicitly denies")
            && failed.contains("remove or narrow"),
        "{failed}"
    );
    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("cannot fix it"), "{out:?}");
}
