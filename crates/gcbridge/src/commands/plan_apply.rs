//! `gcbridge plan` and `gcbridge apply`: compare the desired destinations with the live org, show
//! the difference, and (apply) carry it out after confirmation.

use std::time::{Duration, Instant};

use gcbridge_core::apply::{apply_plan, read_live, step_label, ApplyEvent, ApplyOptions, Outcome};
use gcbridge_core::desired::OrgSpec;
use gcbridge_core::plan::{plan, Plan};
use gcbridge_core::resolve::resolve_destinations;
use serde::Serialize;

use crate::cli::{ApplyArgs, GlobalArgs, OutputFormat};
use crate::confirm::confirm;
use crate::desired_input::desired_state;
use crate::failure::{CmdResult, Failure};
use crate::output::{note, print_json};
use crate::progress::Progress;
use crate::render_plan;
use crate::session::Session;

/// Exit code of `plan --detailed-exitcode` when there are changes (Terraform's convention).
const EXIT_CHANGES: i32 = 2;

struct OrgPlan {
    spec: OrgSpec,
    session: Session,
    plan: Plan,
}

#[derive(Serialize)]
struct OrgPlanJson<'a> {
    org: &'a str,
    org_id: &'a str,
    target: &'a str,
    plan: &'a Plan,
}

#[derive(Serialize)]
struct OrgApplyJson<'a> {
    org: &'a str,
    org_id: &'a str,
    outcomes: &'a [Outcome],
}

async fn plan_all(global: &GlobalArgs, args: &ApplyArgs) -> Result<Vec<OrgPlan>, Failure> {
    let desired = desired_state(args)?;
    for org in &desired.orgs {
        for d in &org.destinations {
            for w in &d.warnings {
                note(format!("warning: destination \"{}\": {w}", d.name));
            }
        }
    }
    let mut out = Vec::new();
    for spec in desired.orgs {
        let session = Session::open(&global.conn, Some(&spec.connection)).await?;
        let catalogue = session.catalogue().await?;
        let destinations = resolve_destinations(&spec.destinations, &catalogue, &session.org.id)?;
        let live = read_live(&session.client).await?;
        let plan = plan(&destinations, &live, args.prune);
        out.push(OrgPlan {
            spec,
            session,
            plan,
        });
    }
    Ok(out)
}

fn org_label(p: &OrgPlan) -> String {
    format!(
        "\"{}\" ({}, {}) at {}",
        p.session.org.name, p.spec.name, p.session.org.id, p.session.target
    )
}

fn show_plans(global: &GlobalArgs, plans: &[OrgPlan]) {
    if global.output == OutputFormat::Human {
        for p in plans {
            print!(
                "{}",
                render_plan::render(&org_label(p), &p.session.org.id, &p.plan)
            );
        }
        println!("{}", render_plan::summary(plans.iter().map(|p| &p.plan)));
    }
}

pub async fn run_plan(global: &GlobalArgs, args: &ApplyArgs) -> CmdResult {
    let plans = plan_all(global, args).await?;
    show_plans(global, &plans);
    if global.output == OutputFormat::Json {
        let docs: Vec<OrgPlanJson> = plans
            .iter()
            .map(|p| OrgPlanJson {
                org: &p.spec.name,
                org_id: &p.session.org.id,
                target: &p.session.target,
                plan: &p.plan,
            })
            .collect();
        print_json(
            &serde_json::json!({ "orgs": docs, "changes": plans.iter().any(|p| p.plan.has_changes()) }),
        );
    }
    if args.detailed_exitcode && plans.iter().any(|p| p.plan.has_changes()) {
        return Err(Failure::exit(EXIT_CHANGES));
    }
    Ok(())
}

pub async fn run_apply(global: &GlobalArgs, args: &ApplyArgs) -> CmdResult {
    let plans = plan_all(global, args).await?;
    show_plans(global, &plans);
    let changes = plans.iter().any(|p| p.plan.has_changes());
    let wait = args.wait.then(|| Duration::from_secs(args.wait_timeout));
    if !changes && wait.is_none() {
        if global.output == OutputFormat::Json {
            print_json(&serde_json::json!({ "orgs": [], "changed": false }));
        }
        return Ok(());
    }
    if changes && !args.auto_approve && !confirm("Apply these changes?", "--auto-approve")? {
        return Err(Failure::failed("apply cancelled; nothing was changed"));
    }

    let started = Instant::now();
    let options = ApplyOptions { wait };
    let mut results = Vec::new();
    for p in &plans {
        let progress = Progress::new(
            &p.spec.name,
            p.plan.changes.iter().map(|c| c.steps.len() as u64).sum(),
        );
        let observe = |e: ApplyEvent<'_>| {
            match e {
            ApplyEvent::StepStarted { destination, step } => progress.step(destination, step_label(step)),
            ApplyEvent::StepDone { .. } => progress.inc(),
            ApplyEvent::Conflict { destination, round } => progress.line(&format!(
                "{destination}: the config was changed by someone else meanwhile; re-reading it (round {round})"
            )),
            ApplyEvent::Waiting { destination, state } => progress.step(destination, &format!("state {state}")),
        }
        };
        let mut outcomes = apply_plan(&p.session.client, &p.plan, &options, &observe).await;
        if let Some(limit) = wait {
            // Unchanged but enabled destinations are waited for too: --wait promises ACTIVE.
            for c in p.plan.changes.iter().filter(|c| !c.is_change()) {
                let (Some(d), Some(id)) = (&c.desired, &c.integration_id) else {
                    continue;
                };
                if !d.enabled {
                    continue;
                }
                let r = gcbridge_core::apply::wait_active(
                    &p.session.client,
                    id,
                    &c.name,
                    limit,
                    &observe,
                )
                .await;
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
        results.push(outcomes);
    }

    let failed: usize = results.iter().flatten().filter(|o| !o.ok()).count();
    if global.output == OutputFormat::Json {
        let docs: Vec<OrgApplyJson> = plans
            .iter()
            .zip(&results)
            .map(|(p, o)| OrgApplyJson {
                org: &p.spec.name,
                org_id: &p.session.org.id,
                outcomes: o,
            })
            .collect();
        print_json(&serde_json::json!({ "orgs": docs, "changed": changes, "failed": failed }));
    } else {
        for (p, outcomes) in plans.iter().zip(&results) {
            for o in outcomes {
                let state = o
                    .reported_state
                    .as_deref()
                    .map(|s| format!(", reported {s}"))
                    .unwrap_or_default();
                match &o.error {
                    None => println!(
                        "  ok      {} ({}){state}",
                        o.name,
                        o.integration_id.as_deref().unwrap_or("-")
                    ),
                    Some(e) => {
                        println!("  FAILED  org {} destination {}: {e}", p.spec.name, o.name)
                    }
                }
            }
        }
        let done: usize = results.iter().flatten().filter(|o| o.ok()).count();
        println!(
            "Apply finished in {:.1}s: {done} done, {failed} failed.",
            started.elapsed().as_secs_f64()
        );
    }
    if failed > 0 {
        return Err(Failure::exit(crate::failure::EXIT_FAILURE));
    }
    Ok(())
}
