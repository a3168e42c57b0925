//! The AWS half end to end, all on loopback: the emulator (playing Genesys's partner side) and
//! moto (EventBridge and SQS, with scripts/moto-server's corrections) and gcbridge as a subprocess.
//! apply with `associate` and an SQS rule -> doctor all green -> events arrive with the real
//! envelope -> tail shows them -> each broken link fails doctor at that check -> destroy removes
//! everything on both sides. Needs moto: run under scripts/with-moto (without it
//! gcbridge_testkit::moto::endpoint skips loudly, or fails when moto is required).

use std::time::Duration;

use crate::common::*;
use gcbridge_testkit::{moto, sqs};
use serde_json::Value;

/// moto's account for plain credentials: gcbridge (the customer) acts as this account.
const ACCOUNT: &str = moto::DEFAULT_ACCOUNT;

/// `apply -f gcbridge.toml --auto-approve` succeeds.
async fn apply(w: &AwsWorld) {
    let out = w.apply("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
}

/// A broken link repaired: apply succeeds, then doctor `name` is all green.
async fn repair(w: &AwsWorld, name: &str) {
    apply(w).await;
    let out = w.run(&["doctor", name]).await;
    assert_eq!(out.code, 0, "{out:?}");
}

/// doctor `name` fails (exit 1); returns the failed checks.
async fn doctor_fails(w: &AwsWorld, name: &str) -> Vec<String> {
    let out = w.run(&["doctor", name, "-o", "json"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    failed_checks(&out)
}

async fn drain(w: &AwsWorld, queue_url: &str, want: usize) -> Vec<Value> {
    sqs::drain(&w.sqs, queue_url, want, Duration::from_secs(10)).await
}

fn failed_checks(out: &Output) -> Vec<String> {
    doctor_checks(out, "fail")
}

/// This test's own region: it checks that no `gcbridge-tmp-` queue is left there, while other tests
/// (the AWS fault cells) run tails of their own in us-east-1 on the same moto.
const REGION: &str = "eu-north-1";

#[tokio::test(flavor = "multi_thread")]
async fn apply_doctor_events_tail_broken_links_destroy() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let w = AwsWorld::start(&moto, REGION).await;
    let url = w.w.url.clone();
    let suffix = moto::unique("e2e");
    let queue_name = moto::unique("genesys-events");
    let queue = sqs::create_queue(&w.sqs, &queue_name).await;
    let (queue_url, queue_arn) = (queue.url, queue.arn);
    let topics = [
        PRESENCE,
        "v2.detail.events.conversation.{id}.customer.start",
    ];
    let rule = config_file::partner_rule("to-queue", &[&queue_arn]);
    let file = config_file::aws_destination(&url, &suffix, REGION, &topics, "", &rule);
    w.w.write("gcbridge.toml", &file);
    let source = partner_bus(&suffix);
    let publish = |count: u32| gcbridge_testkit::sim::publish_all(&url, count);

    // apply: both halves.
    let out = w.run(&["plan", "-f", "gcbridge.toml"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("associate the partner event source")
            && out.stdout.contains("create rule to-queue"),
        "{out:?}"
    );
    assert!(out.stdout.contains("add the policy statement"), "{out:?}");
    let out = w.apply("gcbridge.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "both halves converged: {out:?}");

    // doctor: all green.
    let out = w.run(&["doctor", &suffix, "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}\n{:#?}", failed_checks(&out));
    assert_eq!(out.json()["ok"], true);
    crate::json_docs::assert_documented("doctor", &out);

    // Events arrive in the queue with the real envelope.
    let published = publish(3).await;
    assert!(published.to_string().contains(&suffix), "{published}");
    let got = drain(&w, &queue_url, 3).await;
    assert_eq!(got.len(), 3, "{got:#?}");
    for e in &got {
        assert_eq!(e["source"], Value::String(source.clone()));
        assert_eq!(e["account"], ACCOUNT);
        assert_eq!(e["region"], REGION);
        let template = e["detail-type"].as_str().unwrap();
        assert!(template.contains("{id}"), "{e}");
        let concrete = e["detail"]["topicName"].as_str().unwrap();
        assert!(
            !concrete.contains("{id}") && concrete.starts_with("v2."),
            "{e}"
        );
        assert_eq!(e["detail"]["version"], "2");
        assert!(e["detail"]["metadata"]["CorrelationId"].is_string(), "{e}");
        assert!(e["detail"]["eventBody"].is_object(), "{e}");
    }

    // tail shows them, and cleans up after itself.
    let tail = w.spawn(&["tail", &suffix, "--for", "10", "-o", "json"]);
    tokio::time::sleep(Duration::from_secs(4)).await;
    publish(2).await;
    let out = tail.await.unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    let lines = out.json_lines();
    assert!(!lines.is_empty(), "tail printed events: {out:?}");
    assert!(
        lines
            .iter()
            .all(|e| e["source"] == Value::String(source.clone())),
        "{out:?}"
    );
    assert_tail_removed_its_rule(&w.events, &source).await;
    let queues = w
        .sqs
        .list_queues()
        // tail's own prefix: other tests (the demo) share this moto and own queues named gcbridge-*.
        .queue_name_prefix("gcbridge-tmp-")
        .send()
        .await
        .unwrap();
    assert!(
        queues.queue_urls().is_empty(),
        "tail removed its queue: {:?}",
        queues.queue_urls()
    );
    drain(&w, &queue_url, 2).await;

    // Broken link: the queue policy is gone.
    sqs::set_policy(&w.sqs, &queue_url, "").await;
    let failed = doctor_fails(&w, &suffix).await;
    assert!(
        failed.len() == 1 && failed[0].contains("policy") && failed[0].contains("gcbridge apply"),
        "{failed:#?}"
    );
    repair(&w, &suffix).await;

    // Broken link: the rule's pattern matches nothing.
    w.events
        .put_rule()
        .name("to-queue")
        .event_bus_name(&source)
        .event_pattern(r#"{"detail-type":["v2.nothing"]}"#)
        .send()
        .await
        .unwrap();
    let failed = doctor_fails(&w, &suffix).await;
    assert!(
        failed.len() == 1
            && failed[0].starts_with("rule to-queue")
            && failed[0].contains("matches none"),
        "{failed:#?}"
    );
    let out = w
        .run(&["plan", "-f", "gcbridge.toml", "--detailed-exitcode"])
        .await;
    assert_eq!(out.code, 2, "the pattern drift shows in plan: {out:?}");
    assert!(out.stdout.contains("update rule to-queue"), "{out:?}");
    repair(&w, &suffix).await;

    // Broken link: not associated (rules and bus removed by hand).
    w.events
        .remove_targets()
        .rule("to-queue")
        .event_bus_name(&source)
        .ids("sqs-".to_string() + &queue_name)
        .send()
        .await
        .unwrap();
    w.events
        .delete_rule()
        .name("to-queue")
        .event_bus_name(&source)
        .send()
        .await
        .unwrap();
    w.events
        .delete_event_bus()
        .name(&source)
        .send()
        .await
        .unwrap();
    let failed = doctor_fails(&w, &suffix).await;
    assert_source_pending_without_its_bus(&failed, "associate");
    apply(&w).await;
    let out = w
        .run(&["doctor", &suffix, "--probe", "3", "-o", "json"])
        .await;
    assert_eq!(out.code, 1, "no activity during the probe: {out:?}");
    assert!(
        failed_checks(&out).iter().all(|f| f.starts_with("probe")),
        "{:#?}",
        failed_checks(&out)
    );

    // Broken link: the wrong AWS account (credentials are for 123456789012).
    let wrong = std::fs::read_to_string(w.w.dir.path().join("gcbridge.toml"))
        .unwrap()
        .replace(
            &format!("aws_account_id = \"{ACCOUNT}\""),
            "aws_account_id = \"999999999999\"",
        )
        .replace(
            &format!("name = \"{suffix}\""),
            &format!("name = \"{suffix}-wrong\""),
        )
        .replace(
            &format!("event_source_suffix = \"{suffix}\""),
            &format!("event_source_suffix = \"{suffix}-wrong\""),
        )
        .replace(
            &format!(":{ACCOUNT}:{queue_name}"),
            &format!(":999999999999:{queue_name}"),
        );
    std::fs::write(w.w.dir.path().join("wrong.toml"), wrong).unwrap();
    let before = writes(&url).await;
    let out = w
        .run(&["apply", "-f", "wrong.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("999999999999") && out.stderr.contains("123456789012"),
        "{out:?}"
    );
    assert_eq!(writes(&url).await, before, "nothing written on either side");

    // Broken link: the integration disabled.
    let id = gcbridge_testkit::sim::integration_id(&url, &suffix).await;
    gcbridge_testkit::sim::set_intended_state(&url, &id, "DISABLED").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let failed = doctor_fails(&w, &suffix).await;
    assert!(
        failed.iter().any(|f| f.starts_with("integration enabled")),
        "{failed:#?}"
    );

    // destroy removes everything on both sides.
    let out = w
        .run(&["destroy", "-f", "gcbridge.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(integrations(&url)
        .await
        .iter()
        .all(|i| i["name"] != Value::String(suffix.clone())));
    assert!(
        w.events
            .describe_event_bus()
            .name(&source)
            .send()
            .await
            .is_err(),
        "the partner bus is gone"
    );
}
