//! SQS FIFO queues as targets: EventBridge needs a message group for one (PutTargets refuses a FIFO
//! target without `SqsParameters`), delivers to it only when the queue deduplicates by content,
//! and takes only a standard queue as a dead-letter queue. docs/REAL-API.md has the sources.

use aws_sdk_sqs::types::QueueAttributeName;

use super::clients::AwsClients;
use super::error::AwsError;
use super::sqs_policy::{queue_attribute, queue_of_arn};

/// EventBridge's bound on `SqsParameters.MessageGroupId` (API reference, SqsParameters).
pub const MESSAGE_GROUP_MAX: usize = 100;

/// Whether `arn` is an SQS FIFO queue (a FIFO queue's name ends in `.fifo`, SQS enforces it).
pub fn is_fifo_queue(arn: &str) -> bool {
    queue_of_arn(arn).is_some_and(|(_, name)| name.ends_with(".fifo"))
}

/// A message group id: 1 to 100 characters, letters, digits and punctuation (SQS's alphabet for
/// MessageGroupId, within EventBridge's length).
pub fn check_message_group_id(group: &str) -> Result<(), String> {
    if group.is_empty()
        || group.len() > MESSAGE_GROUP_MAX
        || !group.chars().all(|c| c.is_ascii_graphic())
    {
        return Err(format!(
            "\"{group}\" is not a message group id: 1 to {MESSAGE_GROUP_MAX} letters, digits and punctuation"
        ));
    }
    Ok(())
}

/// Whether the queue at `url` has content-based deduplication on (EventBridge sends no
/// deduplication id of its own, so a FIFO queue without it refuses every event).
pub async fn deduplicates_by_content(aws: &AwsClients, url: &str) -> Result<bool, AwsError> {
    let dedup = queue_attribute(aws, url, QueueAttributeName::ContentBasedDeduplication).await?;
    Ok(dedup.is_some_and(|v| v.eq_ignore_ascii_case("true")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_queues_are_known_by_their_name() {
        assert!(is_fifo_queue(
            "arn:aws:sqs:us-east-1:123456789012:orders.fifo"
        ));
        assert!(!is_fifo_queue("arn:aws:sqs:us-east-1:123456789012:orders"));
        assert!(!is_fifo_queue("arn:aws:sns:us-east-1:123456789012:t.fifo"));
    }

    #[test]
    fn message_groups_are_bounded() {
        assert!(check_message_group_id("genesys").is_ok());
        assert!(check_message_group_id(&"g".repeat(100)).is_ok());
        assert!(check_message_group_id(&"g".repeat(101)).is_err());
        assert!(check_message_group_id("").is_err());
        assert!(check_message_group_id("two words").is_err());
    }
}
