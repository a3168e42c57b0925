//! What `apply` and `destroy` share after planning: show the plans, stop on bad input and on rule
//! expectations that do not hold, confirm, let core carry out each org (several at a time, one
//! progress bar each) and report.

use std::time::Instant;

use futures_util::StreamExt;
use gcbridge_core::{
    step_label, ApplyEvent, ConvergeEvent, ConvergeOptions, DestinationOutcome, EXPECT_FIX,
};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::confirm::confirm;
use crate::failure::{CmdResult, Failure, EXIT_FAILURE, EXIT_USAGE};
use crate::fleet::{any_usage_error, OrgPlanned, OrgTarget};
use crate::output::print_json;
use crate::progress::{Bars, Progress};
use crate::render_outcomes::Report;
use crate::render_plan;

/// How `apply` and `destroy` differ here.
pub struct How {
    /// When the command began reading the orgs: the summary's time is the whole run's, not only
    /// the writes' (with many orgs, reading and planning them is most of it).
    pub started: Instant,
    pub auto_approve: bool,
    /// Orgs in flight at once.
    pub parallel: usize,
    pub verb: &'static str,
}

pub async fn carry_out(
    global: &GlobalArgs,
    targets: &[OrgTarget],
    planned: Vec<Result<OrgPlanned, Failure>>,
    options: &ConvergeOptions,
    how: How,
) -> CmdResult {
    let json = global.output == OutputFormat::Json;
    if !json {
        render_plan::show(targets, &planned);
    }
    let changes = render_plan::any_changes(&planned);
    if any_usage_error(&planned) {
        // Bad input in any org: change nothing anywhere.
        if json {
            let orgs = render_plan::plan_json(targets, &planned);
            let failed = planned.iter().filter(|r| r.is_err()).count();
            print_json(&serde_json::json!({ "orgs": orgs, "changed": false, "failed": failed }));
        }
        return Err(Failure::exit(EXIT_USAGE));
    }
    let failed_expectations = render_plan::failed_expectations(&planned);
    if failed_expectations > 0 {
        // The file says what its rules must match: a plan that breaks that is not carried out.
        if json {
            let orgs = render_plan::plan_json(targets, &planned);
            print_json(
                &serde_json::json!({ "orgs": orgs, "changed": false, "failed": failed_expectations }),
            );
            return Err(Failure::exit(EXIT_FAILURE));
        }
        return Err(Failure::failed(format!(
            "{failed_expectations} rule expectation(s) do not hold (see the plan above); nothing was changed: {EXPECT_FIX}"
        )));
    }
    let plan_failures = planned.iter().filter(|r| r.is_err()).count();
    if !changes && options.wait.is_none() {
        if json {
            let orgs = render_plan::plan_json(targets, &planned);
            print_json(
                &serde_json::json!({ "orgs": orgs, "changed": false, "failed": plan_failures }),
            );
        }
        return match plan_failures {
            0 => Ok(()),
            _ => Err(Failure::exit(EXIT_FAILURE)),
        };
    }
    let verb = how.verb;
    let asked = Instant::now();
    if changes
        && !how.auto_approve
        && !confirm(&format!("{verb} these changes?"), "--auto-approve")?
    {
        return Err(Failure::failed(format!(
            "{} cancelled; nothing was changed",
            verb.to_lowercase()
        )));
    }
    // The time spent waiting for a person's answer is not the run's.
    let answering = asked.elapsed();
    let started = Instant::now();
    let results = execute(targets, &planned, options, how.parallel).await;
    let report = Report {
        targets,
        planned: &planned,
        results: &results,
    };
    if json {
        report.print_json();
    } else {
        let whole = how.started.elapsed().saturating_sub(answering);
        report.print_human(verb, whole, started.elapsed());
    }
    match report.failed() {
        0 => Ok(()),
        _ => Err(Failure::exit(EXIT_FAILURE)),
    }
}

/// Every org that could be planned, carried out by core; results in the targets' order.
async fn execute(
    targets: &[OrgTarget],
    planned: &[Result<OrgPlanned, Failure>],
    options: &ConvergeOptions,
    parallel: usize,
) -> Vec<Vec<DestinationOutcome>> {
    let bars = Bars::new();
    let bars = &bars;
    futures_util::stream::iter(targets.iter().zip(planned).map(|(t, r)| async move {
        let Ok(p) = r else { return vec![] };
        let progress = bars.org(&t.spec.name, p.plan.genesys_step_count() as u64);
        let observe = |e: ConvergeEvent<'_>| show_event(&progress, &t.spec.name, e);
        let outcomes =
            gcbridge_core::carry_out(&p.session.client, &p.plan, options, &observe).await;
        progress.finish();
        outcomes
    }))
    .buffered(parallel.max(1))
    .collect()
    .await
}

fn show_event(progress: &Progress, org: &str, e: ConvergeEvent<'_>) {
    match e {
        ConvergeEvent::Genesys(ApplyEvent::StepStarted { destination, step }) => {
            progress.step(destination, step_label(step))
        }
        ConvergeEvent::Genesys(ApplyEvent::StepDone { .. }) => progress.inc(),
        ConvergeEvent::Genesys(ApplyEvent::Conflict { destination, round }) => progress.line(&format!(
            "org \"{org}\" destination \"{destination}\": the config was edited by someone else meanwhile; re-reading it (round {round})"
        )),
        ConvergeEvent::Genesys(ApplyEvent::Waiting { destination, state }) => {
            progress.step(destination, &format!("state {state}"))
        }
        ConvergeEvent::AwsStarted { destination, actions } => progress.step(
            &format!("{destination} (AWS)"),
            &format!("{actions} AWS change(s)"),
        ),
        ConvergeEvent::AwsActionDone { destination, action } => {
            progress.line(&format!("{destination} (AWS): {action}"))
        }
    }
}
