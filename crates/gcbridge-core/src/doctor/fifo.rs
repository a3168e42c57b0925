//! An SQS FIFO queue target on the live rule: it carries a message group (the file's, with `-f`),
//! and the queue deduplicates by content. EventBridge sends no deduplication id of its own, so a
//! FIFO queue without content-based deduplication refuses every event it is sent.

use crate::aws::fifo;
use crate::aws::rules::LiveTarget;
use crate::aws::sqs_policy;

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;

pub(super) async fn fifo_target(
    report: &mut Report,
    d: &Destination<'_>,
    rule: &str,
    t: &LiveTarget,
) {
    if !fifo::is_fifo_queue(&t.arn) {
        return;
    }
    let at = || CheckId::FifoQueue.on(&t.arn);
    let Some(have) = t.settings.message_group_id.as_deref() else {
        report.fail(
            at(),
            "the target has no message group (SqsParameters.MessageGroupId): EventBridge cannot send to a FIFO queue without one",
            "set message_group_id = \"genesys\" on the target in the file and run gcbridge apply",
        );
        return;
    };
    let wanted = d
        .managed
        .and_then(|spec| spec.rules.iter().find(|r| r.name == rule))
        .and_then(|r| r.targets.iter().find(|x| x.arn == t.arn))
        .and_then(|x| x.settings.message_group_id.as_deref());
    if let Some(want) = wanted.filter(|w| *w != have) {
        report.fail(
            at(),
            format!("the target's message group is \"{have}\", the file says \"{want}\""),
            "run gcbridge apply (it puts the target again with the file's message group)",
        );
        return;
    }
    let url = match sqs_policy::queue_url(d.aws, &t.arn).await {
        Ok(Some(url)) => url,
        Ok(None) => return, // the target check already says the queue does not exist
        Err(e) => {
            let fix = e.advice("check the AWS permissions to read the queue (sqs:GetQueueUrl)");
            report.fail(at(), e.to_string(), fix);
            return;
        }
    };
    match fifo::deduplicates_by_content(d.aws, &url).await {
        Ok(true) => report.pass(
            at(),
            format!("message group \"{have}\", and the queue deduplicates by content"),
        ),
        Ok(false) => report.fail(
            at(),
            "the FIFO queue does not deduplicate by content: EventBridge sends no deduplication id, so the queue refuses every event (it goes to the dead-letter queue, or is lost)",
            format!("aws sqs set-queue-attributes --queue-url {url} --attributes ContentBasedDeduplication=true"),
        ),
        Err(e) => {
            let fix = e.advice("check the AWS permissions to read the queue (sqs:GetQueueAttributes)");
            report.fail(at(), e.to_string(), fix);
        }
    }
}
