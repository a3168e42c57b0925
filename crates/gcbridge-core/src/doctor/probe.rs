//! `--probe`: listens on the bus through a temporary queue and rule for some seconds and counts the
//! events per topic template, proving the whole chain with real traffic. The queue and rule are
//! removed again, also when receiving fails; a signal that ends the command drops this work and
//! the binary removes them (`cleanup_listeners`), and their names say when they expire.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::aws::temporary;
use crate::aws::{AwsClients, AwsError, TempListener};

use super::check_id::CheckId;
use super::report::Report;

/// Listens on `bus` for `seconds` and reports what arrived.
pub(super) async fn probe(report: &mut Report, aws: &AwsClients, bus: &str, seconds: u64) {
    let ttl = temporary::lifetime(Some(seconds));
    let listener = match TempListener::create(aws, bus, "probe", ttl).await {
        Ok(l) => l,
        Err(e) => {
            report.fail(
                CheckId::Probe,
                e.to_string(),
                e.advice("check the AWS permissions to create an SQS queue and a rule"),
            );
            return;
        }
    };
    let received = listen(&listener, seconds).await;
    let cleanup = listener.cleanup().await;
    match received {
        Err(e) => report.fail(
            CheckId::Probe,
            e.to_string(),
            e.advice("check the AWS permissions sqs:ReceiveMessage"),
        ),
        Ok(counts) if counts.is_empty() => report.fail(
            CheckId::Probe,
            format!("no event reached the bus in {seconds}s"),
            "if every check above passes, there may simply have been no activity on the subscribed topics; probe longer or generate activity",
        ),
        Ok(counts) => {
            let total: usize = counts.values().sum();
            let per_topic: Vec<String> = counts.iter().map(|(t, n)| format!("{t}: {n}")).collect();
            report.pass(
                CheckId::Probe,
                format!("{total} event(s) in {seconds}s ({})", per_topic.join(", ")),
            );
        }
    }
    if let Err(e) = cleanup {
        report.warn(
            CheckId::ProbeCleanup,
            format!(
                "could not remove the temporary queue or rule {}: {e}",
                listener.rule
            ),
            None,
        );
    }
}

/// Events per `detail-type` until the deadline; short receive waits so the deadline is kept.
async fn listen(
    listener: &TempListener,
    seconds: u64,
) -> Result<BTreeMap<String, usize>, AwsError> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    while Instant::now() < deadline {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .as_secs()
            .min(5) as i32;
        for e in listener.receive(left.max(1)).await? {
            let topic = e["detail-type"]
                .as_str()
                .unwrap_or("(no detail-type)")
                .to_string();
            *counts.entry(topic).or_default() += 1;
        }
    }
    Ok(counts)
}
