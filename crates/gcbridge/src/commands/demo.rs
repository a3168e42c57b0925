//! `gcbridge demo`: the tutorial's whole flow, step by step with timings, against an emulator
//! started in-process. It needs no network, no credentials and no set-up.

use std::time::{Duration, Instant};

use gcbridge_core::config::{ConnectionFlags, Origin};
use gcbridge_core::{
    apply_plan, partner_event_source_name, plan, read_live, resolve_destinations, step_label,
    wait_active, ApplyEvent, ApplyOptions, Destination, DestinationSpec, SourceId,
};
use genesys_client::CreateIntegrationRequest;
use genesys_sim::SimConfig;
use serde::Serialize;

use crate::cli::{DemoArgs, GlobalArgs, OutputFormat};
use crate::connect::{self, Environment};
use crate::escape::outln;
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;
use crate::session::Session;

const ACCOUNT: &str = "123456789012";
const AWS_REGION: &str = "us-east-1";
const SUFFIX: &str = "gcbridge-demo";
const NAME: &str = "gcbridge-demo";
const EVENT_TYPES: &[&str] = &["conversation", "user", "routing"];

#[derive(Serialize)]
struct StepReport {
    step: usize,
    title: String,
    result: String,
    millis: u128,
}

struct Steps {
    human: bool,
    reports: Vec<StepReport>,
    last: Instant,
}

impl Steps {
    fn record(&mut self, title: &str, result: impl Into<String>) {
        let millis = self.last.elapsed().as_millis();
        self.push_timed(title, result, millis);
        self.last = Instant::now();
    }

    /// A step whose time was measured elsewhere.
    fn push_timed(&mut self, title: &str, result: impl Into<String>, millis: u128) {
        let report = StepReport {
            step: self.reports.len() + 1,
            title: title.into(),
            result: result.into(),
            millis,
        };
        if self.human {
            outln!(
                "{:>2}. {:<34} {:>6} ms  {}",
                report.step,
                report.title,
                report.millis,
                report.result
            );
        }
        self.reports.push(report);
    }
}

/// A session with one of the emulator's clients, built by the same code as every other command's:
/// the flags go through core's precedence rule (no environment: the demo must not pick up a real
/// org's variables) and `Session::connect`.
async fn demo_session(base_url: &str, client_id: &str) -> Result<Session, Failure> {
    let flags = ConnectionFlags {
        api_url: Some(base_url.to_string()),
        client_id: Some(client_id.to_string()),
        client_secret: Some(genesys_sim::DEFAULT_SECRET.to_string()),
        ..ConnectionFlags::default()
    };
    let conn = connect::resolve(&flags, None, &Environment::empty())?;
    Session::connect(&conn).await
}

async fn write_count(base_url: &str) -> Result<u64, Failure> {
    let v: serde_json::Value = reqwest::get(format!("{base_url}/sim/v1/requests"))
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| Failure::failed(format!("reading the emulator's request counters: {e}")))?
        .json()
        .await
        .map_err(|e| Failure::failed(format!("reading the emulator's request counters: {e}")))?;
    Ok(v["writes"].as_u64().unwrap_or(0))
}

pub async fn run(global: &GlobalArgs, args: &DemoArgs) -> CmdResult {
    let human = global.output == OutputFormat::Human;
    let total = Instant::now();
    let mut steps = Steps {
        human,
        reports: vec![],
        last: Instant::now(),
    };
    if human {
        outln!("gcbridge demo: the tutorial's flow against an embedded Genesys Cloud emulator");
        outln!("(no network, no credentials; every call below is real HTTP to 127.0.0.1)\n");
    }
    let config = SimConfig {
        activation_delay: Duration::from_millis(args.activation_delay_ms),
        ..SimConfig::default()
    };
    let sim = genesys_sim::start(config, "127.0.0.1:0".parse().expect("a valid address"))
        .await
        .map_err(|e| Failure::failed(format!("cannot start the embedded emulator: {e}")))?;
    let base = sim.base_url();
    steps.record("start the emulator", base.clone());

    let session = demo_session(&base, genesys_sim::ADMIN_CLIENT_ID).await?;
    steps.record(
        "authenticate (client credentials)",
        format!(
            "org \"{}\" ({}), token valid {} s",
            session.org.name,
            session.org.id,
            session.token_valid_secs().await?
        ),
    );
    let destinations = build_destination(&session, &mut steps).await?;
    let id = create_and_enable(&session, &destinations, &mut steps).await?;
    verify(&session, &destinations, &mut steps).await?;
    viewer_is_refused(&base, &mut steps).await?;
    let writes = rerun_changes_nothing(&session, &destinations, &base, &mut steps).await?;
    let summary = Summary {
        id: &id,
        topics: destinations[0].topics.len(),
        writes,
        total,
    };
    finish(human, &session, &steps, summary);
    sim.shutdown().await;
    Ok(())
}

/// The demo's destination, its event types expanded against the org's catalogue.
async fn build_destination(
    session: &Session,
    steps: &mut Steps,
) -> Result<Vec<Destination>, Failure> {
    let catalogue = session.catalogue().await?;
    let spec = DestinationSpec {
        name: NAME.into(),
        description: Some("created by gcbridge demo".into()),
        enabled: true,
        aws_account_id: ACCOUNT.into(),
        aws_region: AWS_REGION.into(),
        event_source_suffix: SUFFIX.into(),
        expected_org_id: None,
        event_bus_arn_at: None,
        selectors: EVENT_TYPES
            .iter()
            .map(|s| (s.to_string(), Origin::Flag, "--event-types".to_string()))
            .collect(),
        origin: Origin::Flag,
        warnings: vec![],
        aws: None,
    };
    let destinations =
        resolve_destinations(std::slice::from_ref(&spec), &catalogue, &session.org.id)?;
    steps.record(
        "build the destination",
        format!(
            "{NAME}: account {ACCOUNT}, {AWS_REGION}, event types {} = {} topics of {}",
            EVENT_TYPES.join(","),
            destinations[0].topics.len(),
            catalogue.len()
        ),
    );
    Ok(destinations)
}

/// Plans and applies the destination, each API step timed on its own as the tutorial lists them;
/// the new integration's id.
async fn create_and_enable(
    session: &Session,
    destinations: &[Destination],
    steps: &mut Steps,
) -> Result<String, Failure> {
    let client = &session.client;
    let first_plan = plan(destinations, &read_live(client).await?, false);
    let change = &first_plan.changes[0];
    let labels: Vec<&str> = change.steps.iter().map(|s| step_label(*s)).collect();
    steps.record("plan", format!("{:?}: {}", change.kind, labels.join(", ")));

    let timings = std::sync::Mutex::new(Vec::<(String, u128)>::new());
    let step_started = std::sync::Mutex::new(Instant::now());
    let observe = |e: ApplyEvent<'_>| match e {
        ApplyEvent::StepStarted { .. } => {
            *step_started.lock().expect("not poisoned") = Instant::now()
        }
        ApplyEvent::StepDone { step, .. } => {
            let ms = step_started.lock().expect("not poisoned").elapsed();
            timings
                .lock()
                .expect("not poisoned")
                .push((step_label(step).to_string(), ms.as_millis()));
        }
        _ => {}
    };
    let outcomes = apply_plan(client, &first_plan, &ApplyOptions::default(), &observe).await;
    if let Some(err) = outcomes.iter().find_map(|o| o.error.clone()) {
        return Err(Failure::failed(format!("the demo's apply failed: {err}")));
    }
    let id = outcomes[0].integration_id.clone().unwrap_or_default();
    let topic_count = destinations[0].topics.len();
    for (label, millis) in timings.into_inner().expect("not poisoned") {
        let (title, result) = match label.as_str() {
            "create integration" => (
                "create the integration".to_string(),
                format!("POST /api/v2/integrations -> {id}"),
            ),
            "write config" => (
                "subscribe the topics".to_string(),
                format!("PUT .../config/current with {topic_count} topics"),
            ),
            "enable" => ("enable".to_string(), "PATCH intendedState ENABLED".into()),
            _ => (label.clone(), String::new()),
        };
        steps.push_timed(&title, result, millis);
    }
    steps.last = Instant::now();
    let state = wait_active(client, &id, NAME, Duration::from_secs(30), &|_| {})
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    steps.record("wait for ACTIVE", format!("reportedState {state}"));
    Ok(id)
}

/// Reads the org back and compares: the plan must be empty.
async fn verify(
    session: &Session,
    destinations: &[Destination],
    steps: &mut Steps,
) -> Result<(), Failure> {
    let live = read_live(&session.client).await?;
    if plan(destinations, &live, false).has_changes() {
        return Err(Failure::failed(
            "verification failed: the live integration differs from the destination",
        ));
    }
    steps.record(
        "verify (read back and compare)",
        format!(
            "matches: {} topics, partner event source {}",
            destinations[0].topics.len(),
            partner_event_source_name(&session.org.id, SUFFIX)
        ),
    );
    Ok(())
}

/// The tutorial's first error, live: a view-only client's create is refused with the permission named.
async fn viewer_is_refused(base: &str, steps: &mut Steps) -> Result<(), Failure> {
    let viewer = demo_session(base, genesys_sim::VIEWER_CLIENT_ID).await?;
    let denied = viewer
        .client
        .create_integration(&CreateIntegrationRequest::eventbridge("should-not-exist"))
        .await;
    let denied_text = match denied {
        Err(e) if e.status() == Some(403) => e.to_string(),
        Err(e) => {
            return Err(Failure::failed(format!(
                "expected a 403 for the view-only client, got: {e}"
            )))
        }
        Ok(_) => {
            return Err(Failure::failed(
                "the view-only client was allowed to create an integration",
            ))
        }
    };
    steps.record(
        "a view-only client tries to create",
        first_line(&denied_text),
    );
    Ok(())
}

/// The same apply again: no change, and no write request (counted by the emulator).
async fn rerun_changes_nothing(
    session: &Session,
    destinations: &[Destination],
    base: &str,
    steps: &mut Steps,
) -> Result<u64, Failure> {
    let writes_before = write_count(base).await?;
    let rerun = plan(destinations, &read_live(&session.client).await?, false);
    let outcomes = apply_plan(&session.client, &rerun, &ApplyOptions::default(), &|_| {}).await;
    let writes = write_count(base).await? - writes_before;
    if rerun.has_changes() || !outcomes.is_empty() || writes != 0 {
        return Err(Failure::failed(format!(
            "re-running changed something: {writes} write request(s)"
        )));
    }
    steps.record(
        "re-run the same apply",
        format!("no changes, {writes} write requests (counted by the emulator)"),
    );
    Ok(writes)
}

/// What the run leaves: printed for a human, or one JSON document.
struct Summary<'a> {
    id: &'a str,
    topics: usize,
    writes: u64,
    total: Instant,
}

fn finish(human: bool, session: &Session, steps: &Steps, summary: Summary<'_>) {
    let Summary {
        id,
        topics,
        writes,
        total,
    } = summary;
    let org_id = &session.org.id;
    let bus_arn = SourceId::new(ACCOUNT, AWS_REGION, SUFFIX).bus_arn(org_id);
    let source = partner_event_source_name(org_id, SUFFIX);
    if human {
        outln!(
            "\nDone in {} ms. In a real org, Genesys now creates the partner event source",
            total.elapsed().as_millis()
        );
        outln!("  {source}");
        outln!("in AWS account {ACCOUNT} ({AWS_REGION}); associate it with an event bus to receive events:");
        outln!("  {bus_arn}");
        outln!(
            "\nTry it by hand: `gcbridge sim` in one terminal, then see the README's walkthrough."
        );
    } else {
        print_json(&serde_json::json!({
            "ok": true,
            "org_id": org_id,
            "integration_id": id,
            "topics": topics,
            "partner_event_source": source,
            "event_bus_arn": bus_arn,
            "rerun_writes": writes,
            "steps": steps.reports,
            "total_millis": total.elapsed().as_millis(),
        }));
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}
