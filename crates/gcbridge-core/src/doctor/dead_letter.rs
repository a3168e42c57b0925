//! A rule's dead-letter queues: without one an event a target never took is lost (a warning);
//! each queue must let the rule send to it (its queue policy) and, when it holds messages, events
//! were already lost to their target (a failure with the count and the oldest one's age).

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};

use crate::aws::delivery::{self, Access};
use crate::aws::policy_eval::Verdict;
use crate::aws::rules::LiveRule;
use crate::aws::sqs_policy;
use crate::aws::AwsError;
use crate::desired::TargetKind;
use crate::source_id::rule_arn;

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;

pub(super) async fn rule_dead_letters(report: &mut Report, d: &Destination<'_>, rule: &LiveRule) {
    let at = || CheckId::DeadLetter.on(&rule.name);
    let without: Vec<&str> = rule
        .targets
        .iter()
        .filter(|t| t.settings.dead_letter_queue.is_none())
        .map(|t| t.id.as_str())
        .collect();
    if !without.is_empty() {
        report.warn(
            at(),
            format!("target(s) {} have no dead-letter queue: an event they never take is lost without a trace", without.join(", ")),
            Some("set dead_letter_queue = \"arn:aws:sqs:...\" on the rule (or the target) and run gcbridge apply".into()),
        );
    }
    let arn = if rule.arn.is_empty() {
        rule_arn(d.region, d.account, &d.source, &rule.name)
    } else {
        rule.arn.clone()
    };
    let mut queues: Vec<&str> = Vec::new();
    for q in rule
        .targets
        .iter()
        .filter_map(|t| t.settings.dead_letter_queue.as_deref())
    {
        if !queues.contains(&q) {
            queues.push(q);
        }
    }
    for queue in queues {
        match queue_state(d, queue, &arn).await {
            Ok(state) => judge(report, (&rule.name, &arn), queue, state),
            Err(e) => report.fail(
                CheckId::DeadLetter.on(queue),
                e.to_string(),
                e.advice("check the AWS permissions to read the queue (sqs:GetQueueAttributes, sqs:ReceiveMessage)"),
            ),
        }
    }
}

/// What doctor found of one dead-letter queue.
enum QueueState {
    Missing,
    Verdict(Verdict, Held),
}

/// Messages waiting in the queue and the age in seconds of the oldest one seen.
struct Held {
    count: u64,
    oldest_secs: Option<u64>,
}

async fn queue_state(
    d: &Destination<'_>,
    queue: &str,
    rule_arn: &str,
) -> Result<QueueState, AwsError> {
    let Access::Decided(verdict) = delivery::check(d.aws, TargetKind::Sqs, queue, rule_arn).await?
    else {
        return Ok(QueueState::Missing);
    };
    let Some(url) = sqs_policy::queue_url(d.aws, queue).await? else {
        return Ok(QueueState::Missing);
    };
    Ok(QueueState::Verdict(verdict, held(d, &url).await?))
}

/// The queue's message count, and the oldest of the messages peeked (a zero visibility timeout
/// leaves them where they are for whoever drains the queue).
async fn held(d: &Destination<'_>, url: &str) -> Result<Held, AwsError> {
    let count = QueueAttributeName::ApproximateNumberOfMessages;
    let count: u64 = sqs_policy::queue_attribute(d.aws, url, count)
        .await?
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if count == 0 {
        return Ok(Held {
            count,
            oldest_secs: None,
        });
    }
    let peek = d
        .aws
        .sqs
        .receive_message()
        .queue_url(url)
        .max_number_of_messages(10)
        .visibility_timeout(0)
        .message_system_attribute_names(MessageSystemAttributeName::SentTimestamp)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("sqs:ReceiveMessage", e))?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |t| t.as_millis() as u64);
    let oldest_secs = peek
        .messages()
        .iter()
        .filter_map(|m| {
            m.attributes()?
                .get(&MessageSystemAttributeName::SentTimestamp)?
                .parse::<u64>()
                .ok()
        })
        .min()
        .map(|sent| now_ms.saturating_sub(sent) / 1000);
    Ok(Held { count, oldest_secs })
}

fn judge(report: &mut Report, (rule, rule_arn): (&str, &str), queue: &str, state: QueueState) {
    let at = || CheckId::DeadLetter.on(queue);
    let (verdict, held) = match state {
        QueueState::Missing => {
            return report.fail(
                at(),
                "the dead-letter queue does not exist: events a target never took are lost",
                "create the queue or fix dead_letter_queue, then run gcbridge apply",
            )
        }
        QueueState::Verdict(v, held) => (v, held),
    };
    if !matches!(verdict, Verdict::Allowed) {
        return report.fail(
            at(),
            format!("the queue policy does not let EventBridge (rule {rule}) send to its dead-letter queue; missing: {}", delivery::grant(TargetKind::Sqs, queue, rule_arn)),
            "run gcbridge apply (it adds the statement)",
        );
    }
    if held.count > 0 {
        let age = held
            .oldest_secs
            .map_or(String::new(), |s| format!(", the oldest {s}s old"));
        return report.fail(
            at(),
            format!("holds {} event(s) a target of rule {rule} never took{age}", held.count),
            "find why the target refused them (its permission, its role, its quota), then redrive or read the queue",
        );
    }
    report.pass(at(), format!("exists, lets rule {rule} send, and is empty"));
}
