//! What `apply` and `destroy` share once they know their orgs: plan them (holding each org's lock),
//! show the plans, stop on bad input and on rule expectations that do not hold, confirm, let core
//! carry out each org (several at a time, one progress bar each) and report.

use std::time::Instant;

use futures_util::StreamExt;
use gcbridge_core::{
    step_label, ApplyEvent, ConvergeEvent, ConvergeOptions, DestinationOutcome, Mode, EXPECT_FIX,
};

use crate::cli::{GlobalArgs, OutputFormat};
use crate::confirm::confirm;
use crate::failure::{CmdResult, Failure, EXIT_FAILURE, EXIT_USAGE};
use crate::fleet::{self, any_usage_error, OrgPlanned, OrgTarget};
use crate::output::{note, print_json};
use crate::progress::{Bars, Progress};
use crate::render_outcomes::Report;
use crate::render_plan;

/// How `apply` and `destroy` differ here.
pub struct How {
    /// When the command began reading the orgs: the summary's time is the whole run's, not only
    /// the writes' (with many orgs, reading and planning them is most of it).
    started: Instant,
    mode: Mode,
    auto_approve: bool,
    /// Orgs in flight at once (planning and carrying out).
    parallel: u16,
}

impl How {
    pub fn new(started: Instant, mode: Mode, auto_approve: bool, parallel: u16) -> How {
        How {
            started,
            mode,
            auto_approve,
            parallel,
        }
    }

    fn verb(&self) -> &'static str {
        match self.mode {
            Mode::Converge => "Apply",
            Mode::Destroy => "Destroy",
        }
    }
}

pub async fn carry_out(
    global: &GlobalArgs,
    targets: &[OrgTarget],
    options: &ConvergeOptions,
    how: How,
) -> CmdResult {
    let parallel = usize::from(how.parallel);
    let planned = plan(targets, options, &how).await;
    let json = global.output == OutputFormat::Json;
    if !json {
        render_plan::show(targets, &planned);
    }
    // Each early stop below changes nothing; in JSON it still prints the plans and what failed.
    let unchanged = |failed: usize| {
        if json {
            let orgs = render_plan::plan_json(targets, &planned);
            print_json(&serde_json::json!({ "orgs": orgs, "changed": false, "failed": failed }));
        }
    };
    let changes = render_plan::any_changes(&planned);
    let plan_failures = planned.iter().filter(|r| r.is_err()).count();
    if any_usage_error(&planned) {
        // Bad input in any org: change nothing anywhere.
        unchanged(plan_failures);
        return Err(Failure::exit(EXIT_USAGE));
    }
    let failed_expectations = render_plan::failed_expectations(&planned);
    if failed_expectations > 0 {
        // The file says what its rules must match: a plan that breaks that is not carried out.
        unchanged(failed_expectations);
        if json {
            return Err(Failure::exit(EXIT_FAILURE));
        }
        return Err(Failure::failed(format!(
            "{failed_expectations} rule expectation(s) do not hold (see the plan above); nothing was changed: {EXPECT_FIX}"
        )));
    }
    if !changes && options.wait.is_none() {
        unchanged(plan_failures);
        return match plan_failures {
            0 => Ok(()),
            _ => Err(Failure::exit(EXIT_FAILURE)),
        };
    }
    let verb = how.verb();
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
    let results = execute(targets, &planned, options, parallel).await;
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

/// Every org planned under its lock; before an apply, what core's sweep removed of expired
/// temporary resources is said.
async fn plan(
    targets: &[OrgTarget],
    options: &ConvergeOptions,
    how: &How,
) -> Vec<Result<OrgPlanned, Failure>> {
    let parallel = usize::from(how.parallel);
    let planned = fleet::plan_all(targets, parallel, how.mode, options, true).await;
    if how.mode == Mode::Converge {
        for p in planned.iter().flatten() {
            for line in p.plan.sweep_expired_temporary().await {
                note(line);
            }
        }
    }
    planned
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
