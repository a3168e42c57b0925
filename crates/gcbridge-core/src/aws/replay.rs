//! One EventBridge replay of a destination's archive: StartReplay, DescribeReplay, CancelReplay.
//!
//! Every replay this process started and that has not ended is registered here, so that a
//! command ended by a signal (its work dropped mid-call) can still cancel it: [`cancel_all`]. A
//! replay left running would go on re-delivering events after the user pressed Ctrl-C.

use std::sync::Mutex;
use std::time::Duration;

use aws_sdk_eventbridge::error::ProvideErrorMetadata;
use aws_sdk_eventbridge::primitives::DateTime;
use aws_sdk_eventbridge::types::{ReplayDestination, ReplayState};
use time::OffsetDateTime;

use super::clients::AwsClients;
use super::error::AwsError;
use crate::window::Window;

/// AWS's longest replay name (StartReplay: 1 to 64 of letters, digits, `.`, `-`, `_`).
const NAME_MAX: usize = 64;

/// The replays of this process that have not ended, by name.
static RUNNING: Mutex<Vec<(AwsClients, String)>> = Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<(AwsClients, String)>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// `<archive>-<unix milliseconds>`: recognisably the archive's, and new on each run.
pub fn replay_name(archive: &str, now: OffsetDateTime) -> String {
    let millis = (now.unix_timestamp_nanos() / 1_000_000).to_string();
    let room = NAME_MAX - 1 - millis.len();
    format!("{}-{millis}", &archive[..archive.len().min(room)])
}

fn sdk_time(t: OffsetDateTime) -> DateTime {
    DateTime::from_secs_and_nanos(t.unix_timestamp(), t.nanosecond())
}

fn from_sdk_time(t: &DateTime) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t.secs())
        .ok()
        .map(|s| s + time::Duration::nanoseconds(i64::from(t.subsec_nanos())))
}

/// Starts replaying `window` of the archive onto `bus_arn`: to every rule of the bus, or only to
/// `filter_arns` when there are any. Registered until [`finished`] (or cancelled).
pub async fn start(
    aws: &AwsClients,
    name: &str,
    archive_arn: &str,
    bus_arn: &str,
    window: &Window,
    filter_arns: &[String],
) -> Result<(), AwsError> {
    let destination = ReplayDestination::builder()
        .arn(bus_arn)
        .set_filter_arns((!filter_arns.is_empty()).then(|| filter_arns.to_vec()))
        .build()
        .map_err(|e| AwsError::new(format!("building the replay destination: {e}")))?;
    running().push((aws.clone(), name.to_string()));
    let sent = aws
        .events
        .start_replay()
        .replay_name(name)
        .description("gcbridge replay")
        .event_source_arn(archive_arn)
        .event_start_time(sdk_time(window.from))
        .event_end_time(sdk_time(window.to))
        .destination(destination)
        .send()
        .await;
    if let Err(e) = sent {
        finished(name);
        return Err(AwsError::from_sdk(&format!("events:StartReplay {name}"), e));
    }
    Ok(())
}

/// The replay ended (or never started): nothing to cancel on a signal any more.
pub fn finished(name: &str) {
    running().retain(|(_, n)| n != name);
}

/// A replay as DescribeReplay answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayStatus {
    /// STARTING, RUNNING, CANCELLING, COMPLETED, CANCELLED or FAILED.
    pub state: String,
    pub reason: Option<String>,
    /// The time (in the window) of the last event replayed so far.
    pub last_replayed: Option<OffsetDateTime>,
}

impl ReplayStatus {
    /// COMPLETED, CANCELLED or FAILED: it replays nothing more.
    pub fn ended(&self) -> bool {
        matches!(self.state.as_str(), "COMPLETED" | "CANCELLED" | "FAILED")
    }
}

pub async fn status(aws: &AwsClients, name: &str) -> Result<ReplayStatus, AwsError> {
    let out = aws
        .events
        .describe_replay()
        .replay_name(name)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:DescribeReplay {name}"), e))?;
    Ok(ReplayStatus {
        state: out
            .state()
            .map(ReplayState::as_str)
            .unwrap_or("unknown")
            .to_string(),
        reason: out.state_reason().map(String::from),
        last_replayed: out.event_last_replayed_time().and_then(from_sdk_time),
    })
}

/// Cancels the replay; one that has ended already is not an error (there is nothing to stop).
/// Says what happened.
pub async fn cancel(aws: &AwsClients, name: &str) -> Result<String, AwsError> {
    let result = aws.events.cancel_replay().replay_name(name).send().await;
    finished(name);
    match result {
        Ok(_) => Ok(format!("cancelled the replay {name} (CancelReplay)")),
        Err(e) if e.code() == Some("IllegalStatusException") => Ok(format!(
            "the replay {name} had already ended: nothing to cancel"
        )),
        Err(e) => Err(AwsError::from_sdk(
            &format!("events:CancelReplay {name}"),
            e,
        )),
    }
}

/// Cancels every replay of this process that has not ended, within `limit` in all: for a command
/// ended by a signal. One line per replay, saying what happened or what to do.
pub async fn cancel_all(limit: Duration) -> Vec<String> {
    let all: Vec<(AwsClients, String)> = std::mem::take(&mut *running());
    let work = futures_util::future::join_all(all.iter().map(|(aws, name)| async move {
        match cancel(aws, name).await {
            Ok(line) => line,
            Err(e) => format!("could not cancel the replay {name}: {e}; cancel it with aws events cancel-replay --replay-name {name}"),
        }
    }));
    match tokio::time::timeout(limit, work).await {
        Ok(lines) => lines,
        Err(_) => all
            .iter()
            .map(|(_, name)| format!("could not cancel the replay {name} within {}s; cancel it with aws events cancel-replay --replay-name {name}", limit.as_secs()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn replay_names_fit_and_name_their_archive() {
        let now = datetime!(2026-12-03 10:00:00 UTC);
        let n = replay_name(&"a".repeat(48), now);
        assert!(n.len() <= NAME_MAX, "{n}");
        assert_eq!(
            replay_name("gcbridge-prod-1234abcd", now),
            "gcbridge-prod-1234abcd-1796292000000"
        );
        let t = datetime!(2026-12-03 10:00:00.25 UTC);
        assert_eq!(from_sdk_time(&sdk_time(t)), Some(t));
    }
}
