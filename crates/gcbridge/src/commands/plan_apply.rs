//! `gcbridge plan`, `apply` and `destroy`: compare the desired destinations with each live org, show
//! the difference, and (apply, destroy) carry it out after confirmation, several orgs at a time.

use std::time::{Duration, Instant};

use gcbridge_core::AwsPlan;
use gcbridge_core::Plan;
use gcbridge_core::{apply_plan, step_label, wait_active, ApplyEvent, ApplyOptions, Outcome};
use serde::Serialize;

use crate::cli::{ApplyArgs, DestroyArgs, GlobalArgs, OutputFormat};
use crate::confirm::confirm;
use crate::desired_input::desired_state;
use crate::failure::{CmdResult, Failure, EXIT_FAILURE, EXIT_USAGE};
use crate::fleet::{self, any_usage_error, org_error, OrgPlanned, OrgTarget};
use crate::output::{note, print_json};
use crate::progress::Bars;
use crate::render_plan;

/// Exit code of `plan --detailed-exitcode` when there are changes (Terraform's convention).
const EXIT_CHANGES: i32 = 2;

#[derive(Serialize)]
struct OrgPlanJson<'a> {
    org: &'a str,
    org_id: Option<&'a str>,
    target: &'a str,
    plan: Option<&'a Plan>,
    aws: Vec<&'a AwsPlan>,
    error: Option<String>,
}

#[derive(Serialize)]
struct OrgApplyJson<'a> {
    org: &'a str,
    org_id: Option<&'a str>,
    outcomes: &'a [Outcome],
    error: Option<String>,
}

enum Mode {
    Converge { prune: bool },
    Destroy,
}

async fn plan_targets(
    targets: &[OrgTarget],
    parallel: usize,
    mode: &Mode,
    aws_endpoint: Option<&str>,
) -> Vec<Result<OrgPlanned, Failure>> {
    fleet::for_each(targets, parallel, |t| async move {
        match mode {
            Mode::Converge { prune } => fleet::plan_org(t, *prune, aws_endpoint).await,
            Mode::Destroy => fleet::plan_destroy_org(t, aws_endpoint).await,
        }
    })
    .await
}

fn warn_about_inputs(targets: &[OrgTarget]) {
    for t in targets {
        for d in &t.spec.destinations {
            for w in &d.warnings {
                note(format!(
                    "warning: org \"{}\" destination \"{}\": {w}",
                    t.spec.name, d.name
                ));
            }
        }
    }
}

fn label(t: &OrgTarget, p: &OrgPlanned) -> String {
    format!(
        "\"{}\" ({}, {}) at {}",
        t.spec.name, p.session.org.name, p.session.org.id, p.session.target
    )
}

/// Prints the plans (human) and the per-org planning errors; returns whether anything changes.
fn show(
    global: &GlobalArgs,
    targets: &[OrgTarget],
    planned: &[Result<OrgPlanned, Failure>],
) -> bool {
    let many = targets.len() > 1;
    if global.output == OutputFormat::Human {
        for (t, r) in targets.iter().zip(planned) {
            match r {
                Ok(p) => {
                    print!(
                        "{}",
                        render_plan::render(&label(t, p), &p.session.org.id, &p.plan)
                    );
                    for a in &p.aws {
                        print!("{}", render_plan::render_aws(&a.plan));
                    }
                }
                Err(f) => note(format!("error: {}", org_error(t, many, f))),
            }
        }
        let plans: Vec<&Plan> = planned
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|p| &p.plan)
            .collect();
        let aws_changes: usize = planned
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .flat_map(|p| p.aws.iter().map(|a| a.plan.actions.len()))
            .sum();
        if !plans.is_empty() {
            println!("{}", render_plan::summary(plans, aws_changes));
        }
    }
    planned
        .iter()
        .any(|r| r.as_ref().is_ok_and(OrgPlanned::has_changes))
}

fn plan_json<'a>(
    targets: &'a [OrgTarget],
    planned: &'a [Result<OrgPlanned, Failure>],
) -> Vec<OrgPlanJson<'a>> {
    let many = targets.len() > 1;
    targets
        .iter()
        .zip(planned)
        .map(|(t, r)| OrgPlanJson {
            org: &t.spec.name,
            org_id: r.as_ref().ok().map(|p| p.session.org.id.as_str()),
            target: &t.conn.target,
            plan: r.as_ref().ok().map(|p| &p.plan),
            aws: r
                .as_ref()
                .ok()
                .map(|p| p.aws.iter().map(|a| &a.plan).collect())
                .unwrap_or_default(),
            error: r.as_ref().err().map(|f| org_error(t, many, f)),
        })
        .collect()
}

pub async fn run_plan(global: &GlobalArgs, args: &ApplyArgs) -> CmdResult {
    let targets = fleet::targets(&global.conn, desired_state(args)?)?;
    warn_about_inputs(&targets);
    let planned = plan_targets(
        &targets,
        usize::from(args.parallel),
        &Mode::Converge { prune: args.prune },
        global.aws_endpoint.as_deref(),
    )
    .await;
    let changes = show(global, &targets, &planned);
    if global.output == OutputFormat::Json {
        print_json(
            &serde_json::json!({ "orgs": plan_json(&targets, &planned), "changes": changes }),
        );
    }
    if any_usage_error(&planned) {
        return Err(Failure::exit(EXIT_USAGE));
    }
    if planned.iter().any(Result::is_err) {
        return Err(Failure::exit(EXIT_FAILURE));
    }
    if args.detailed_exitcode && changes {
        return Err(Failure::exit(EXIT_CHANGES));
    }
    Ok(())
}

pub async fn run_apply(global: &GlobalArgs, args: &ApplyArgs) -> CmdResult {
    let targets = fleet::targets(&global.conn, desired_state(args)?)?;
    warn_about_inputs(&targets);
    let planned = plan_targets(
        &targets,
        usize::from(args.parallel),
        &Mode::Converge { prune: args.prune },
        global.aws_endpoint.as_deref(),
    )
    .await;
    let wait = args.wait.then(|| Duration::from_secs(args.wait_timeout));
    let how = CarryOut {
        auto_approve: args.auto_approve,
        parallel: usize::from(args.parallel),
        concurrency: usize::from(args.concurrency),
        wait,
        verb: "Apply",
        aws_first: false,
    };
    carry_out(global, &targets, planned, how).await
}

pub async fn run_destroy(global: &GlobalArgs, args: &DestroyArgs) -> CmdResult {
    let desired = gcbridge_core::config::load_file(&args.file)?;
    let targets = fleet::targets(&global.conn, desired)?;
    let planned = plan_targets(
        &targets,
        usize::from(args.parallel),
        &Mode::Destroy,
        global.aws_endpoint.as_deref(),
    )
    .await;
    let how = CarryOut {
        auto_approve: args.auto_approve,
        parallel: usize::from(args.parallel),
        concurrency: usize::from(args.concurrency),
        wait: None,
        verb: "Destroy",
        aws_first: true,
    };
    carry_out(global, &targets, planned, how).await
}

/// How `apply` and `destroy` differ when carrying out their plans.
struct CarryOut {
    auto_approve: bool,
    parallel: usize,
    /// Destinations in flight per org.
    concurrency: usize,
    wait: Option<Duration>,
    verb: &'static str,
    /// Destroy removes the AWS half first, while the integration still names its bus.
    aws_first: bool,
}

async fn carry_out(
    global: &GlobalArgs,
    targets: &[OrgTarget],
    planned: Vec<Result<OrgPlanned, Failure>>,
    how: CarryOut,
) -> CmdResult {
    let CarryOut {
        auto_approve,
        parallel,
        concurrency,
        wait,
        verb,
        aws_first,
    } = how;
    let changes = show(global, targets, &planned);
    if any_usage_error(&planned) {
        // Bad input in any org: change nothing anywhere.
        if global.output == OutputFormat::Json {
            print_json(
                &serde_json::json!({ "orgs": plan_json(targets, &planned), "changed": false }),
            );
        }
        return Err(Failure::exit(EXIT_USAGE));
    }
    let plan_failures = planned.iter().filter(|r| r.is_err()).count();
    if !changes && wait.is_none() {
        if global.output == OutputFormat::Json {
            print_json(
                &serde_json::json!({ "orgs": plan_json(targets, &planned), "changed": false, "failed": plan_failures }),
            );
        }
        return if plan_failures > 0 {
            Err(Failure::exit(EXIT_FAILURE))
        } else {
            Ok(())
        };
    }
    if changes && !auto_approve && !confirm(&format!("{verb} these changes?"), "--auto-approve")? {
        return Err(Failure::failed(format!(
            "{} cancelled; nothing was changed",
            verb.to_lowercase()
        )));
    }

    let started = Instant::now();
    let options = ApplyOptions { wait, concurrency };
    let bars = Bars::new();
    let pairs: Vec<(&OrgTarget, &Result<OrgPlanned, Failure>)> =
        targets.iter().zip(&planned).collect();
    let results: Vec<Vec<Outcome>> = futures_util::stream::iter(pairs.iter().map(|(t, r)| {
        let bars = &bars;
        let options = &options;
        async move {
            let Ok(p) = r else { return vec![] };
            let progress = bars.org(&t.spec.name, p.plan.changes.iter().map(|c| c.steps.len() as u64).sum());
            let observe = |e: ApplyEvent<'_>| match e {
                ApplyEvent::StepStarted { destination, step } => progress.step(destination, step_label(step)),
                ApplyEvent::StepDone { .. } => progress.inc(),
                ApplyEvent::Conflict { destination, round } => progress.line(&format!(
                    "org \"{}\" destination \"{destination}\": the config was edited by someone else meanwhile; re-reading it (round {round})",
                    t.spec.name
                )),
                ApplyEvent::Waiting { destination, state } => progress.step(destination, &format!("state {state}")),
            };
            let aws_wait = wait.unwrap_or(Duration::from_secs(DEFAULT_AWS_WAIT_SECS));
            let mut outcomes = Vec::new();
            if aws_first {
                // Destroy: rules and bus go first, while the integration still names them.
                outcomes.extend(apply_aws(p, None, aws_wait, &progress).await);
                if outcomes.iter().any(|o| !o.ok()) {
                    progress.finish();
                    return outcomes;
                }
            }
            let genesys = apply_plan(&p.session.client, &p.plan, options, &observe).await;
            if !aws_first {
                let snapshot = genesys.clone();
                outcomes.extend(genesys);
                outcomes.extend(apply_aws(p, Some(&snapshot), aws_wait, &progress).await);
            } else {
                outcomes.extend(genesys);
            }
            if let Some(limit) = wait {
                // --wait promises ACTIVE for every enabled destination, changed or not.
                for c in p.plan.changes.iter().filter(|c| !c.is_change()) {
                    let (Some(d), Some(id)) = (&c.desired, &c.integration_id) else { continue };
                    if !d.enabled {
                        continue;
                    }
                    let r = wait_active(&p.session.client, id, &c.name, limit, &observe).await;
                    outcomes.push(Outcome {
                        name: c.name.clone(),
                        kind: c.kind,
                        integration_id: Some(id.clone()),
                        steps_done: vec![],
                        reported_state: r.as_ref().ok().cloned(),
                        error: r.err(),
                    });
                }
            }
            progress.finish();
            outcomes
        }
    }))
    .buffered(parallel.max(1))
    .collect()
    .await;

    let failed: usize = results.iter().flatten().filter(|o| !o.ok()).count() + plan_failures;
    let many = targets.len() > 1;
    if global.output == OutputFormat::Json {
        let docs: Vec<OrgApplyJson> = targets
            .iter()
            .zip(&planned)
            .zip(&results)
            .map(|((t, r), o)| OrgApplyJson {
                org: &t.spec.name,
                org_id: r.as_ref().ok().map(|p| p.session.org.id.as_str()),
                outcomes: o,
                error: r.as_ref().err().map(|f| org_error(t, many, f)),
            })
            .collect();
        print_json(&serde_json::json!({ "orgs": docs, "changed": changes, "failed": failed }));
    } else {
        for ((t, r), outcomes) in targets.iter().zip(&planned).zip(&results) {
            if let Err(f) = r {
                println!("  FAILED  org {}: {}", t.spec.name, f.message);
            }
            for o in outcomes {
                let state = o
                    .reported_state
                    .as_deref()
                    .map(|s| format!(", reported {s}"))
                    .unwrap_or_default();
                let id = o.integration_id.as_deref().unwrap_or("-");
                match &o.error {
                    None => println!(
                        "  ok      org {} destination {} ({id}){state}",
                        t.spec.name, o.name
                    ),
                    Some(e) => {
                        println!("  FAILED  org {} destination {}: {e}", t.spec.name, o.name)
                    }
                }
            }
        }
        let done: usize = results.iter().flatten().filter(|o| o.ok()).count();
        println!(
            "{verb} finished in {:.1}s: {done} done, {failed} failed.",
            started.elapsed().as_secs_f64()
        );
    }
    if failed > 0 {
        return Err(Failure::exit(EXIT_FAILURE));
    }
    Ok(())
}

use futures_util::StreamExt;

/// How long an apply waits for Genesys to create the partner event source before associating it.
const DEFAULT_AWS_WAIT_SECS: u64 = 120;

/// Carries out the AWS plans of an org; a destination whose Genesys side failed is skipped.
async fn apply_aws(
    p: &OrgPlanned,
    genesys: Option<&[Outcome]>,
    wait: Duration,
    progress: &crate::progress::Progress,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for a in p.aws.iter().filter(|a| !a.plan.actions.is_empty()) {
        let name = format!("{} (AWS)", a.plan.destination);
        let failed_before =
            genesys.is_some_and(|g| g.iter().any(|o| o.name == a.plan.destination && !o.ok()));
        let mut outcome = Outcome {
            name: name.clone(),
            kind: gcbridge_core::ChangeKind::Update,
            integration_id: None,
            steps_done: vec![],
            reported_state: None,
            error: None,
        };
        if failed_before {
            outcome.error = Some("skipped: the Genesys side of this destination failed".into());
        } else {
            progress.step(&name, &format!("{} AWS change(s)", a.plan.actions.len()));
            match gcbridge_core::apply_aws(&a.clients, &a.plan, a.destination.as_ref(), wait).await
            {
                Ok(done) => {
                    for d in done {
                        progress.line(&format!("{name}: {d}"));
                    }
                }
                Err(e) => outcome.error = Some(format!("AWS: {e}")),
            }
        }
        out.push(outcome);
    }
    out
}
