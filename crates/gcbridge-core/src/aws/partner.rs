//! The partner event source Genesys creates, and the bus that associates it.

use std::time::{Duration, Instant};

use aws_sdk_eventbridge::operation::describe_event_source::DescribeEventSourceOutput;
use aws_sdk_eventbridge::types::EventSourceState;

use super::clients::AwsClients;
use super::error::{unless_missing, AwsError};

/// The partner event source as the customer account sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceState {
    /// Genesys has not created it (or it was removed).
    Missing,
    /// Created, not associated with a bus: its events are dropped.
    Pending,
    Active,
    /// Deleted by the partner; a new one appears when the integration is enabled again.
    Deleted,
    Other(String),
}

impl SourceState {
    pub fn label(&self) -> &str {
        match self {
            SourceState::Missing => "missing",
            SourceState::Pending => "PENDING",
            SourceState::Active => "ACTIVE",
            SourceState::Deleted => "DELETED",
            SourceState::Other(s) => s,
        }
    }
}

pub async fn source_state(aws: &AwsClients, name: &str) -> Result<SourceState, AwsError> {
    let Some(out) = describe_source(aws, name).await? else {
        return Ok(SourceState::Missing);
    };
    Ok(match out.state() {
        Some(EventSourceState::Active) => SourceState::Active,
        Some(EventSourceState::Pending) => SourceState::Pending,
        Some(EventSourceState::Deleted) => SourceState::Deleted,
        Some(other) => SourceState::Other(other.as_str().to_string()),
        None => SourceState::Other("unknown".into()),
    })
}

/// When AWS deletes the source if no bus is created from it: DescribeEventSource's
/// ExpirationTime, which a PENDING source carries (none when it has none, or is missing).
pub async fn expiration(
    aws: &AwsClients,
    name: &str,
) -> Result<Option<time::OffsetDateTime>, AwsError> {
    Ok(describe_source(aws, name).await?.and_then(|out| {
        let at = out.expiration_time()?;
        time::OffsetDateTime::from_unix_timestamp(at.secs()).ok()
    }))
}

/// DescribeEventSource; `None` when there is no such source.
async fn describe_source(
    aws: &AwsClients,
    name: &str,
) -> Result<Option<DescribeEventSourceOutput>, AwsError> {
    unless_missing(
        aws.events.describe_event_source().name(name).send().await,
        |e| e.is_resource_not_found_exception(),
        || format!("events:DescribeEventSource {name}"),
    )
}

/// The bus's ARN when a bus of that name exists.
pub async fn bus_arn(aws: &AwsClients, name: &str) -> Result<Option<String>, AwsError> {
    let out = unless_missing(
        aws.events.describe_event_bus().name(name).send().await,
        |e| e.is_resource_not_found_exception(),
        || format!("events:DescribeEventBus {name}"),
    )?;
    Ok(out.and_then(|o| o.arn))
}

/// Waits until Genesys has created the source (it does so once the integration is ACTIVE).
pub async fn wait_for_source(
    aws: &AwsClients,
    name: &str,
    limit: Duration,
) -> Result<SourceState, AwsError> {
    let started = Instant::now();
    loop {
        let state = source_state(aws, name).await?;
        if matches!(state, SourceState::Pending | SourceState::Active) {
            return Ok(state);
        }
        if started.elapsed() >= limit {
            return Err(AwsError::new(format!(
                "the partner event source {name} did not appear in {} within {}s (state: {}); check that the integration is ACTIVE and that its account and region are this account and region",
                aws.region,
                limit.as_secs(),
                state.label()
            )));
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Creates the partner event bus from the source (the association).
pub async fn associate(aws: &AwsClients, name: &str) -> Result<String, AwsError> {
    let out = aws
        .events
        .create_event_bus()
        .name(name)
        .event_source_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:CreateEventBus {name}"), e))?;
    Ok(out.event_bus_arn().unwrap_or_default().to_string())
}

pub async fn delete_bus(aws: &AwsClients, name: &str) -> Result<(), AwsError> {
    // DeleteEventBus of a missing bus succeeds in AWS: deleting is idempotent already.
    aws.events
        .delete_event_bus()
        .name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:DeleteEventBus {name}"), e))?;
    Ok(())
}
