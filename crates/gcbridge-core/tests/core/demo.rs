//! The demo's AWS side in core (`gcbridge_core::demo`) against moto: its queue and log group are
//! made, read back and removed. Needs moto.

use std::time::Duration;

use gcbridge_core::demo;
use gcbridge_core::AwsClients;
use gcbridge_testkit::moto;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_targets_are_made_read_and_removed() {
    let Some(endpoint) = moto::endpoint() else {
        return;
    };
    let aws = AwsClients::new("us-east-1", Some(&endpoint)).await;
    let name = moto::unique("demo-core");
    let targets = demo::create_targets(&aws, &name).await.unwrap();
    assert!(
        targets.queue_arn.ends_with(&format!(":{name}"))
            && targets.log_group_arn
                == format!(
                    "arn:aws:logs:us-east-1:{}:log-group:/aws/events/{name}",
                    moto::DEFAULT_ACCOUNT
                ),
        "{targets:?}"
    );
    for body in ["one", "two"] {
        aws.sqs
            .send_message()
            .queue_url(&targets.queue_url)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    let got = demo::receive_events(&aws, &targets.queue_url, 2, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(got, ["one", "two"]);
    let again = demo::receive_events(&aws, &targets.queue_url, 1, Duration::from_secs(1))
        .await
        .unwrap();
    assert!(again.is_empty(), "received messages are deleted: {again:?}");
    assert_eq!(
        demo::log_event_count(&aws, &targets.log_group)
            .await
            .unwrap(),
        0
    );

    assert!(demo::remove_targets(&aws, &targets).await.is_empty());
    let left = aws
        .sqs
        .list_queues()
        .queue_name_prefix(&name)
        .send()
        .await
        .unwrap();
    assert!(left.queue_urls().is_empty(), "{left:?}");
    let groups = aws
        .logs
        .describe_log_groups()
        .log_group_name_prefix(&targets.log_group)
        .send()
        .await
        .unwrap();
    assert!(groups.log_groups().is_empty(), "{groups:?}");
}
