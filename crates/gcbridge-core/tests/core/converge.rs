//! The converge module against the emulator (Genesys) and moto (AWS), one test per rule that
//! spans the two halves: destroy removes the AWS half first; the AWS half is skipped when its
//! Genesys half failed; `wait` covers unchanged destinations; a re-converge writes nothing;
//! outcomes name their half. The moto tests run under scripts/with-moto
//! (GCBRIDGE_TEST_MOTO_ENDPOINT); without it they say so loudly, and fail under CI.

use std::sync::Mutex;
use std::time::Duration;

use gcbridge_core::config::Origin;
use gcbridge_core::{
    carry_out, plan_org, topic_set, ApplyEvent, AwsSpec, ChangeKind, ConvergeEvent,
    ConvergeOptions, Desired, Destination, DestinationOutcome, DestinationSpec, Half, SkipReason,
    DEFAULT_PATTERN,
};
use gcbridge_testkit::moto::{sdk_config, unique};
use gcbridge_testkit::sim;

use crate::common::{client, moto, routed, ACCOUNT, REGION};
use genesys_client::GenesysClient;
use genesys_sim::{FaultKind, FaultRule, RunningSim, SimConfig, DEFAULT_ORG_ID};
use serde_json::Value;

/// moto's account for plain credentials: the tests act as this customer.
const PUT_CONFIG: &str = "PUT /api/v2/integrations/{integrationId}/config/current";

pub(crate) async fn sim(eventbridge: Option<&str>, faults: Vec<FaultRule>) -> RunningSim {
    let config = SimConfig {
        activation_delay: Duration::from_millis(50),
        eventbridge_endpoint: eventbridge.map(String::from),
        faults,
        ..SimConfig::default()
    };
    sim::start(config).await
}

pub(crate) fn destination(name: &str, aws: Option<AwsSpec>) -> Destination {
    Destination {
        name: name.into(),
        description: None,
        enabled: true,
        aws_account_id: ACCOUNT.into(),
        aws_region: REGION.into(),
        event_source_suffix: name.into(),
        topics: topic_set(["v2.users.{id}.presence"]),
        origin: Origin::Flag,
        aws,
    }
}

fn spec_of(d: &Destination) -> DestinationSpec {
    DestinationSpec {
        name: d.name.clone(),
        description: d.description.clone(),
        enabled: d.enabled,
        aws_account_id: d.aws_account_id.clone(),
        aws_region: d.aws_region.clone(),
        event_source_suffix: d.event_source_suffix.clone(),
        expected_org_id: None,
        event_bus_arn_at: None,
        selectors: vec![],
        origin: Origin::Flag,
        warnings: vec![],
        aws: d.aws.clone(),
    }
}

/// An AWS half that associates the bus and routes everything to a fresh SQS queue.
pub(crate) async fn aws_half(moto: &str, suffix: &str) -> AwsSpec {
    let sqs = aws_sdk_sqs::Client::new(&sdk_config(moto, REGION).await);
    let queue = format!("q-{suffix}");
    sqs.create_queue().queue_name(&queue).send().await.unwrap();
    routed(
        DEFAULT_PATTERN,
        &format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"),
    )
}

async fn bus_exists(moto: &str, suffix: &str) -> bool {
    let events = aws_sdk_eventbridge::Client::new(&sdk_config(moto, REGION).await);
    let name = format!("aws.partner/genesys.com/cloud/{DEFAULT_ORG_ID}/{suffix}");
    events.describe_event_bus().name(name).send().await.is_ok()
}

pub(crate) fn options(moto: Option<&str>, wait: Option<u64>) -> ConvergeOptions {
    ConvergeOptions {
        wait: wait.map(Duration::from_secs),
        aws_endpoint: moto.map(String::from),
        ..ConvergeOptions::default()
    }
}

/// The progress events of a carry-out, as short lines in the order they came.
fn record(log: &Mutex<Vec<String>>, e: ConvergeEvent<'_>) {
    let line = match e {
        ConvergeEvent::Genesys(ApplyEvent::StepStarted { destination, step }) => {
            format!("genesys {destination} {step:?}")
        }
        ConvergeEvent::AwsStarted { destination, .. } => format!("aws-started {destination}"),
        ConvergeEvent::AwsActionDone { action, .. } => format!("aws {action}"),
        _ => return,
    };
    log.lock().unwrap().push(line);
}

/// Plans and carries out `desired`; the outcomes and the progress lines.
pub(crate) async fn run(
    c: &GenesysClient,
    desired: Desired<'_>,
    options: &ConvergeOptions,
) -> (Vec<DestinationOutcome>, Vec<String>) {
    let plan = plan_org(c, DEFAULT_ORG_ID, desired, options).await.unwrap();
    let log = Mutex::new(Vec::new());
    let outcomes = carry_out(c, &plan, options, &|e| record(&log, e)).await;
    (outcomes, log.into_inner().unwrap())
}

pub(crate) fn all_ok(outcomes: &[DestinationOutcome]) -> bool {
    outcomes.iter().all(DestinationOutcome::ok)
}

/// An emulator whose EventBridge partner is moto (with `faults`), its admin client, and one
/// destination `<prefix>-<hex>` whose AWS half routes to a queue of its own: where the suites
/// that converge both halves start.
pub(crate) struct BothHalves {
    /// Kept for the test's length: the emulator stops when it drops.
    pub _sim: RunningSim,
    pub base: String,
    pub c: GenesysClient,
    pub name: String,
    pub d: [Destination; 1],
    /// moto's endpoint and a 30 s wait for the integration: what [`converged`] converges with.
    pub opts: ConvergeOptions,
}

pub(crate) async fn both_halves(moto: &str, prefix: &str, faults: Vec<FaultRule>) -> BothHalves {
    let sim = sim(Some(moto), faults).await;
    let base = sim.base_url();
    let name = unique(prefix);
    BothHalves {
        c: client(&base),
        d: [destination(&name, Some(aws_half(moto, &name).await))],
        _sim: sim,
        base,
        name,
        opts: options(Some(moto), Some(30)),
    }
}

/// [`both_halves`], converged once (waiting up to 30 s for the integration): every outcome ok.
pub(crate) async fn converged(moto: &str, prefix: &str) -> BothHalves {
    let h = both_halves(moto, prefix, vec![]).await;
    let (outcomes, _) = run(&h.c, Desired::Converge(&h.d), &h.opts).await;
    assert!(all_ok(&outcomes), "{outcomes:#?}");
    h
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_removes_the_aws_half_before_the_integration() {
    let Some(moto) = moto() else {
        return;
    };
    let h = converged(&moto, "destroy").await;
    assert!(bus_exists(&moto, &h.name).await);

    let specs = [spec_of(&h.d[0])];
    let (outcomes, log) = run(&h.c, Desired::Destroy(&specs), &options(Some(&moto), None)).await;
    assert!(all_ok(&outcomes), "{outcomes:#?}");
    let first = |prefix: &str| log.iter().position(|l| l.starts_with(prefix)).unwrap();
    let bus_deleted = first("aws delete the partner event bus");
    let integration_deleted = first(&format!("genesys {} Delete", h.name));
    assert!(bus_deleted < integration_deleted, "{log:#?}");
    let halves: Vec<Half> = outcomes.iter().map(DestinationOutcome::half).collect();
    assert_eq!(halves, [Half::Aws, Half::Genesys]);
    assert!(!bus_exists(&moto, &h.name).await, "the bus is gone");
    assert!(gcbridge_core::read_live(&h.c).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_aws_half_is_skipped_when_its_genesys_half_failed() {
    let Some(moto) = moto() else {
        return;
    };
    let fault = FaultRule::new(FaultKind::Status(400)).on(PUT_CONFIG);
    let h = both_halves(&moto, "skip", vec![fault]).await;
    let (outcomes, log) = run(&h.c, Desired::Converge(&h.d), &options(Some(&moto), None)).await;
    let [DestinationOutcome::Genesys(g), DestinationOutcome::Aws(a)] = outcomes.as_slice() else {
        panic!("one outcome per half: {outcomes:#?}");
    };
    assert!(
        g.error.as_deref().unwrap().contains("write config"),
        "{g:?}"
    );
    assert_eq!(a.skipped, Some(SkipReason::GenesysHalfFailed));
    assert!(a.actions_done.is_empty() && a.error.is_none(), "{a:?}");
    assert!(!outcomes[1].ok());
    assert!(
        outcomes[1].problem().unwrap().contains("the Genesys side"),
        "{outcomes:#?}"
    );
    assert!(!log.iter().any(|l| l.starts_with("aws")), "{log:#?}");
    assert!(
        !bus_exists(&moto, &h.name).await,
        "nothing was written in AWS"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_covers_an_unchanged_enabled_destination() {
    let sim = sim(None, vec![]).await;
    let c = client(&sim.base_url());
    let d = [destination("steady", None)];
    let (outcomes, _) = run(&c, Desired::Converge(&d), &options(None, None)).await;
    assert!(all_ok(&outcomes) && outcomes.len() == 1, "{outcomes:#?}");

    let (outcomes, log) = run(&c, Desired::Converge(&d), &options(None, Some(10))).await;
    assert!(log.is_empty(), "nothing to change: {log:#?}");
    let [DestinationOutcome::Genesys(o)] = outcomes.as_slice() else {
        panic!("the unchanged destination is reported: {outcomes:#?}");
    };
    assert_eq!(o.kind, ChangeKind::Unchanged);
    assert_eq!(o.reported_state.as_deref(), Some("ACTIVE"), "{o:?}");
    assert!(o.ok() && o.steps_done.is_empty(), "{o:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reconverge_of_a_converged_org_changes_nothing() {
    let Some(moto) = moto() else {
        return;
    };
    let h = converged(&moto, "again").await;

    sim::clear_requests(&h.base).await;
    let plan = plan_org(&h.c, DEFAULT_ORG_ID, Desired::Converge(&h.d), &h.opts)
        .await
        .unwrap();
    assert!(!plan.has_changes(), "{plan:#?}");
    assert_eq!(plan.aws_action_count(), 0, "{plan:#?}");
    let opts = options(Some(&moto), None);
    let outcomes = carry_out(&h.c, &plan, &opts, &|_| {}).await;
    assert!(outcomes.is_empty(), "{outcomes:#?}");
    assert_eq!(sim::writes(&h.base).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn outcomes_name_their_half() {
    let Some(moto) = moto() else {
        return;
    };
    let h = both_halves(&moto, "halves", vec![]).await;
    let (outcomes, _) = run(&h.c, Desired::Converge(&h.d), &h.opts).await;
    let [genesys, aws] = outcomes.as_slice() else {
        panic!("one outcome per half: {outcomes:#?}");
    };
    assert_eq!((genesys.half(), aws.half()), (Half::Genesys, Half::Aws));
    assert_eq!(
        (genesys.destination(), aws.destination()),
        (&*h.name, &*h.name)
    );
    let DestinationOutcome::Aws(a) = aws else {
        unreachable!()
    };
    assert!(a.ok(), "{a:?}");
    assert!(
        a.actions_done[0].starts_with("associate") && a.actions_done.len() > 1,
        "{a:?}"
    );
    let json = serde_json::to_value(&outcomes).unwrap();
    assert_eq!(json[0]["half"], "genesys", "{json}");
    assert_eq!(json[1]["half"], "aws", "{json}");
    assert_eq!(
        json[1]["destination"],
        Value::String(h.name.clone()),
        "{json}"
    );
    assert!(
        json[1].get("kind").is_none(),
        "no made-up change kind: {json}"
    );
}
