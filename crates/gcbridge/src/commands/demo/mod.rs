//! `gcbridge demo`: the tutorial's whole chain, step by step with timings: the Genesys half
//! against an emulator started in-process, and the AWS half against moto (started by the
//! project's launcher, `scripts/moto-server`) or an endpoint given with `--aws-endpoint` /
//! `AWS_ENDPOINT_URL`. Events published by the emulator arrive in an SQS queue and a Logs
//! group; doctor goes green; the tutorial's four errors are shown live; the re-run changes
//! nothing. Without python3 the Genesys half runs and the demo says what it skipped.

mod aws_half;
mod errors;
mod moto;
mod report;

use std::time::{Duration, Instant};

use gcbridge_core::config::{ConnectionFlags, Origin};
use gcbridge_core::{
    apply_plan, partner_event_source_name, plan, read_live, resolve_destinations, step_label,
    wait_active, ApplyEvent, ApplyOptions, AwsSpec, Destination, DestinationSpec,
};
use genesys_sim::SimConfig;
use serde::Serialize;

use crate::cli::{DemoArgs, GlobalArgs, OutputFormat};
use crate::connect::{self, Environment};
use crate::escape::outln;
use crate::failure::{CmdResult, Failure};
use crate::session::Session;
use report::{finish, Summary};

const ACCOUNT: &str = "123456789012";
const AWS_REGION: &str = "us-east-1";
const NAME: &str = "gcbridge-demo";
const EVENT_TYPES: &[&str] = &["conversation", "user", "routing"];
/// Fast enough that three events arrive within a second of the association.
const EVENTS_PER_SECOND: f64 = 20.0;

#[derive(Serialize)]
struct StepReport {
    step: usize,
    ok: bool,
    title: String,
    result: String,
    millis: u128,
    /// What one step did in several parts (the AWS apply's actions), one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    details: Vec<String>,
}

pub struct Steps {
    human: bool,
    reports: Vec<StepReport>,
    pub last: Instant,
}

impl Steps {
    pub fn record(&mut self, title: &str, result: impl Into<String>) {
        let millis = self.last.elapsed().as_millis();
        self.push_timed(title, result, millis);
        self.last = Instant::now();
    }

    /// A step whose time was measured elsewhere.
    pub fn push_timed(&mut self, title: &str, result: impl Into<String>, millis: u128) {
        let report = StepReport {
            step: self.reports.len() + 1,
            ok: true,
            title: title.into(),
            result: result.into(),
            millis,
            details: vec![],
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

    /// Lines under the last step.
    pub fn details(&mut self, lines: Vec<String>) {
        if self.human {
            for line in &lines {
                outln!("{:>46}- {line}", "");
            }
        }
        if let Some(last) = self.reports.last_mut() {
            last.details = lines;
        }
    }
}

/// A session with one of the emulator's clients, built by the same code as every other command's:
/// the flags go through core's precedence rule (no environment: the demo must not pick up a real
/// org's variables) and `Session::connect`.
pub(super) async fn demo_session(base_url: &str, client_id: &str) -> Result<Session, Failure> {
    let flags = ConnectionFlags {
        api_url: Some(base_url.to_string()),
        client_id: Some(client_id.to_string()),
        client_secret: Some(genesys_sim::DEFAULT_SECRET.to_string()),
        ..ConnectionFlags::default()
    };
    let conn = connect::resolve(&flags, None, &Environment::empty())?;
    Session::connect(&conn, None).await
}

/// Where the AWS half runs, or why it does not.
enum AwsSide {
    /// An endpoint the user runs: what the demo makes there is destroyed at the end.
    External(String),
    /// moto started by the demo (stopped when this is dropped).
    Own(moto::Moto),
    Skipped(String),
}

impl AwsSide {
    fn endpoint(&self) -> Option<&str> {
        match self {
            AwsSide::External(url) => Some(url),
            AwsSide::Own(m) => Some(&m.endpoint),
            AwsSide::Skipped(_) => None,
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &DemoArgs) -> CmdResult {
    // A signal drops the demo's future: moto's guard stops its process group.
    crate::signals::guarded(run_demo(global, args)).await
}

async fn run_demo(global: &GlobalArgs, args: &DemoArgs) -> CmdResult {
    let human = global.output == OutputFormat::Human;
    let total = Instant::now();
    let mut steps = Steps {
        human,
        reports: vec![],
        last: Instant::now(),
    };
    if human {
        outln!(
            "gcbridge demo: the whole chain, Genesys Cloud (an embedded emulator) to AWS (moto)"
        );
        outln!("(no network, no credentials; every call below is real HTTP to 127.0.0.1)\n");
    }
    let aws = aws_side(global, &mut steps).await?;
    if aws.endpoint().is_some() {
        use_test_keys();
    }
    let config = SimConfig {
        activation_delay: Duration::from_millis(args.activation_delay_ms),
        eventbridge_endpoint: aws.endpoint().map(String::from),
        events_per_second: if aws.endpoint().is_some() {
            EVENTS_PER_SECOND
        } else {
            0.0
        },
        ..SimConfig::default()
    };
    let sim = genesys_sim::start(config, "127.0.0.1:0".parse().expect("a valid address"))
        .await
        .map_err(|e| Failure::failed(format!("cannot start the embedded emulator: {e}")))?;
    let base = sim.base_url();
    steps.record("start the emulator", base.clone());
    let result = chain(&base, &aws, &mut steps).await;
    sim.shutdown().await;
    let (session, mut summary) = result?;
    summary.total = total;
    finish(human, &session, &steps, summary);
    drop(aws);
    Ok(())
}

/// Both halves, the four errors and the re-run.
async fn chain(
    base: &str,
    aws: &AwsSide,
    steps: &mut Steps,
) -> Result<(Session, Summary), Failure> {
    let suffix = unique_suffix();
    let session = demo_session(base, genesys_sim::ADMIN_CLIENT_ID).await?;
    steps.record(
        "authenticate (client credentials)",
        format!(
            "org \"{}\" ({}), token valid {} s",
            session.org.name,
            session.org.id,
            session.token_valid_secs().await?
        ),
    );
    let mut destinations = build_destination(&session, &suffix, steps).await?;
    let id = create_and_enable(&session, &destinations, steps).await?;
    verify(&session, &destinations, &suffix, steps).await?;
    let mut events_received = 0;
    let half = match aws.endpoint() {
        Some(endpoint) => {
            let half = aws_half::build(&session, &destinations, endpoint, &suffix, steps).await?;
            events_received += aws_half::events_arrive(&half, 3, "events arrive", steps).await?;
            aws_half::doctor_green(&session, &half, steps).await?;
            destinations = half.destinations.clone();
            Some(half)
        }
        None => None,
    };
    errors::viewer_is_refused(base, steps).await?;
    errors::bad_arn_is_refused(base, steps).await?;
    errors::storm_is_paced(&session, base, steps).await?;
    if let Some(half) = &half {
        events_received += errors::events_not_appearing(&session, half, steps).await?;
    }
    let writes =
        errors::rerun_changes_nothing(&session, &destinations, aws.endpoint(), base, steps).await?;
    if let (AwsSide::External(_), Some(half)) = (aws, &half) {
        aws_half::destroy(&session, half, steps).await?;
    }
    let summary = Summary {
        id,
        suffix,
        topics: destinations[0].topics.len(),
        writes,
        events_received,
        aws: match aws {
            AwsSide::External(url) => format!("external endpoint {url}"),
            AwsSide::Own(m) => format!("moto started by scripts/moto-server on {}", m.endpoint),
            AwsSide::Skipped(_) => "skipped".into(),
        },
        skipped: match aws {
            AwsSide::Skipped(why) => Some(why.clone()),
            _ => None,
        },
        total: Instant::now(),
    };
    Ok((session, summary))
}

/// `--aws-endpoint` / `AWS_ENDPOINT_URL`, else moto through the launcher, else skipped (why).
async fn aws_side(global: &GlobalArgs, steps: &mut Steps) -> Result<AwsSide, Failure> {
    let given = global.aws_endpoint.clone().or_else(|| {
        std::env::var("AWS_ENDPOINT_URL")
            .ok()
            .filter(|v| !v.is_empty())
    });
    if let Some(url) = given {
        return Ok(AwsSide::External(url));
    }
    let launcher = match moto::launcher().and_then(|l| moto::python_ready(&l).map(|()| l)) {
        Ok(l) => l,
        Err(moto::Unavailable(why)) => return Ok(AwsSide::Skipped(why)),
    };
    let moto = moto::start(&launcher).await?;
    steps.record("start moto (scripts/moto-server)", moto.endpoint.clone());
    Ok(AwsSide::Own(moto))
}

/// The demo's own SDK clients sign with moto's static test keys, so a user's real credentials
/// never go anywhere (not even to loopback), and no instance metadata is asked for. Set before
/// any task reads the environment; the process ends with the demo.
fn use_test_keys() {
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_REGION", AWS_REGION),
    ] {
        std::env::set_var(k, v);
    }
    for k in ["AWS_SESSION_TOKEN", "AWS_PROFILE"] {
        std::env::remove_var(k);
    }
}

/// A suffix of its own per run, so a re-used moto or LocalStack holds no twin of it.
fn unique_suffix() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{NAME}-{:08x}",
        (n as u64 ^ u64::from(std::process::id())) & 0xffff_ffff
    )
}

/// The demo's destination as flags would give it.
fn spec(suffix: &str, aws: Option<AwsSpec>) -> DestinationSpec {
    DestinationSpec {
        name: NAME.into(),
        description: Some("created by gcbridge demo".into()),
        enabled: true,
        aws_account_id: ACCOUNT.into(),
        aws_region: AWS_REGION.into(),
        event_source_suffix: suffix.into(),
        expected_org_id: None,
        event_bus_arn_at: None,
        selectors: EVENT_TYPES
            .iter()
            .map(|s| (s.to_string(), Origin::Flag, "--event-types".to_string()))
            .collect(),
        origin: Origin::Flag,
        warnings: vec![],
        aws,
    }
}

/// The demo's destination, its event types expanded against the org's catalogue.
async fn build_destination(
    session: &Session,
    suffix: &str,
    steps: &mut Steps,
) -> Result<Vec<Destination>, Failure> {
    let catalogue = session.catalogue().await?;
    let spec = spec(suffix, None);
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
    suffix: &str,
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
            partner_event_source_name(&session.org.id, suffix)
        ),
    );
    Ok(())
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}
