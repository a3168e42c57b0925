//! `gcbridge replay NAME --from TIME --to TIME [--rule R]...`: replays a window of the
//! destination's archive onto its partner bus (StartReplay), waits for it with a progress bar
//! (DescribeReplay's EventLastReplayedTime within the window), and reports how many events were
//! replayed: EventBridge gives no count, so core counts them with a temporary rule and queue
//! (`gcbridge_core::run_replay`). Ctrl-C (SIGINT, SIGTERM, SIGHUP) cancels the replay
//! (CancelReplay), removes the temporary rule and queue and exits 130 (143, 129).

use std::time::{Duration, Instant};

use gcbridge_core::{
    check_rule_name, prepare_replay, rfc3339, run_replay, sweep_expired_temporary,
};
use gcbridge_core::{ReplayOutcome, ReplayPlan, ReplayProgress, Window};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat, ReplayArgs};
use crate::commands::tail::destination_bus;
use crate::escape::{field, outln};
use crate::failure::{CmdResult, Failure};
use crate::output::{note, print_json, stderr_is_terminal};

/// How gcbridge counts, for the report: the API gives no count.
const COUNTED_BY: &str = "a temporary rule on the bus matching this replay's replay-name, into a temporary SQS queue (distinct event ids); EventBridge reports no count for a replay";

#[derive(Serialize)]
struct Report<'a> {
    destination: &'a str,
    bus: &'a str,
    archive: &'a str,
    archive_event_count: i64,
    replay: &'a str,
    from: String,
    to: String,
    /// The rules replayed to; empty means every rule of the bus.
    rules: &'a [String],
    state: &'a str,
    state_reason: Option<&'a str>,
    last_replayed: Option<String>,
    events_replayed: usize,
    counted_by: &'static str,
    duration_ms: u128,
}

pub async fn run(global: &GlobalArgs, args: &ReplayArgs) -> CmdResult {
    let window = Window::parse_now(&args.from, &args.to).map_err(Failure::usage)?;
    for rule in &args.rules {
        check_rule_name(rule).map_err(|e| Failure::usage(format!("--rule {rule}: {e}")))?;
    }
    let (aws, bus) = destination_bus(global, &args.select, &args.name).await?;
    let plan = prepare_replay(&aws, &args.name, &bus, &args.rules, window)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    for line in sweep_expired_temporary(&aws, &bus).await {
        note(line);
    }
    note(format!(
        "replaying [{}, {}) of archive {} ({} event(s) archived in all) onto {} ({})",
        rfc3339(window.from),
        rfc3339(window.to),
        plan.archive.name,
        plan.archive.event_count,
        bus,
        if args.rules.is_empty() {
            "every rule".to_string()
        } else {
            format!("rule(s) {}", args.rules.join(", "))
        }
    ));
    let started = Instant::now();
    let bar = Bar::new(window);
    let result = run_replay(&aws, &plan, Duration::from_secs(args.settle), &mut |p| {
        bar.show(&p)
    })
    .await;
    bar.finish();
    let outcome = result.map_err(|e| Failure::failed(e.to_string()))?;
    outcome.cleanup.iter().for_each(note);
    report(
        global.output,
        &args.name,
        &plan,
        &outcome,
        started.elapsed(),
    );
    match outcome.state.as_str() {
        "COMPLETED" => Ok(()),
        state => Err(Failure::failed(format!(
            "the replay {} ended {state}{}",
            outcome.replay,
            outcome
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        ))),
    }
}

fn report(output: OutputFormat, name: &str, plan: &ReplayPlan, o: &ReplayOutcome, took: Duration) {
    let doc = Report {
        destination: name,
        bus: &plan.bus,
        archive: &plan.archive.name,
        archive_event_count: plan.archive.event_count,
        replay: &o.replay,
        from: rfc3339(plan.window.from),
        to: rfc3339(plan.window.to),
        rules: &plan.rules,
        state: &o.state,
        state_reason: o.reason.as_deref(),
        last_replayed: o.last_replayed.map(rfc3339),
        events_replayed: o.events_replayed,
        counted_by: COUNTED_BY,
        duration_ms: took.as_millis(),
    };
    match output {
        OutputFormat::Json => print_json(&doc),
        OutputFormat::Human => {
            outln!(
                "replay {} {}: {} event(s) replayed of [{}, {}) in {:.1} s",
                field(doc.replay),
                doc.state,
                doc.events_replayed,
                doc.from,
                doc.to,
                took.as_secs_f64()
            );
            outln!("  (counted by {COUNTED_BY})");
        }
    }
}

/// The progress of one replay: a bar over the window on a terminal, plain lines otherwise.
struct Bar {
    bar: Option<ProgressBar>,
    window: Window,
    /// Without a terminal: the state last written, so a line is written per change, not per poll.
    last: std::sync::Mutex<String>,
}

impl Bar {
    fn new(window: Window) -> Bar {
        let bar = stderr_is_terminal().then(|| {
            let bar = ProgressBar::new(1000);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} replay [{bar:30}] {percent:>3}% {wide_msg}",
                )
                .expect("the progress template is valid")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Bar {
            bar,
            window,
            last: Default::default(),
        }
    }

    fn show(&self, p: &ReplayProgress) {
        let (position, message) = match p {
            ReplayProgress::Started { replay, counter } => (
                None,
                format!("started {replay} (counting with temporary rule {counter})"),
            ),
            ReplayProgress::Status { status, counted } => (
                status.last_replayed.map(|t| self.window.fraction(t)),
                format!(
                    "{}{}, {counted} event(s) counted",
                    status.state,
                    status
                        .last_replayed
                        .map(|t| format!(", replayed up to {}", rfc3339(t)))
                        .unwrap_or_default()
                ),
            ),
            ReplayProgress::Settling { counted } => (
                None,
                format!("ended; waiting for the last events to arrive ({counted} counted)"),
            ),
        };
        match &self.bar {
            Some(bar) => {
                if let Some(f) = position {
                    bar.set_position((f * 1000.0) as u64);
                }
                bar.set_message(crate::escape::lines(&message).into_owned());
            }
            None => {
                let state = match p {
                    ReplayProgress::Status { status, .. } => status.state.clone(),
                    _ => message.clone(),
                };
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                if *last != state {
                    note(format!("replay: {message}"));
                    *last = state;
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
