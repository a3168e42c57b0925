//! Two runs at once (issue 11 section 3) against the emulator: two converges racing on one org
//! leave exactly one integration per destination; a twin planted between plan and create is
//! settled by the create; a twin found at plan time is a change that the apply removes; and the
//! org's lock makes a second run plan only after the first one's carry-out.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gcbridge_core::{
    carry_out, plan_org, plan_org_locked, read_live, ChangeKind, ConvergeOptions, Desired,
    Destination, DestinationOutcome, EarlyLive, LiveIntegration, LockEvent, LockRequest,
};
use gcbridge_testkit::sim;
use genesys_client::{CreateIntegrationRequest, GenesysClient};
use genesys_sim::{FaultKind, FaultRule, SimConfig, DEFAULT_ORG_ID};

use crate::common::client;
use crate::converge::destination;

const CREATE: &str = "POST /api/v2/integrations";

/// The emulator; with `create_latency`, every create waits that long before it is handled, so two
/// runs started together both plan before either create lands (the race of two CI pipelines).
async fn emulator(create_latency: Option<u64>) -> genesys_sim::RunningSim {
    let faults = create_latency
        .map(|ms| vec![FaultRule::new(FaultKind::Latency { ms }).on(CREATE)])
        .unwrap_or_default();
    sim::start(SimConfig {
        faults,
        ..sim::quick_config(Duration::from_millis(10))
    })
    .await
}

fn destinations(names: &[&str]) -> Vec<Destination> {
    names.iter().map(|n| destination(n, None)).collect()
}

async fn converge(c: &GenesysClient, d: &[Destination]) -> Vec<DestinationOutcome> {
    let options = ConvergeOptions::default();
    let plan = plan_org(c, DEFAULT_ORG_ID, Desired::Converge(d), &options)
        .await
        .unwrap();
    carry_out(c, &plan, &options, &|_| {}).await
}

/// The live integrations by name.
async fn by_name(c: &GenesysClient) -> BTreeMap<String, Vec<LiveIntegration>> {
    let mut out: BTreeMap<String, Vec<LiveIntegration>> = BTreeMap::new();
    for l in read_live(c).await.unwrap() {
        out.entry(l.name.clone()).or_default().push(l);
    }
    out
}

/// Exactly one integration per destination, configured for it and enabled, and nothing else.
async fn assert_one_each(c: &GenesysClient, d: &[Destination]) {
    let live = by_name(c).await;
    assert_eq!(
        live.keys().collect::<Vec<_>>(),
        d.iter().map(|d| &d.name).collect::<Vec<_>>()
    );
    for dest in d {
        let found = &live[&dest.name];
        assert_eq!(found.len(), 1, "{}: {found:#?}", dest.name);
        assert_eq!(found[0].source_id(), Some(dest.source_id()));
        assert!(found[0].enabled, "{found:#?}");
    }
}

async fn plant_twin(c: &GenesysClient, name: &str) -> String {
    c.create_integration(&CreateIntegrationRequest::eventbridge(name))
        .await
        .unwrap()
        .id
}

#[tokio::test(flavor = "multi_thread")]
async fn two_converges_racing_leave_one_integration_per_destination() {
    let sim = emulator(Some(300)).await;
    let d = destinations(&["alpha", "beta", "gamma"]);
    let (a, b) = (client(&sim.base_url()), client(&sim.base_url()));
    // Two runs in one task, interleaved at every request (the futures are polled together).
    let (first, second) = tokio::join!(converge(&a, &d), converge(&b, &d));
    for o in first.iter().chain(&second) {
        assert!(o.ok(), "{o:#?}");
    }
    let c = client(&sim.base_url());
    assert_one_each(&c, &d).await;
    // Both runs went on with the same integration, the one left.
    let live = by_name(&c).await;
    for o in first.iter().chain(&second) {
        let DestinationOutcome::Genesys(g) = o else {
            continue;
        };
        assert_eq!(g.integration_id.as_ref(), Some(&live[&g.name][0].id));
    }
    let again = converge(&c, &d).await;
    assert!(
        again.is_empty(),
        "a third run has nothing to do: {again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn twins_planted_between_plan_and_create_are_settled_by_the_create() {
    let sim = emulator(None).await;
    let c = client(&sim.base_url());
    let d = destinations(&["alpha"]);
    let options = ConvergeOptions::default();
    let plan = plan_org(&c, DEFAULT_ORG_ID, Desired::Converge(&d), &options)
        .await
        .unwrap();
    assert_eq!(plan.genesys.changes[0].kind, ChangeKind::Create);
    // Another run's creates land after this plan and before this run's create; with three, the
    // one this run creates is the keeper in some runs of the test and a twin in others.
    let mut planted = Vec::new();
    for _ in 0..3 {
        planted.push(plant_twin(&c, "alpha").await);
    }
    let outcomes = carry_out(&c, &plan, &options, &|_| {}).await;
    let DestinationOutcome::Genesys(g) = &outcomes[0] else {
        panic!("{outcomes:#?}")
    };
    assert!(g.ok(), "{g:#?}");
    assert_eq!(g.twins_removed.len(), 3, "{g:#?}");
    assert_one_each(&c, &d).await;
    // The keeper is the smallest id of the four.
    let kept = g.integration_id.clone().unwrap();
    planted.push(kept.clone());
    assert_eq!(planted.iter().min(), Some(&kept));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_twin_found_at_plan_time_is_a_change_and_the_apply_removes_it() {
    let sim = emulator(None).await;
    let c = client(&sim.base_url());
    let d = destinations(&["alpha", "beta"]);
    assert!(converge(&c, &d).await.iter().all(DestinationOutcome::ok));
    let twin = plant_twin(&c, "beta").await;

    let options = ConvergeOptions::default();
    let plan = plan_org(&c, DEFAULT_ORG_ID, Desired::Converge(&d), &options)
        .await
        .unwrap();
    assert!(
        plan.has_changes(),
        "a twin is a change: {:#?}",
        plan.genesys
    );
    let change = plan
        .genesys
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::RemoveTwin)
        .unwrap();
    assert_eq!(change.integration_id.as_ref(), Some(&twin));
    assert!(plan.genesys.unmanaged.is_empty());
    let outcomes = carry_out(&c, &plan, &options, &|_| {}).await;
    assert!(outcomes.iter().all(DestinationOutcome::ok), "{outcomes:#?}");
    assert_one_each(&c, &d).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_locked_run_plans_only_after_the_one_holding_the_lock_carried_out() {
    let sim = emulator(None).await;
    let dir = tempfile::tempdir().unwrap();
    let d = destinations(&["alpha"]);
    let options = ConvergeOptions::default();
    let c = client(&sim.base_url());
    let request = LockRequest {
        dir: dir.path(),
        observe: &|e: LockEvent<'_>| panic!("the lock is free: {e:?}"),
    };
    let first = plan_org_locked(
        &c,
        DEFAULT_ORG_ID,
        Desired::Converge(&d),
        &options,
        request,
        None,
    )
    .await
    .unwrap();
    assert!(first.has_changes());
    // What the second run read before it took the lock: stale once the first carried out.
    let early = EarlyLive {
        started: std::time::SystemTime::now(),
        live: read_live(&c).await.unwrap(),
    };

    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let second_planned = AtomicBool::new(false);
    let observe = |e: LockEvent<'_>| {
        if let LockEvent::Waiting(holder) = e {
            let _ = tx.lock().unwrap().take().unwrap().send(holder.pid);
        }
    };
    let second = async {
        let request = LockRequest {
            dir: dir.path(),
            observe: &observe,
        };
        let c = client(&sim.base_url());
        let early = Some(early);
        let plan = plan_org_locked(
            &c,
            DEFAULT_ORG_ID,
            Desired::Converge(&d),
            &options,
            request,
            early,
        )
        .await
        .unwrap();
        second_planned.store(true, Ordering::SeqCst);
        plan.genesys
    };
    let first_run = async {
        // A bound, not a timing assert: a second run that never waits fails instead of hanging.
        let holder = tokio::time::timeout(Duration::from_secs(60), rx)
            .await
            .expect("the second run waits for the lock");
        assert_eq!(holder.unwrap(), Some(std::process::id()));
        let outcomes = carry_out(&c, &first, &options, &|_| {}).await;
        assert!(outcomes.iter().all(DestinationOutcome::ok));
        assert!(
            !second_planned.load(Ordering::SeqCst),
            "the lock is held until the plan is dropped"
        );
        drop(first);
    };
    let ((), second) = tokio::join!(first_run, second);
    assert!(
        !second.has_changes(),
        "the second run planned after the first carried out: {second:#?}"
    );
    assert_one_each(&c, &d).await;
}
