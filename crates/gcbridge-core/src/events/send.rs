//! Putting sample events on a custom bus (events:PutEvents), in batches of the API's 10 entries.
//!
//! A partner source cannot be spoofed: PutEvents refuses sources starting with `aws.`. Sent
//! events keep the envelope's `detail-type` and `detail` exactly and take a custom source
//! ([`SEND_SOURCE`] unless told otherwise), so rules that match on `detail-type` or `detail` see
//! what Genesys would send; a rule matching the partner `source` does not match them.

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use serde_json::Value;

use crate::aws::{AwsClients, AwsError};

/// The default source of sent events.
pub const SEND_SOURCE: &str = "gcbridge.sample";

/// The most entries one PutEvents call takes.
const BATCH: usize = 10;

/// What PutEvents answered, over every batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
    /// The failed entries' error codes and messages, as AWS gave them.
    pub errors: Vec<String>,
}

/// Why a source cannot be used with PutEvents, if it cannot.
pub fn check_send_source(source: &str) -> Result<(), String> {
    if source.starts_with("aws.") {
        return Err(format!(
            "--source: \"{source}\" starts with `aws.`, which PutEvents refuses (only AWS and partners send such events); use a custom source such as {SEND_SOURCE}"
        ));
    }
    if source.is_empty() {
        return Err(format!(
            "--source: empty; use a custom source such as {SEND_SOURCE}"
        ));
    }
    Ok(())
}

/// Puts `events` (envelopes of [`super::Sampler`]) on `bus` (a name or ARN) with `source`.
pub async fn send(
    aws: &AwsClients,
    bus: &str,
    source: &str,
    events: &[Value],
) -> Result<SendReport, AwsError> {
    let mut report = SendReport::default();
    for batch in events.chunks(BATCH) {
        let entries: Vec<PutEventsRequestEntry> = batch
            .iter()
            .map(|e| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(bus)
                    .source(source)
                    .detail_type(e["detail-type"].as_str().unwrap_or_default())
                    .detail(e["detail"].to_string())
                    .build()
            })
            .collect();
        let out = aws
            .events
            .put_events()
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&format!("events:PutEvents {bus}"), e))?;
        let failed = usize::try_from(out.failed_entry_count()).unwrap_or(0);
        report.failed += failed;
        report.sent += batch.len() - failed.min(batch.len());
        report.errors.extend(
            out.entries()
                .iter()
                .filter(|r| r.error_code().is_some())
                .map(|r| {
                    format!(
                        "{}: {}",
                        r.error_code().unwrap_or_default(),
                        r.error_message().unwrap_or_default()
                    )
                }),
        );
    }
    Ok(report)
}
