//! reportedState transitions driven by PATCH intendedState and config changes, and the
//! lifecycle hook that can fail an activation.

use std::sync::Arc;
use std::time::Duration;

use genesys_sim::lifecycle::{BoxFuture, HookRequest, LifecycleHook};
use genesys_sim::{start_with_hook, DEFAULT_ORG_ID};

use crate::common::{quick_config, Api, Harness, EB};

async fn state(api: &Api, id: &str) -> serde_json::Value {
    api.get(&format!("/api/v2/integrations/{id}")).await.body["reportedState"].clone()
}

async fn patch(api: &Api, id: &str, intended: &str) -> serde_json::Value {
    let i = api.set_intended(id, intended).await;
    assert_eq!(i["intendedState"], intended);
    i
}

const SETTLE: Duration = Duration::from_millis(300);

#[tokio::test]
async fn enable_activates_then_disable_deactivates() {
    let (_h, api, id) = Harness::with_integration("events").await;
    api.configure(&id, 1, "s").await;
    let i = patch(&api, &id, "ENABLED").await;
    assert_eq!(i["reportedState"]["code"], "ACTIVATING");
    assert_eq!(i["reportedState"]["effective"], "Activating");
    assert_eq!(state(&api, &id).await["code"], "ACTIVATING");
    tokio::time::sleep(SETTLE).await;
    let s = state(&api, &id).await;
    assert_eq!(s["code"], "ACTIVE");
    assert_eq!(s["effective"], "Active");
    assert!(s.get("detail").is_none());

    // Enabling again changes nothing.
    assert_eq!(
        patch(&api, &id, "ENABLED").await["reportedState"]["code"],
        "ACTIVE"
    );

    // A config change while enabled re-runs activation.
    assert_eq!(api.configure(&id, 2, "s2").await.status, 200);
    assert_eq!(state(&api, &id).await["code"], "ACTIVATING");
    tokio::time::sleep(SETTLE).await;
    assert_eq!(state(&api, &id).await["code"], "ACTIVE");

    let i = patch(&api, &id, "DISABLED").await;
    assert_eq!(i["reportedState"]["code"], "DEACTIVATING");
    tokio::time::sleep(SETTLE).await;
    assert_eq!(state(&api, &id).await["code"], "INACTIVE");
}

#[tokio::test]
async fn enabling_an_incomplete_config_is_an_error() {
    let (_h, api, id) = Harness::with_integration("events").await;
    let i = patch(&api, &id, "ENABLED").await;
    let s = &i["reportedState"];
    assert_eq!(s["code"], "ERROR");
    assert_eq!(s["effective"], "Error");
    assert_eq!(
        s["detail"]["message"],
        "Integration configuration is incomplete: awsAccountId is required"
    );
    for f in ["localizableMessageCode", "messageWithParams"] {
        assert!(s["detail"][f].is_string(), "{f}");
    }
    assert!(s["detail"]["messageParams"].is_object());
    tokio::time::sleep(SETTLE).await;
    assert_eq!(state(&api, &id).await["code"], "ERROR");
    // Completing the config recovers it.
    api.configure(&id, 1, "s").await;
    tokio::time::sleep(SETTLE).await;
    assert_eq!(state(&api, &id).await["code"], "ACTIVE");
}

/// Fails every activation as an AWS call would.
struct Failing;

impl LifecycleHook for Failing {
    fn activate(&self, request: HookRequest) -> BoxFuture<Result<(), String>> {
        Box::pin(async move {
            assert_eq!(request.org_id, DEFAULT_ORG_ID);
            assert_eq!(request.properties["eventSourceSuffix"], "s");
            Err("AccessDeniedException: not authorized to CreatePartnerEventSource".to_string())
        })
    }
}

#[tokio::test]
async fn a_failing_hook_puts_the_integration_in_error() {
    let sim = start_with_hook(
        quick_config(),
        "127.0.0.1:0".parse().unwrap(),
        Arc::new(Failing),
    )
    .await
    .unwrap();
    let h = Harness {
        base: sim.base_url(),
        sim,
        http: reqwest::Client::new(),
    };
    let api = h.admin().await;
    let id = api.create("events", EB).await;
    api.configure(&id, 1, "s").await;
    patch(&api, &id, "ENABLED").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let s = state(&api, &id).await;
    assert_eq!(s["code"], "ERROR");
    assert!(s["detail"]["message"]
        .as_str()
        .unwrap()
        .contains("CreatePartnerEventSource"));
    h.sim.shutdown().await;
}
