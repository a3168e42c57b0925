//! The AWS half end to end, all on loopback: the emulator (playing Genesys's partner side) and
//! moto (EventBridge and SQS, with scripts/moto-server's corrections) and gcbridge as a subprocess.
//! apply with `associate` and an SQS rule -> doctor all green -> events arrive with the real
//! envelope -> tail shows them -> each broken link fails doctor at that check -> destroy removes
//! everything on both sides. Needs moto: run under scripts/with-moto (without it
//! gcbridge_testkit::moto::endpoint skips loudly, or fails when moto is required).

use std::time::Duration;

use crate::common::*;
use gcbridge_testkit::{moto, sqs};
use reqwest::Method;
use serde_json::Value;

/// moto's account for plain credentials: gcbridge (the customer) acts as this account.
const ACCOUNT: &str = moto::DEFAULT_ACCOUNT;

struct World {
    _sim: genesys_sim::RunningSim,
    url: String,
    moto: String,
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    events: aws_sdk_eventbridge::Client,
    sqs: aws_sdk_sqs::Client,
}

impl World {
    async fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--aws-endpoint", self.moto.as_str()]);
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        gcbridge(self.dir.path(), &env, &all).await
    }

    async fn publish(&self, count: u32) -> Value {
        reqwest::Client::new()
            .post(format!("{}/sim/v1/events", self.url))
            .json(&serde_json::json!({ "count": count }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `apply -f gcbridge.toml --auto-approve` succeeds.
    async fn apply(&self) {
        let out = self
            .run(&["apply", "-f", "gcbridge.toml", "--auto-approve"])
            .await;
        assert_eq!(out.code, 0, "{out:?}");
    }

    /// A broken link repaired: apply succeeds, then doctor `name` is all green.
    async fn repair(&self, name: &str) {
        self.apply().await;
        let out = self.run(&["doctor", name]).await;
        assert_eq!(out.code, 0, "{out:?}");
    }

    /// doctor `name` fails (exit 1); returns the failed checks.
    async fn doctor_fails(&self, name: &str) -> Vec<String> {
        let out = self.run(&["doctor", name, "-o", "json"]).await;
        assert_eq!(out.code, 1, "{out:?}");
        failed_checks(&out)
    }

    async fn drain(&self, queue_url: &str, want: usize) -> Vec<Value> {
        sqs::drain(&self.sqs, queue_url, want, Duration::from_secs(10)).await
    }
}

fn failed_checks(out: &Output) -> Vec<String> {
    doctor_checks(out, "fail")
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_doctor_events_tail_broken_links_destroy() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let sim = sim_with_moto(&moto).await;
    let url = sim.base_url();
    let config = moto::sdk_config(&moto, "us-east-1").await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let events = aws_sdk_eventbridge::Client::new(&config);
    let suffix = moto::unique("e2e");
    let queue_name = moto::unique("genesys-events");
    let queue = sqs::create_queue(&sqs, &queue_name).await;
    let (queue_url, queue_arn) = (queue.url, queue.arn);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("gcbridge.toml"),
        format!(
            r#"
[genesys]
api_url = "{url}"

[[destination]]
name = "{suffix}"
aws_account_id = "{ACCOUNT}"
aws_region = "us-east-1"
event_source_suffix = "{suffix}"
topics = ["v2.users.{{id}}.presence", "v2.detail.events.conversation.{{id}}.customer.start"]

[destination.aws]
associate = true

[[destination.aws.rule]]
name = "to-queue"
event_pattern = {{ source = [{{ prefix = "aws.partner/genesys.com" }}] }}
targets = ["{queue_arn}"]
"#
        ),
    )
    .unwrap();
    let env = moto_env(&url);
    let w = World {
        _sim: sim,
        url: url.clone(),
        moto: moto.clone(),
        dir,
        env,
        events,
        sqs,
    };
    let org = genesys_sim::DEFAULT_ORG_ID;
    let source = format!("aws.partner/genesys.com/cloud/{org}/{suffix}");

    // apply: both halves.
    let out = w.run(&["plan", "-f", "gcbridge.toml"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("associate the partner event source")
            && out.stdout.contains("create rule to-queue"),
        "{out:?}"
    );
    assert!(out.stdout.contains("add the policy statement"), "{out:?}");
    let out = w
        .run(&["apply", "-f", "gcbridge.toml", "--auto-approve", "--wait"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w
        .run(&["plan", "-f", "gcbridge.toml", "--detailed-exitcode"])
        .await;
    assert_eq!(out.code, 0, "both halves converged: {out:?}");

    // doctor: all green.
    let out = w.run(&["doctor", &suffix, "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}\n{:#?}", failed_checks(&out));
    assert_eq!(out.json()["ok"], true);
    crate::json_docs::assert_documented("doctor", &out);

    // Events arrive in the queue with the real envelope.
    let published = w.publish(3).await;
    assert!(published.to_string().contains(&suffix), "{published}");
    let got = w.drain(&queue_url, 3).await;
    assert_eq!(got.len(), 3, "{got:#?}");
    for e in &got {
        assert_eq!(e["source"], Value::String(source.clone()));
        assert_eq!(e["account"], ACCOUNT);
        assert_eq!(e["region"], "us-east-1");
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
    let tail = {
        let dir = w.dir.path().to_path_buf();
        let env = w.env.clone();
        let moto = moto.clone();
        let name = suffix.clone();
        tokio::spawn(async move {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            gcbridge(
                &dir,
                &env,
                &[
                    "tail",
                    &name,
                    "--for",
                    "10",
                    "-o",
                    "json",
                    "--aws-endpoint",
                    &moto,
                ],
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_secs(4)).await;
    w.publish(2).await;
    let out = tail.await.unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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
    w.drain(&queue_url, 2).await;

    // Broken link: the queue policy is gone.
    w.sqs
        .set_queue_attributes()
        .queue_url(&queue_url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, "")
        .send()
        .await
        .unwrap();
    let failed = w.doctor_fails(&suffix).await;
    assert!(
        failed.len() == 1 && failed[0].contains("policy") && failed[0].contains("gcbridge apply"),
        "{failed:#?}"
    );
    w.repair(&suffix).await;

    // Broken link: the rule's pattern matches nothing.
    w.events
        .put_rule()
        .name("to-queue")
        .event_bus_name(&source)
        .event_pattern(r#"{"detail-type":["v2.nothing"]}"#)
        .send()
        .await
        .unwrap();
    let failed = w.doctor_fails(&suffix).await;
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
    w.repair(&suffix).await;

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
    let failed = w.doctor_fails(&suffix).await;
    assert!(
        failed.iter().any(|f| f.starts_with("partner event source")
            && f.contains("PENDING")
            && f.contains("associate")),
        "{failed:#?}"
    );
    assert!(
        failed.iter().any(|f| f.starts_with("event bus associated")),
        "{failed:#?}"
    );
    w.apply().await;
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
    let wrong = std::fs::read_to_string(w.dir.path().join("gcbridge.toml"))
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
    std::fs::write(w.dir.path().join("wrong.toml"), wrong).unwrap();
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
    let token = admin_token(&url).await;
    let id = integrations(&url)
        .await
        .into_iter()
        .find(|i| i["name"] == Value::String(suffix.clone()))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let disable = serde_json::json!({"intendedState": "DISABLED"});
    let path = format!("/api/v2/integrations/{id}");
    api(Method::PATCH, &url, &path, Some(&token), Some(&disable)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let failed = w.doctor_fails(&suffix).await;
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
