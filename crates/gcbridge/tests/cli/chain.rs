//! Events never vanish behind a green plan (issue 11 §4), through the CLI against the emulator
//! and moto: an integration disabled and enabled again by hand leaves a PENDING source behind the
//! old bus, and `plan --detailed-exitcode` says 2, doctor's fix is `apply`, apply repairs it (the
//! hand-made rule comes back too); a hand-made rule is reported as unmanaged (gcbridge's temporary
//! ones are not); a queue policy's Deny fails doctor and stops the plan. Needs moto.

use std::time::{Duration, Instant};

use crate::common::*;
use gcbridge_testkit::{moto, sqs};
use reqwest::Method;
use serde_json::{json, Value};

const REGION: &str = "us-east-1";

fn file(url: &str, name: &str, queue_arn: &str) -> String {
    let body = format!(
        "event_pattern = {{ source = [{{ prefix = \"aws.partner/genesys.com\" }}] }}\ntargets = [\"{queue_arn}\"]"
    );
    let rule = config_file::rule("to-queue", &body);
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
    events
        .put_rule()
        .name(rule)
        .event_bus_name(bus)
        .event_pattern(json!({"source": [bus]}).to_string())
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(rule)
        .event_bus_name(bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("mine")
                .arn(arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_re_enabled_integration_shows_in_plan_and_doctor_and_apply_repairs_it() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let sim = sim_with_moto(&moto).await;
    let url = sim.base_url();
    let config = moto::sdk_config(&moto, REGION).await;
    let (events, sqs_client) = (
        aws_sdk_eventbridge::Client::new(&config),
        aws_sdk_sqs::Client::new(&config),
    );
    let name = moto::unique("chain");
    let queue = sqs::create_queue(&sqs_client, &moto::unique("chain-q")).await;
    let w = World::new(sim, moto_env(&url));
    w.write("gcbridge.toml", &file(&url, &name, &queue.arn));
    let aws = ["--aws-endpoint", moto.as_str()];
    let doctor = |extra: &'static [&'static str]| {
        let mut args = vec!["doctor", name.as_str(), "-f", "gcbridge.toml", "-o", "json"];
        args.extend(aws);
        args.extend(extra);
        args
    };
    let source = format!(
        "aws.partner/genesys.com/cloud/{}/{name}",
        genesys_sim::DEFAULT_ORG_ID
    );
    let out = w.apply("gcbridge.toml", &["--wait", aws[0], aws[1]]).await;
    assert_eq!(out.code, 0, "{out:?}");

    // A rule made by hand is unmanaged (a warning, with a fix that is not "run apply");
    // gcbridge's temporary rules are not reported.
    let other = sqs::create_queue(&sqs_client, &moto::unique("mine")).await;
    sqs::allow_eventbridge(&sqs_client, &other).await;
    hand_made_rule(&events, &source, "hand-made", &other.arn).await;
    hand_made_rule(&events, &source, "gcbridge-tail-0badcafe", &other.arn).await;
    let out = w.run(&doctor(&[])).await;
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
    let token = admin_token(&url).await;
    let id = integrations(&url)
        .await
        .into_iter()
        .find(|i| i["name"] == Value::String(name.clone()))
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v2/integrations/{id}");
    for state in ["DISABLED", "ENABLED"] {
        let body = json!({ "intendedState": state });
        api(Method::PATCH, &url, &path, Some(&token), Some(&body)).await;
        let want = if state == "DISABLED" {
            "DELETED"
        } else {
            "PENDING"
        };
        wait_state(&events, &source, want).await;
    }
    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(
        out.code, 2,
        "the plan sees the PENDING source behind the bus: {out:?}"
    );
    assert!(
        out.stdout.contains("re-create the partner event bus") && out.stdout.contains("hand-made"),
        "{out:?}"
    );
    let out = w.run(&doctor(&[])).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed.iter().any(|f| f.starts_with("partner event source")
            && f.contains("PENDING")
            && f.contains("fix: run gcbridge apply: with associate = true it re-creates the bus")),
        "{failed:#?}"
    );
    assert!(
        failed.iter().any(|f| f.starts_with("event bus associated")),
        "{failed:#?}"
    );

    let out = w.apply("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(source_state(&events, &source).await, "ACTIVE");
    let out = w.run(&doctor(&[])).await;
    assert_eq!(out.code, 0, "{out:?}\n{:#?}", doctor_checks(&out, "fail"));
    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 0, "{out:?}");
    let body = json!({ "suffix": name, "count": 2 });
    api(Method::POST, &url, "/sim/v1/events", None, Some(&body)).await;
    let got = sqs::drain(&sqs_client, &queue.url, 2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "events flow again: {got:#?}");
    let mine = sqs::drain(&sqs_client, &other.url, 2, Duration::from_secs(10)).await;
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
    sqs_client
        .set_queue_attributes()
        .queue_url(&queue.url)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::Policy,
            deny.to_string(),
        )
        .send()
        .await
        .unwrap();
    let out = w.run(&doctor(&[])).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed.len() == 1
            && failed[0].starts_with("target")
            && failed[0].contains("statement NoRules")
            && failed[0].contains("explicitly denies")
            && failed[0].contains("remove or narrow"),
        "{failed:#?}"
    );
    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("cannot fix it"), "{out:?}");
}
