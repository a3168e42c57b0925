//! Every target delivers (issue 12), through the CLI against the emulator and moto: one rule
//! with a Lambda and an SNS target. `plan` shows both permissions, `apply` adds them and the
//! events arrive (the Lambda's invocations logged by moto patch (l), the topic's through its SQS
//! subscriber), doctor passes; the Lambda permission removed by hand makes doctor exit 1 at that
//! target, naming the missing statement with `gcbridge apply` as the fix, and apply restores it.
//! Needs moto. (Core's doctor/delivery.rs covers SQS and CloudWatch Logs, and destroy.)

use std::time::{Duration, Instant};

use crate::common::*;
use gcbridge_testkit::{lambda, moto, sqs};
use reqwest::Method;
use serde_json::{json, Value};

const REGION: &str = "us-east-1";

fn file(url: &str, name: &str, targets: &[&str]) -> String {
    let rule = config_file::rule("to-both", &format!("targets = {targets:?}"));
    config_file::aws_destination(url, name, REGION, &[PRESENCE], "", &rule)
}

/// How many invocations moto logged for the function `name`: once `want` are there, or after
/// 10 s; with `want` 0, after 2 s (to see that nothing more came).
async fn invocations(logs: &aws_sdk_cloudwatchlogs::Client, name: &str, want: usize) -> usize {
    let start = Instant::now();
    loop {
        let n = logs
            .filter_log_events()
            .log_group_name(format!("/aws/lambda/{name}"))
            .send()
            .await
            .map(|o| o.events().len())
            .unwrap_or(0);
        if (want > 0 && n >= want)
            || start.elapsed() > Duration::from_secs(if want == 0 { 2 } else { 10 })
        {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn lambda_and_sns_targets_get_their_permissions_and_doctor_names_a_missing_one() {
    let Some(moto) = moto::endpoint() else {
        return;
    };
    let sim = sim_with_moto(&moto).await;
    let url = sim.base_url();
    let config = moto::sdk_config(&moto, REGION).await;
    let lambda_client = aws_sdk_lambda::Client::new(&config);
    let (sns, sqs_client) = (
        aws_sdk_sns::Client::new(&config),
        aws_sdk_sqs::Client::new(&config),
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let name = moto::unique("dlv");
    let function = lambda::create_function(&moto, &lambda_client, &name).await;
    let topic = sns
        .create_topic()
        .name(&name)
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_string();
    let subscriber = sqs::create_queue(&sqs_client, &moto::unique("dlv-sub")).await;
    sns.subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(&subscriber.arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .unwrap();
    let w = World::new(sim, moto_env(&url));
    w.write("gcbridge.toml", &file(&url, &name, &[&function, &topic]));
    let aws = ["--aws-endpoint", moto.as_str()];
    let doctor: Vec<&str> = ["doctor", name.as_str(), "-f", "gcbridge.toml", "-o", "json"]
        .into_iter()
        .chain(aws)
        .collect();

    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("lambda:AddPermission") && out.stdout.contains("sns:Publish"),
        "the plan shows both permissions: {out:?}"
    );
    let out = w.apply("gcbridge.toml", &["--wait", aws[0], aws[1]]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.run(&doctor).await;
    assert_eq!(out.code, 0, "{:#?}", doctor_checks(&out, "fail"));
    let publish = |n: usize| {
        let body = json!({ "suffix": name, "count": n });
        let url = url.clone();
        async move { api(Method::POST, &url, "/sim/v1/events", None, Some(&body)).await }
    };
    publish(2).await;
    assert_eq!(
        invocations(&logs, &name, 2).await,
        2,
        "the function was invoked"
    );
    let got = sqs::drain(&sqs_client, &subscriber.url, 2, Duration::from_secs(10)).await;
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
    let out = w.run(&doctor).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed.len() == 1
            && failed[0].starts_with(&format!("target {function}"))
            && failed[0].contains("missing: lambda:AddPermission for events.amazonaws.com")
            && failed[0].contains(&sid)
            && failed[0].contains("fix: run gcbridge apply"),
        "{failed:#?}"
    );
    publish(1).await;
    assert_eq!(
        invocations(&logs, &name, 0).await,
        2,
        "no invocation without the permission"
    );

    let out = w.apply("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = w.run(&doctor).await;
    assert_eq!(out.code, 0, "{:#?}", doctor_checks(&out, "fail"));
    let out = w.plan("gcbridge.toml", &aws).await;
    assert_eq!(out.code, 0, "nothing left to change: {out:?}");
    publish(1).await;
    assert_eq!(
        invocations(&logs, &name, 3).await,
        3,
        "invoked again after apply"
    );
}
