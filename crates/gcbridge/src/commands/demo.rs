//! `gcbridge demo`: the tutorial's whole flow, step by step with timings, against an emulator
//! started in-process. It needs no network, no credentials and no set-up.

use std::time::{Duration, Instant};

use gcbridge_core::config::Origin;
use gcbridge_core::plan;
use gcbridge_core::resolve_destinations;
use gcbridge_core::{apply_plan, read_live, step_label, ApplyEvent, ApplyOptions};
use gcbridge_core::{partner_event_source_name, DestinationSpec, SourceId};
use genesys_client::{
    ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient, HttpPolicy, Secret,
};
use genesys_sim::SimConfig;
use serde::Serialize;

use crate::cli::{DemoArgs, GlobalArgs, OutputFormat};
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
        let report = StepReport {
            step: self.reports.len() + 1,
            title: title.into(),
            result: result.into(),
            millis,
        };
        if self.human {
            println!(
                "{:>2}. {:<34} {:>6} ms  {}",
                report.step, report.title, report.millis, report.result
            );
        }
        self.reports.push(report);
        self.last = Instant::now();
    }
}

fn demo_client(base_url: &str, client_id: &str) -> Result<GenesysClient, Failure> {
    let endpoint =
        Endpoint::from_api_url(base_url, None).map_err(|e| Failure::failed(e.to_string()))?;
    GenesysClient::new(ClientConfig {
        endpoint,
        credentials: Credentials {
            client_id: client_id.into(),
            client_secret: Secret::new(genesys_sim::DEFAULT_SECRET.to_string()),
            source: CredentialSource::Config("the demo's emulator clients".into()),
        },
        policy: HttpPolicy::default(),
        user_agent: format!("gcbridge-demo/{}", env!("CARGO_PKG_VERSION")),
    })
    .map_err(|e| Failure::failed(e.to_string()))
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
        println!("gcbridge demo: the tutorial's flow against an embedded Genesys Cloud emulator");
        println!("(no network, no credentials; every call below is real HTTP to 127.0.0.1)\n");
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

    let client = demo_client(&base, genesys_sim::ADMIN_CLIENT_ID)?;
    let org = client.organization_me().await?;
    let expiry = client.token_expiry().await?;
    let ttl = expiry
        .duration_since(std::time::SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    steps.record(
        "authenticate (client credentials)",
        format!("org \"{}\" ({}), token valid {ttl} s", org.name, org.id),
    );
    let session = Session {
        client: client.clone(),
        org: org.clone(),
        target: base.clone(),
    };

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
            .map(|s| (s.to_string(), Origin::Flag))
            .collect(),
        origin: Origin::Flag,
        warnings: vec![],
        aws: None,
    };
    let destinations = resolve_destinations(std::slice::from_ref(&spec), &catalogue, &org.id)?;
    let topic_count = destinations[0].topics.len();
    steps.record(
        "build the destination",
        format!(
            "{NAME}: account {ACCOUNT}, {AWS_REGION}, event types {} = {topic_count} topics of {}",
            EVENT_TYPES.join(","),
            catalogue.len()
        ),
    );

    let live = read_live(&client).await?;
    let first_plan = plan(&destinations, &live, false);
    let change = &first_plan.changes[0];
    steps.record(
        "plan",
        format!(
            "{:?}: {}",
            change.kind,
            change
                .steps
                .iter()
                .map(|s| step_label(*s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );

    // Each API step of the apply is timed on its own, as the tutorial lists them.
    let timings = std::sync::Mutex::new(Vec::<(String, u128)>::new());
    let step_started = std::sync::Mutex::new(Instant::now());
    let observe = |e: ApplyEvent<'_>| match e {
        ApplyEvent::StepStarted { .. } => {
            *step_started.lock().expect("not poisoned") = Instant::now()
        }
        ApplyEvent::StepDone { step, .. } => {
            let ms = step_started
                .lock()
                .expect("not poisoned")
                .elapsed()
                .as_millis();
            timings
                .lock()
                .expect("not poisoned")
                .push((step_label(step).to_string(), ms));
        }
        _ => {}
    };
    let outcomes = apply_plan(&client, &first_plan, &ApplyOptions::default(), &observe).await;
    if let Some(err) = outcomes.iter().find_map(|o| o.error.clone()) {
        return Err(Failure::failed(format!("the demo's apply failed: {err}")));
    }
    let id = outcomes[0].integration_id.clone().unwrap_or_default();
    let titles = [
        (
            "create integration",
            "create the integration",
            format!("POST /api/v2/integrations -> {id}"),
        ),
        (
            "write config",
            "subscribe the topics",
            format!("PUT .../config/current with {topic_count} topics"),
        ),
        (
            "enable",
            "enable",
            "PATCH intendedState ENABLED".to_string(),
        ),
    ];
    for (label, ms) in timings.into_inner().expect("not poisoned") {
        let (title, result) = titles
            .iter()
            .find(|(l, ..)| *l == label)
            .map(|(_, t, r)| (t.to_string(), r.clone()))
            .unwrap_or((label.clone(), String::new()));
        let report = StepReport {
            step: steps.reports.len() + 1,
            title,
            result,
            millis: ms,
        };
        if human {
            println!(
                "{:>2}. {:<34} {:>6} ms  {}",
                report.step, report.title, report.millis, report.result
            );
        }
        steps.reports.push(report);
    }
    steps.last = Instant::now();

    let state = gcbridge_core::wait_active(&client, &id, NAME, Duration::from_secs(30), &|_| {})
        .await
        .map_err(Failure::failed)?;
    steps.record("wait for ACTIVE", format!("reportedState {state}"));

    let live = read_live(&client).await?;
    let verify = plan(&destinations, &live, false);
    if verify.has_changes() {
        return Err(Failure::failed(
            "verification failed: the live integration differs from the destination",
        ));
    }
    steps.record(
        "verify (read back and compare)",
        format!(
            "matches: {} topics, partner event source {}",
            topic_count,
            partner_event_source_name(&org.id, SUFFIX)
        ),
    );

    let viewer = demo_client(&base, genesys_sim::VIEWER_CLIENT_ID)?;
    let denied = viewer
        .create_integration(&genesys_client::CreateIntegrationRequest {
            name: "should-not-exist".into(),
            integration_type: genesys_client::IntegrationTypeRef {
                id: genesys_client::EVENTBRIDGE_TYPE_ID.into(),
                ..Default::default()
            },
            notes: None,
        })
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

    let writes_before = write_count(&base).await?;
    let live = read_live(&client).await?;
    let rerun = plan(&destinations, &live, false);
    let outcomes = apply_plan(&client, &rerun, &ApplyOptions::default(), &|_| {}).await;
    let writes = write_count(&base).await? - writes_before;
    if rerun.has_changes() || !outcomes.is_empty() || writes != 0 {
        return Err(Failure::failed(format!(
            "re-running changed something: {writes} write request(s)"
        )));
    }
    steps.record(
        "re-run the same apply",
        format!("no changes, {writes} write requests (counted by the emulator)"),
    );

    let bus_arn = SourceId::new(ACCOUNT, AWS_REGION, SUFFIX).bus_arn(&org.id);
    if human {
        println!(
            "\nDone in {} ms. In a real org, Genesys now creates the partner event source",
            total.elapsed().as_millis()
        );
        println!("  {}", partner_event_source_name(&org.id, SUFFIX));
        println!("in AWS account {ACCOUNT} ({AWS_REGION}); associate it with an event bus to receive events:");
        println!("  {bus_arn}");
        println!(
            "\nTry it by hand: `gcbridge sim` in one terminal, then see the README's walkthrough."
        );
    } else {
        print_json(&serde_json::json!({
            "ok": true,
            "org_id": org.id,
            "integration_id": id,
            "topics": topic_count,
            "partner_event_source": partner_event_source_name(&org.id, SUFFIX),
            "event_bus_arn": bus_arn,
            "rerun_writes": writes,
            "steps": steps.reports,
            "total_millis": total.elapsed().as_millis(),
        }));
    }
    sim.shutdown().await;
    Ok(())
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}
