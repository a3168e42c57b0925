//! SQS in moto for tests: a queue (its URL and ARN), a policy letting EventBridge send to it, a
//! rule routing a bus to it, a partner bus routed to a new queue, and the drain loop: receive (and
//! delete) until N messages arrived or a deadline passed.

use std::time::{Duration, Instant};

use aws_sdk_sqs::types::{Message, MessageSystemAttributeName, QueueAttributeName};
use serde_json::{json, Value};

/// A queue: its URL (for SQS calls) and its ARN (for EventBridge targets).
pub struct Queue {
    pub url: String,
    pub arn: String,
}

/// Creates the queue `name` and returns its URL and ARN.
pub async fn create_queue(sqs: &aws_sdk_sqs::Client, name: &str) -> Queue {
    let url = sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateQueue {name}: {e:?}"))
        .queue_url()
        .expect("a queue URL")
        .to_string();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GetQueueAttributes {name}: {e:?}"))
        .attributes()
        .expect("attributes")[&QueueAttributeName::QueueArn]
        .clone();
    Queue { url, arn }
}

/// Lets EventBridge (`events.amazonaws.com`) send messages to `queue`.
pub async fn allow_eventbridge(sqs: &aws_sdk_sqs::Client, queue: &Queue) {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue.arn,
        }]
    });
    sqs.set_queue_attributes()
        .queue_url(&queue.url)
        .attributes(QueueAttributeName::Policy, policy.to_string())
        .send()
        .await
        .expect("SetQueueAttributes Policy");
}

/// Replaces the policy of `queue_url` with `policy`: `""` removes it, as someone breaking the
/// link by hand would (EventBridge may no longer send), or a JSON document of the test's.
pub async fn set_policy(sqs: &aws_sdk_sqs::Client, queue_url: &str, policy: &str) {
    sqs.set_queue_attributes()
        .queue_url(queue_url)
        .attributes(QueueAttributeName::Policy, policy)
        .send()
        .await
        .expect("SetQueueAttributes Policy");
}

/// Associates the partner event source `source` with a bus of the same name and routes all its
/// events (rule `genesys-to-sqs`) to a new queue that allows EventBridge; returns the queue.
pub async fn partner_bus_to_new_queue(
    events: &aws_sdk_eventbridge::Client,
    sqs: &aws_sdk_sqs::Client,
    source: &str,
) -> Queue {
    events
        .create_event_bus()
        .name(source)
        .event_source_name(source)
        .send()
        .await
        .expect("CreateEventBus from the partner source");
    let queue = create_queue(sqs, &crate::moto::unique("q")).await;
    allow_eventbridge(sqs, &queue).await;
    let pattern = json!({"source": [source]}).to_string();
    rule_to(
        events,
        source,
        "genesys-to-sqs",
        &pattern,
        "queue",
        &queue.arn,
    )
    .await;
    queue
}

/// Puts the rule `rule` with `pattern` on `bus` and one target `id` delivering to `arn` (a queue
/// that lets EventBridge send, in practice), as someone making a rule by hand would.
pub async fn rule_to(
    events: &aws_sdk_eventbridge::Client,
    bus: &str,
    rule: &str,
    pattern: &str,
    id: &str,
    arn: &str,
) {
    events
        .put_rule()
        .name(rule)
        .event_bus_name(bus)
        .event_pattern(pattern)
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutRule {rule}: {e:?}"));
    events
        .put_targets()
        .rule(rule)
        .event_bus_name(bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id(id)
                .arn(arn)
                .build()
                .expect("a target"),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("PutTargets {rule}: {e:?}"));
}

/// Receives (and deletes) messages of `queue_url` until `want` arrived or `wait` passed; returns
/// their JSON bodies (possibly more than `want`, never fewer unless the deadline passed).
pub async fn drain(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    want: usize,
    wait: Duration,
) -> Vec<Value> {
    drain_messages(sqs, queue_url, want, wait, &[])
        .await
        .iter()
        .map(body)
        .collect()
}

/// A message's body as JSON; panics (showing it) when it is not.
pub fn body(m: &Message) -> Value {
    let body = m.body().expect("a message body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("message body is not JSON ({e}): {body}"))
}

/// [`drain`]'s loop, keeping the messages themselves with the system `attributes` asked for
/// (a FIFO queue's `MessageGroupId`, say).
pub async fn drain_messages(
    sqs: &aws_sdk_sqs::Client,
    queue_url: &str,
    want: usize,
    wait: Duration,
    attributes: &[MessageSystemAttributeName],
) -> Vec<Message> {
    let deadline = Instant::now() + wait;
    let mut out = Vec::new();
    while out.len() < want && Instant::now() < deadline {
        let got = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            // None when there are none: the request is then the same as without attributes.
            .set_message_system_attribute_names(
                (!attributes.is_empty()).then(|| attributes.to_vec()),
            )
            .wait_time_seconds(1)
            .send()
            .await
            .expect("ReceiveMessage");
        for m in got.messages() {
            sqs.delete_message()
                .queue_url(queue_url)
                .receipt_handle(m.receipt_handle().expect("a receipt handle"))
                .send()
                .await
                .expect("DeleteMessage");
            out.push(m.clone());
        }
    }
    out
}
