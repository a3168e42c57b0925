//! `gcbridge replay`'s work in AWS: check that the destination has a bus, an archive and the rules
//! named ([`prepare`]), then replay the window and count what it re-delivers ([`run`]).
//!
//! EventBridge reports no count for a replay (DescribeReplay gives its state and the time of the
//! last event replayed; the archive's EventCount is the whole archive). So gcbridge counts: a
//! temporary rule on the bus matching only this replay's events (`replay-name`, which EventBridge
//! adds to every replayed event) sends them to a temporary queue, and the count is the distinct
//! event ids that queue receives until the replay has ended and the queue stayed quiet for a
//! moment. With `--rule`, the counting rule is added to the replay's FilterArns.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::archive::{self, LiveArchive};
use super::clients::AwsClients;
use super::error::AwsError;
use super::listener::TempListener;
use super::replay::{self, ReplayStatus};
use super::{partner, rules, temporary};
use crate::window::Window;

/// What one replay will do, checked against the account.
#[derive(Debug, Clone)]
pub struct ReplayPlan {
    /// The partner bus (named like its source).
    pub bus: String,
    pub bus_arn: String,
    pub archive: LiveArchive,
    /// The rules named with `--rule` (every rule of the bus when empty), and their ARNs.
    pub rules: Vec<String>,
    pub filter_arns: Vec<String>,
    pub window: Window,
}

/// The bus, its archive and the rules named must exist; each missing one is an error that says
/// how to get it.
pub async fn prepare(
    aws: &AwsClients,
    destination: &str,
    bus: &str,
    rule_names: &[String],
    window: Window,
) -> Result<ReplayPlan, AwsError> {
    let Some(bus_arn) = partner::bus_arn(aws, bus).await? else {
        return Err(AwsError::new(format!(
            "the partner event source {bus} is not associated with an event bus, so there is no archive to replay; run `gcbridge doctor {destination}`"
        )));
    };
    let name = archive::archive_name(bus);
    let Some(archive) = archive::describe(aws, &name).await? else {
        return Err(AwsError::new(format!(
            "destination {destination} has no archive ({name}): add archive = {{ retention_days = 30 }} to its [destination.aws] and run gcbridge apply; only events that arrive after that can be replayed"
        )));
    };
    let live = rules::list_rules(aws, bus).await?;
    let mut filter_arns = Vec::new();
    for wanted in rule_names {
        match live.iter().find(|r| &r.name == wanted) {
            Some(r) => filter_arns.push(r.arn.clone()),
            None => {
                let mut names: Vec<&str> = live
                    .iter()
                    .map(|r| r.name.as_str())
                    .filter(|n| !temporary::is_temporary_name(n))
                    .collect();
                names.sort();
                return Err(AwsError::new(format!(
                    "--rule {wanted}: no rule of that name on {bus}; its rules: {}",
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                )));
            }
        }
    }
    Ok(ReplayPlan {
        bus: bus.to_string(),
        bus_arn,
        archive,
        rules: rule_names.to_vec(),
        filter_arns,
        window,
    })
}

/// What a running replay reports as it goes.
#[derive(Debug, Clone)]
pub enum ReplayProgress {
    /// StartReplay was accepted.
    Started { replay: String, counter: String },
    /// Its state, and how many replayed events were counted so far.
    Status {
        status: ReplayStatus,
        counted: usize,
    },
    /// It ended; gcbridge waits for the last events to reach the counting queue.
    Settling { counted: usize },
}

/// How a replay ended.
#[derive(Debug, Clone)]
pub struct ReplayOutcome {
    pub replay: String,
    pub state: String,
    pub reason: Option<String>,
    pub last_replayed: Option<OffsetDateTime>,
    /// Distinct replayed events that reached the bus, counted by the temporary rule.
    pub events_replayed: usize,
    /// What the temporary rule and queue's cleanup removed.
    pub cleanup: Vec<String>,
}

/// Replays the plan's window and counts it; `settle` is how long the counting queue must stay
/// quiet after the replay ended. The temporary rule and queue are removed whatever happens.
pub async fn run(
    aws: &AwsClients,
    plan: &ReplayPlan,
    settle: Duration,
    on: &mut (dyn FnMut(ReplayProgress) + Send),
) -> Result<ReplayOutcome, AwsError> {
    let name = replay::replay_name(&plan.archive.name, OffsetDateTime::now_utc());
    let pattern = serde_json::json!({ "replay-name": [name] }).to_string();
    let lifetime = temporary::lifetime(None);
    let counter =
        TempListener::create_matching(aws, &plan.bus, "replay", lifetime, &pattern).await?;
    let result = replay_and_count(aws, plan, &name, &counter, settle, on).await;
    replay::finished(&name);
    let cleanup = counter.cleanup().await;
    let mut outcome = result?;
    outcome.cleanup = cleanup?;
    Ok(outcome)
}

async fn replay_and_count(
    aws: &AwsClients,
    plan: &ReplayPlan,
    name: &str,
    counter: &TempListener,
    settle: Duration,
    on: &mut (dyn FnMut(ReplayProgress) + Send),
) -> Result<ReplayOutcome, AwsError> {
    let mut filter = plan.filter_arns.clone();
    if !filter.is_empty() {
        // Only the named rules get the replay: the counting rule must be one of them.
        filter.push(format!(
            "{}/{}",
            plan.bus_arn.replacen(":event-bus/", ":rule/", 1),
            counter.rule
        ));
    }
    let archive_arn = &plan.archive.arn;
    replay::start(aws, name, archive_arn, &plan.bus_arn, &plan.window, &filter).await?;
    on(ReplayProgress::Started {
        replay: name.to_string(),
        counter: counter.rule.clone(),
    });
    let mut ids = HashSet::new();
    let mut anonymous = 0;
    let status = loop {
        let status = replay::status(aws, name).await?;
        count(counter, 1, &mut ids, &mut anonymous).await?;
        let ended = status.ended();
        on(ReplayProgress::Status {
            status: status.clone(),
            counted: ids.len() + anonymous,
        });
        if ended {
            break status;
        }
    };
    on(ReplayProgress::Settling {
        counted: ids.len() + anonymous,
    });
    let mut quiet_since = Instant::now();
    while quiet_since.elapsed() < settle {
        if count(counter, 1, &mut ids, &mut anonymous).await? > 0 {
            quiet_since = Instant::now();
        }
    }
    Ok(ReplayOutcome {
        replay: name.to_string(),
        state: status.state,
        reason: status.reason,
        last_replayed: status.last_replayed,
        events_replayed: ids.len() + anonymous,
        cleanup: Vec::new(),
    })
}

/// Receives what the counting queue holds (waiting up to `wait_secs`); returns how many arrived.
/// SQS may deliver a message twice, so events count once by id.
async fn count(
    counter: &TempListener,
    wait_secs: i32,
    ids: &mut HashSet<String>,
    anonymous: &mut usize,
) -> Result<usize, AwsError> {
    let events = counter.receive(wait_secs).await?;
    for e in &events {
        match e["id"].as_str() {
            Some(id) => {
                ids.insert(id.to_string());
            }
            None => *anonymous += 1,
        }
    }
    Ok(events.len())
}
