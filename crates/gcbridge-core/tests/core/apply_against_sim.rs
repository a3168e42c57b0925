//! The apply engine against the emulator: a concurrent edit (409 on the config version) is re-read
//! and re-decided, never overwritten blindly; a lost create response is adopted on the next run.

use std::sync::Mutex;
use std::time::Duration;

use gcbridge_core::config::Origin;
use gcbridge_core::Destination;
use gcbridge_core::{apply_plan, read_live, ApplyEvent, ApplyOptions};
use gcbridge_core::{plan, topic_set, ChangeKind};
use genesys_sim::{FaultKind, FaultRule, SimConfig};

use crate::common::client;

/// The emulator (integrations active after 10 ms) with `faults` from the start.
async fn sim_with_faults(faults: Vec<FaultRule>) -> genesys_sim::RunningSim {
    gcbridge_testkit::sim::start(SimConfig {
        faults,
        ..gcbridge_testkit::sim::quick_config(Duration::from_millis(10))
    })
    .await
}

const CREATE: &str = "POST /api/v2/integrations";

/// `kind` on the first `count` calls of `route` (`METHOD /path`).
fn fault(kind: FaultKind, route: &str, count: u64) -> FaultRule {
    FaultRule::new(kind).on(route).with_count(count)
}

fn destination(topics: &[&str]) -> Destination {
    Destination {
        name: "prod".into(),
        description: Some("desired notes".into()),
        enabled: true,
        aws_account_id: "123456789012".into(),
        aws_region: "us-east-1".into(),
        event_source_suffix: "prod".into(),
        topics: topic_set(topics.iter().copied()),
        origin: Origin::Flag,
        aws: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_concurrent_edit_is_reread_and_the_desired_config_still_lands() {
    let sim = sim_with_faults(vec![fault(
        FaultKind::ConcurrentEdit,
        "PUT /api/v2/integrations/{integrationId}/config/current",
        2,
    )])
    .await;
    let c = client(&sim.base_url());
    let desired = [destination(&[
        "v2.users.{id}.presence",
        "v2.users.{id}.routingStatus",
    ])];
    let p = plan(&desired, &read_live(&c).await.unwrap(), false);
    assert_eq!(p.changes[0].kind, ChangeKind::Create);

    let conflicts = Mutex::new(Vec::new());
    let observe = |e: ApplyEvent<'_>| {
        if let ApplyEvent::Conflict { round, .. } = e {
            conflicts.lock().unwrap().push(round);
        }
    };
    let outcomes = apply_plan(&c, &p, &ApplyOptions::default(), &observe).await;
    assert!(outcomes[0].ok(), "{outcomes:?}");
    assert_eq!(
        *conflicts.lock().unwrap(),
        vec![1, 2],
        "two 409s, each re-read"
    );

    let live = read_live(&c).await.unwrap();
    assert_eq!(live.len(), 1);
    assert_eq!(live[0].topics, desired[0].topics);
    assert_eq!(live[0].notes.as_deref(), Some("desired notes"));
    assert!(!plan(&desired, &live, false).has_changes());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_create_response_is_adopted_in_the_same_run() {
    let sim = sim_with_faults(vec![fault(FaultKind::LoseResponse, CREATE, 1)]).await;
    let c = client(&sim.base_url());
    let desired = [destination(&["v2.users.{id}.presence"])];
    let p = plan(&desired, &read_live(&c).await.unwrap(), false);
    let outcomes = apply_plan(&c, &p, &ApplyOptions::default(), &|_| {}).await;
    assert!(outcomes[0].ok(), "the lost create is adopted: {outcomes:?}");
    let live = read_live(&c).await.unwrap();
    assert_eq!(live.len(), 1, "no duplicate");
    assert!(!plan(&desired, &live, false).has_changes());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lost_create_response_is_adopted_by_the_next_run() {
    // The POST's response is lost and the read that would adopt it in the same run fails too.
    let sim = sim_with_faults(vec![
        fault(FaultKind::LoseResponse, CREATE, 1),
        fault(FaultKind::Status(400), "GET /api/v2/integrations", 1),
    ])
    .await;
    let c = client(&sim.base_url());
    let desired = [destination(&["v2.users.{id}.presence"])];
    let p = plan(&desired, &[], false);
    let outcomes = apply_plan(&c, &p, &ApplyOptions::default(), &|_| {}).await;
    assert!(
        !outcomes[0].ok(),
        "the client saw the POST fail: {outcomes:?}"
    );
    assert!(
        outcomes[0]
            .error
            .as_deref()
            .unwrap()
            .contains("create integration"),
        "{outcomes:?}"
    );

    // The integration was created nevertheless; the next plan resumes it.
    let live = read_live(&c).await.unwrap();
    assert_eq!(live.len(), 1);
    let p = plan(&desired, &live, false);
    assert!(p.changes[0].resumes_unfinished_create, "{p:?}");
    let outcomes = apply_plan(&c, &p, &ApplyOptions::default(), &|_| {}).await;
    assert!(outcomes[0].ok(), "{outcomes:?}");
    let live = read_live(&c).await.unwrap();
    assert_eq!(live.len(), 1, "no duplicate");
    assert!(!plan(&desired, &live, false).has_changes());
}
