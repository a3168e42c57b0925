//! Targets reached through an IAM role (issue 12), through the CLI against the emulator and
//! moto: one rule with a Kinesis stream, a Firehose delivery stream (to S3) and an event bus in
//! another account, none with a role_arn, plus a second stream with the user's own role. `plan`
//! shows gcbridge's role; `apply` makes it and the events arrive in all four; the role's inline
//! policy removed by hand makes doctor fail at exactly gcbridge's three targets with the missing
//! statement and `gcbridge apply` as the fix, and nothing more arrives; apply restores it; the role
//! deleted by hand is named as missing and apply makes it again; destroy deletes gcbridge's role
//! and leaves the user's. moto delivers through roles only (scripts/moto/delivery.py p to s).

use std::time::Duration;

use crate::common::*;
use gcbridge_testkit::{moto, moto_reads, sqs, streams};
use serde_json::json;

const REGION: &str = "us-east-1";
const ACCOUNT: &str = moto::DEFAULT_ACCOUNT;

fn file(url: &str, name: &str, targets: &[&str], user_stream: &str, user_role: &str) -> String {
    let listed: Vec<String> = targets.iter().map(|t| format!("{t:?}")).collect();
    let body = format!(
        "targets = [{}, {{ arn = \"{user_stream}\", role_arn = \"{user_role}\" }}]",
        listed.join(", ")
    );
    let rule = config_file::rule("to-streams", &body);
    config_file::aws_destination(url, name, REGION, &[PRESENCE], "", &rule)
}

/// The user's own role: trusts EventBridge, allows kinesis:PutRecord on `stream`.
async fn user_role(iam: &aws_sdk_iam::Client, name: &str, stream: &str) -> String {
    let arn = moto_reads::create_role(iam, name, "events.amazonaws.com").await;
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": stream}]});
    iam.put_role_policy()
        .role_name(name)
        .policy_name("mine")
        .policy_document(policy.to_string())
        .send()
        .await
        .unwrap();
    arn
}

/// A bus in `other` that routes every event to a queue there, and lets ACCOUNT put events.
async fn remote_bus(moto: &str, other: &str, name: &str) -> (String, aws_sdk_sqs::Client, String) {
    let events = moto::events_client(moto, REGION, other);
    let sqs_client = moto::sqs_client(moto, REGION, other);
    let bus = events
        .create_event_bus()
        .name(name)
        .send()
        .await
        .unwrap()
        .event_bus_arn()
        .unwrap()
        .to_string();
    events
        .put_permission()
        .event_bus_name(name)
        .action("events:PutEvents")
        .principal(ACCOUNT)
        .statement_id("from-genesys-account")
        .send()
        .await
        .unwrap();
    let queue = sqs::create_queue(&sqs_client, name).await;
    sqs::allow_eventbridge(&sqs_client, &queue).await;
    let pattern = r#"{"source": [{"prefix": "aws.partner/"}]}"#;
    sqs::rule_to(&events, name, "all", pattern, "q", &queue.arn).await;
    (bus, sqs_client, queue.url)
}

#[tokio::test(flavor = "multi_thread")]
async fn kinesis_firehose_and_another_accounts_bus_get_gcbridges_role_and_doctor_names_what_is_missing(
) {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let a = AwsWorld::start(&moto, REGION).await;
    let iam = aws_sdk_iam::Client::new(&a.config);
    let name = moto::unique("roles");
    let stream = streams::create_stream(&moto, ACCOUNT, &name).await;
    let firehose = streams::create_delivery_stream(&moto, ACCOUNT, &name).await;
    let (bus, remote_sqs, remote_queue) = remote_bus(&moto, &moto::random_account(), &name).await;
    let user_stream_name = format!("{name}-user");
    let user_stream = streams::create_stream(&moto, ACCOUNT, &user_stream_name).await;
    let mine = user_role(&iam, &format!("{name}-mine"), &user_stream).await;

    let w = &a.w;
    let targets = [stream.as_str(), firehose.as_str(), bus.as_str()];
    w.write(
        "gcbridge.toml",
        &file(&w.url, &name, &targets, &user_stream, &mine),
    );
    let doctor = a.doctor(&name, &[]);

    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 2, "{out:?}");
    for needle in [
        "create IAM role gcbridge-events-",
        "kinesis:PutRecord and kinesis:PutRecords on",
        "firehose:PutRecord and firehose:PutRecordBatch",
        "events:PutEvents",
    ] {
        assert!(out.stdout.contains(needle), "plan shows {needle}: {out:?}");
    }
    let out = a.apply("gcbridge.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let role = gcbridge_role(&iam, &name).await;
    assert!(role.len() <= 64, "{role}");
    a.doctor_passes(&name).await;

    let publish = |n: u32| gcbridge_testkit::sim::publish(&w.url, &name, n);
    // What arrived so far in the streams and the bucket (at least `want`), and newly in the other
    // account's queue (`new`; 0: none within 2 s).
    let arrived = |want: usize, new: usize| {
        let (moto, name, user) = (moto.clone(), name.clone(), user_stream_name.clone());
        let (remote_sqs, remote_queue) = (remote_sqs.clone(), remote_queue.clone());
        async move {
            [
                streams::stream_records(&moto, ACCOUNT, &name, want)
                    .await
                    .len(),
                streams::bucket_records(&moto, ACCOUNT, &name, want)
                    .await
                    .len(),
                sqs::drain(
                    &remote_sqs,
                    &remote_queue,
                    new.max(1),
                    Duration::from_secs(if new == 0 { 2 } else { 10 }),
                )
                .await
                .len(),
                streams::stream_records(&moto, ACCOUNT, &user, want)
                    .await
                    .len(),
            ]
        }
    };
    publish(2).await;
    assert_eq!(
        arrived(2, 2).await,
        [2, 2, 2, 2],
        "every target received them"
    );

    // gcbridge's inline policy removed by hand: its three targets fail, the user's stream passes.
    iam.delete_role_policy()
        .role_name(&role)
        .policy_name("gcbridge-delivery")
        .send()
        .await
        .unwrap();
    let failed = a.doctor_fails(&name).await;
    assert_eq!(failed.len(), 3, "{failed:#?}");
    for target in targets {
        assert!(
            failed
                .iter()
                .any(|f| f.starts_with(&format!("target {target}"))
                    && f.contains(&format!("role {role} does not allow"))
                    && f.contains("missing: allow")
                    && f.contains("fix: run gcbridge apply")),
            "{target}: {failed:#?}"
        );
    }
    publish(1).await;
    assert_eq!(
        arrived(0, 0).await,
        [2, 2, 0, 3],
        "only the user's stream got it"
    );

    a.apply_converges("gcbridge.toml").await;
    publish(1).await;
    assert_eq!(
        arrived(3, 1).await,
        [3, 3, 1, 4],
        "delivered again after apply"
    );

    // The role deleted by hand: doctor names it as missing, apply makes it again.
    delete_role(&iam, &role).await;
    let out = w.run(&doctor).await;
    let failed = doctor_checks(&out, "fail");
    assert!(
        out.code == 1
            && failed.len() == 3
            && failed
                .iter()
                .all(|f| f.contains("does not exist") && f.contains("fix: run gcbridge apply")),
        "{failed:#?}"
    );
    let out = a.apply("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    a.doctor_passes(&name).await;

    let out = a
        .run(&["destroy", "-f", "gcbridge.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        iam.get_role().role_name(&role).send().await.is_err(),
        "gcbridge's role is gone"
    );
    let kept = iam
        .get_role_policy()
        .role_name(format!("{name}-mine"))
        .policy_name("mine")
        .send()
        .await;
    assert!(kept.is_ok(), "the user's role and policy stay: {kept:?}");
}

/// The one role gcbridge made (tagged managed-by = gcbridge) of this test's destination.
async fn gcbridge_role(iam: &aws_sdk_iam::Client, suffix: &str) -> String {
    let roles = iam.list_roles().max_items(1000).send().await.unwrap();
    let mut ours = Vec::new();
    for r in roles.roles() {
        if !r
            .role_name()
            .starts_with(&format!("gcbridge-events-{suffix}-"))
        {
            continue;
        }
        let tags = iam
            .list_role_tags()
            .role_name(r.role_name())
            .send()
            .await
            .unwrap();
        if tags
            .tags()
            .iter()
            .any(|t| t.key() == "managed-by" && t.value() == "gcbridge")
        {
            ours.push(r.role_name().to_string());
        }
    }
    assert_eq!(ours.len(), 1, "gcbridge made one tagged role: {ours:?}");
    ours.pop().unwrap()
}

async fn delete_role(iam: &aws_sdk_iam::Client, role: &str) {
    for p in iam
        .list_role_policies()
        .role_name(role)
        .send()
        .await
        .unwrap()
        .policy_names()
    {
        iam.delete_role_policy()
            .role_name(role)
            .policy_name(p)
            .send()
            .await
            .unwrap();
    }
    iam.delete_role().role_name(role).send().await.unwrap();
}
