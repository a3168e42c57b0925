//! The demo's AWS half, against moto (or any endpoint given): the partner event source appears,
//! the demo's queue and log group, the association, rules and permissions (core's converge, as
//! `apply` does them), the events that arrive, and doctor. Each step is timed.

use std::collections::HashMap;
use std::time::Duration;

use gcbridge_core::demo::{self, DemoTargets};
use gcbridge_core::doctor::{self, DiagnoseOptions, IntegrationReport, Status};
use gcbridge_core::{
    carry_out, parse_target, partner_event_source_name, plan_org, AwsClients, AwsSpec,
    ConvergeEvent, ConvergeOptions, Desired, Destination, RuleSpec, DEFAULT_PATTERN,
};

use super::{Steps, AWS_REGION, NAME};
use crate::failure::Failure;
use crate::session::Session;

/// What the AWS half works on.
pub struct AwsHalf {
    pub clients: AwsClients,
    pub endpoint: String,
    pub source: String,
    pub targets: DemoTargets,
    /// The demo's destination with its `[destination.aws]`.
    pub destinations: Vec<Destination>,
}

fn aws_failed(e: impl std::fmt::Display) -> Failure {
    Failure::failed(format!("the demo's AWS half failed: {e}"))
}

/// Waits for the partner event source, makes the targets and converges the AWS half.
pub async fn build(
    session: &Session,
    destinations: &[Destination],
    endpoint: &str,
    suffix: &str,
    steps: &mut Steps,
) -> Result<AwsHalf, Failure> {
    let clients = AwsClients::new(AWS_REGION, Some(endpoint)).await;
    let source = partner_event_source_name(&session.org.id, suffix);
    let state = demo::wait_for_source(&clients, &source, Duration::from_secs(30))
        .await
        .map_err(aws_failed)?;
    steps.record(
        "the partner event source appears",
        format!("{}: {source}", state.label()),
    );
    let targets = demo::create_targets(&clients, suffix)
        .await
        .map_err(aws_failed)?;
    steps.record(
        "an SQS queue and a Logs group",
        format!("{} and {}", targets.queue_arn, targets.log_group),
    );
    let mut destinations = destinations.to_vec();
    destinations[0].aws = Some(aws_spec(&targets)?);
    let half = AwsHalf {
        clients,
        endpoint: endpoint.to_string(),
        source,
        targets,
        destinations,
    };
    converge(session, &half, steps).await?;
    Ok(half)
}

/// The bus and two rules, one to the queue and one to the log group, every event of the source.
fn aws_spec(targets: &DemoTargets) -> Result<AwsSpec, Failure> {
    let rule = |name: &str, arn: &str| -> Result<RuleSpec, Failure> {
        Ok(RuleSpec {
            name: name.to_string(),
            description: Some("created by gcbridge demo".into()),
            enabled: true,
            event_pattern: DEFAULT_PATTERN.to_string(),
            targets: vec![parse_target(arn, AWS_REGION).map_err(aws_failed)?],
            retry: None,
            expect: Default::default(),
        })
    };
    Ok(AwsSpec {
        associate: true,
        rules: vec![
            rule("genesys-to-sqs", &targets.queue_arn)?,
            rule("genesys-to-logs", &targets.log_group_arn)?,
        ],
        archive: None,
    })
}

pub fn options(endpoint: &str) -> ConvergeOptions {
    ConvergeOptions {
        aws_endpoint: Some(endpoint.to_string()),
        ..ConvergeOptions::default()
    }
}

/// Plans and carries out the org as `apply` does; each AWS action is a timed step. The number of
/// actions.
pub async fn converge(
    session: &Session,
    half: &AwsHalf,
    steps: &mut Steps,
) -> Result<usize, Failure> {
    let options = options(&half.endpoint);
    let desired = Desired::Converge(&half.destinations);
    let plan = plan_org(&session.client, &session.org.id, desired, &options)
        .await
        .map_err(aws_failed)?;
    // carry_out reports the AWS actions once they are all done: the half is timed as one step.
    let done = std::sync::Mutex::new(Vec::<String>::new());
    let observe = |e: ConvergeEvent<'_>| {
        if let ConvergeEvent::AwsActionDone { action, .. } = e {
            done.lock().expect("not poisoned").push(action.to_string());
        }
    };
    let outcomes = carry_out(&session.client, &plan, &options, &observe).await;
    if let Some(problem) = outcomes.iter().find_map(|o| o.problem()) {
        return Err(aws_failed(problem));
    }
    let done = done.into_inner().expect("not poisoned");
    let count = done.len();
    steps.record(
        "apply (AWS)",
        format!("{count} actions: bus, rules, targets and their permissions"),
    );
    steps.details(done);
    Ok(count)
}

/// Waits for `want` events in the queue: their count, and the first one's detail-type.
pub async fn events_arrive(
    half: &AwsHalf,
    want: usize,
    title: &str,
    steps: &mut Steps,
) -> Result<usize, Failure> {
    let bodies = demo::receive_events(
        &half.clients,
        &half.targets.queue_url,
        want,
        Duration::from_secs(30),
    )
    .await
    .map_err(aws_failed)?;
    if bodies.len() < want {
        return Err(aws_failed(format!(
            "{} of {want} events arrived in the queue within 30 s",
            bodies.len()
        )));
    }
    let logged = demo::log_event_count(&half.clients, &half.targets.log_group)
        .await
        .map_err(aws_failed)?;
    steps.record(
        title,
        format!(
            "{} in the queue, {logged} in the log group; first: {}",
            bodies.len(),
            first_event(&bodies[0])
        ),
    );
    Ok(bodies.len())
}

/// `detail-type` and `detail.eventBody`'s start, of one event as the queue holds it.
fn first_event(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let mut text = format!(
        "{} {}",
        v["detail-type"].as_str().unwrap_or("?"),
        v["detail"]["eventBody"]
    );
    if text.len() > 100 {
        let cut = (0..=100)
            .rev()
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(0);
        text.truncate(cut);
        text.push_str("...");
    }
    text
}

/// Doctor on the demo's integration, with its `[destination.aws]` as the managed rules.
pub async fn run_doctor(
    session: &Session,
    half: &AwsHalf,
) -> Result<Vec<IntegrationReport>, Failure> {
    let managed = half.destinations[0]
        .aws
        .clone()
        .map(|a| (NAME.to_string(), a));
    let options = DiagnoseOptions {
        name: Some(NAME.to_string()),
        aws_endpoint: Some(half.endpoint.clone()),
        probe_seconds: None,
        managed: Some(managed.into_iter().collect::<HashMap<_, _>>()),
    };
    session.diagnose(&options).await
}

/// Doctor must be all green.
pub async fn doctor_green(
    session: &Session,
    half: &AwsHalf,
    steps: &mut Steps,
) -> Result<(), Failure> {
    let reports = run_doctor(session, half).await?;
    let checks: Vec<_> = reports.iter().flat_map(|r| &r.checks).collect();
    if !doctor::all_ok(&reports) {
        let failed: Vec<String> = checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .map(|c| format!("{}: {}", c.label(), c.detail))
            .collect();
        return Err(aws_failed(format!("doctor failed: {}", failed.join("; "))));
    }
    let passed = checks.iter().filter(|c| c.status == Status::Pass).count();
    steps.record("doctor", format!("all green: {passed} checks pass"));
    Ok(())
}

/// With an endpoint the user runs: remove both halves and the targets, leaving nothing behind.
pub async fn destroy(session: &Session, half: &AwsHalf, steps: &mut Steps) -> Result<(), Failure> {
    let options = options(&half.endpoint);
    let d = &half.destinations[0];
    let specs = [super::spec(&d.event_source_suffix, d.aws.clone())];
    let plan = plan_org(
        &session.client,
        &session.org.id,
        Desired::Destroy(&specs),
        &options,
    )
    .await
    .map_err(aws_failed)?;
    let outcomes = carry_out(&session.client, &plan, &options, &|_| {}).await;
    if let Some(problem) = outcomes.iter().find_map(|o| o.problem()) {
        return Err(aws_failed(problem));
    }
    let failed = demo::remove_targets(&half.clients, &half.targets).await;
    if let Some(e) = failed.first() {
        return Err(aws_failed(e));
    }
    steps.record(
        "clean up (external endpoint)",
        format!(
            "{} actions; queue and log group deleted",
            plan.aws_action_count()
        ),
    );
    Ok(())
}
