//! The demo's AWS side (`gcbridge demo`): the two targets its rules deliver to (an SQS queue and a
//! CloudWatch Logs group), reading back what arrived, breaking the association on purpose (the
//! tutorial's "events not appearing") and removing what the demo made. The rules, permissions
//! and the association themselves are converge's, as for every destination; this module only
//! adds what a user would already have in their account.

use std::time::{Duration, Instant};

use aws_sdk_sqs::types::QueueAttributeName;

use crate::aws::partner::{self, SourceState};
use crate::aws::{rules, sweep, AwsClients, AwsError};

/// The demo's targets, by name and ARN.
#[derive(Debug, Clone)]
pub struct DemoTargets {
    pub queue_url: String,
    pub queue_arn: String,
    pub log_group: String,
    pub log_group_arn: String,
}

/// Creates the queue and the log group `name` (no policies: the apply adds the delivery
/// permissions, as it does for a user's own targets).
pub async fn create_targets(aws: &AwsClients, name: &str) -> Result<DemoTargets, AwsError> {
    let queue_url = aws
        .sqs
        .create_queue()
        .queue_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("sqs:CreateQueue {name}"), e))?
        .queue_url()
        .unwrap_or_default()
        .to_string();
    let queue_arn =
        crate::aws::sqs_policy::queue_attribute(aws, &queue_url, QueueAttributeName::QueueArn)
            .await?
            .ok_or_else(|| AwsError::new(format!("sqs:GetQueueAttributes {name}: no QueueArn")))?;
    let log_group = format!("/aws/events/{name}");
    aws.logs
        .create_log_group()
        .log_group_name(&log_group)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("logs:CreateLogGroup {log_group}"), e))?;
    let account = crate::aws::sqs_policy::queue_of_arn(&queue_arn)
        .map(|(account, _)| account)
        .unwrap_or_default();
    let log_group_arn = format!(
        "arn:aws:logs:{}:{account}:log-group:{log_group}",
        aws.region
    );
    Ok(DemoTargets {
        queue_url,
        queue_arn,
        log_group,
        log_group_arn,
    })
}

/// Receives (and deletes) the queue's messages until `want` arrived or `limit` passed; their
/// bodies, in arrival order.
pub async fn receive_events(
    aws: &AwsClients,
    queue_url: &str,
    want: usize,
    limit: Duration,
) -> Result<Vec<String>, AwsError> {
    let started = Instant::now();
    let mut bodies = Vec::new();
    while bodies.len() < want && started.elapsed() < limit {
        let out = aws
            .sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("sqs:ReceiveMessage", e))?;
        for m in out.messages() {
            bodies.push(m.body().unwrap_or_default().to_string());
            if let Some(handle) = m.receipt_handle() {
                let _ = aws
                    .sqs
                    .delete_message()
                    .queue_url(queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await;
            }
        }
    }
    Ok(bodies)
}

/// How many events the log group holds, over all its streams.
pub async fn log_event_count(aws: &AwsClients, log_group: &str) -> Result<usize, AwsError> {
    let out = aws
        .logs
        .filter_log_events()
        .log_group_name(log_group)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("logs:FilterLogEvents {log_group}"), e))?;
    Ok(out.events().len())
}

/// Deletes the partner event bus (its rules first, as EventBridge requires), as someone cleaning
/// up by hand would: the source goes back to PENDING and its events are dropped. The source's
/// state afterwards. Each rule goes with its targets first (`rules::delete_rule`).
pub async fn break_association(aws: &AwsClients, source: &str) -> Result<SourceState, AwsError> {
    let on_bus = rules::sdk_rules(aws, source).await?;
    for rule in on_bus.iter().filter_map(|r| r.name()) {
        rules::delete_rule(aws, source, rule).await?;
    }
    partner::delete_bus(aws, source).await?;
    partner::source_state(aws, source).await
}

/// Waits until Genesys has created the partner event source; its state (PENDING before the
/// association).
pub async fn wait_for_source(
    aws: &AwsClients,
    source: &str,
    limit: Duration,
) -> Result<SourceState, AwsError> {
    partner::wait_for_source(aws, source, limit).await
}

/// Removes the demo's targets (best effort: the caller reports what failed).
pub async fn remove_targets(aws: &AwsClients, targets: &DemoTargets) -> Vec<AwsError> {
    let mut failed = Vec::new();
    if let Err(e) = sweep::delete_queue(aws, &targets.queue_url).await {
        failed.push(e);
    }
    if let Err(e) = aws
        .logs
        .delete_log_group()
        .log_group_name(&targets.log_group)
        .send()
        .await
    {
        failed.push(AwsError::from_sdk("logs:DeleteLogGroup", e));
    }
    failed
}
