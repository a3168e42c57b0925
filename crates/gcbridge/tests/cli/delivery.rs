//! Every target delivers (issue 12), through the CLI against the emulator and moto: one rule
//! with a Lambda and an SNS target. `plan` shows both permissions, `apply` adds them and the
//! events arrive (the Lambda's invocations logged by moto patch (l), the topic's through its SQS
//! subscriber), doctor passes; the Lambda permission removed by hand makes doctor exit 1 at that
//! target, naming the missing statement with `gcbridge apply` as the fix, and apply restores it.
//! Needs moto. (Core's doctor/delivery.rs covers SQS and CloudWatch Logs, and destroy.)

use std::time::Duration;

use crate::common::*;
use gcbridge_testkit::{lambda, moto, sqs, streams};
use serde_json::Value;

const REGION: &str = "us-east-1";

fn file(url: &str, name: &str, targets: &[&str]) -> String {
    let rule = config_file::rule("to-both", &format!("targets = {targets:?}"));
    config_file::aws_destination(url, name, REGION, &[PRESENCE], "", &rule)
}

/// How many invocations moto logged for the function `name`: once `want` are there, or after
/// 10 s; with `want` 0, after 2 s (to see that nothing more came).
async fn invocations(logs: &aws_sdk_cloudwatchlogs::Client, name: &str, want: usize) -> usize {
    let group = format!("/aws/lambda/{name}");
    let logged = || async {
        logs.filter_log_events()
            .log_group_name(&group)
            .send()
            .await
            .map(|o| o.events().to_vec())
            .unwrap_or_default()
    };
    streams::poll(want, logged).await.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn lambda_and_sns_targets_get_their_permissions_and_doctor_names_a_missing_one() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let a = AwsWorld::start(&moto, REGION).await;
    let lambda_client = aws_sdk_lambda::Client::new(&a.config);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&a.config);
    let name = moto::unique("dlv");
    let function = lambda::create_function(&moto, &lambda_client, &name).await;
    let sns = aws_sdk_sns::Client::new(&a.config);
    let topic = sns_topic(&sns, &name).await;
    let subscriber = sqs::create_queue(&a.sqs, &moto::unique("dlv-sub")).await;
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(&subscriber.arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .unwrap();
    let w = &a.w;
    w.write("gcbridge.toml", &file(&w.url, &name, &[&function, &topic]));

    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("lambda:AddPermission") && out.stdout.contains("sns:Publish"),
        "the plan shows both permissions: {out:?}"
    );
    let out = a.apply("gcbridge.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    a.doctor_passes(&name).await;
    let publish = |n: u32| gcbridge_testkit::sim::publish(&w.url, &name, n);
    publish(2).await;
    assert_eq!(
        invocations(&logs, &name, 2).await,
        2,
        "the function was invoked"
    );
    let got = sqs::drain(&a.sqs, &subscriber.url, 2, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 2, "the topic published: {got:#?}");

    // The function's permission removed by hand: doctor names it, nothing new is invoked.
    let policy: Value = serde_json::from_str(
        lambda_client
            .get_policy()
            .function_name(&name)
            .send()
            .await
            .unwrap()
            .policy()
            .unwrap(),
    )
    .unwrap();
    let sid = policy["Statement"][0]["Sid"].as_str().unwrap().to_string();
    assert!(sid.starts_with("gcbridgetoboth"), "{policy}");
    lambda_client
        .remove_permission()
        .function_name(&name)
        .statement_id(&sid)
        .send()
        .await
        .unwrap();
    let failed = a.doctor_fails_one(&name).await;
    assert!(
        failed.starts_with(&format!("target {function}"))
            && failed.contains("missing: lambda:AddPermission for events.amazonaws.com")
            && failed.contains(&sid)
            && failed.contains("fix: run gcbridge apply"),
        "{failed}"
    );
    publish(1).await;
    assert_eq!(
        invocations(&logs, &name, 0).await,
        2,
        "no invocation without the permission"
    );

    let out = a.apply("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    a.doctor_passes(&name).await;
    let out = a.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "nothing left to change: {out:?}");
    publish(1).await;
    assert_eq!(
        invocations(&logs, &name, 3).await,
        3,
        "invoked again after apply"
    );
}
