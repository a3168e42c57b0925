//! The client against the real emulator, started in-process on a free port: OAuth, token
//! renewal, permission and version errors, rate limiting and pagination.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::support::*;
use genesys_client::{
    CreateIntegrationRequest, Error, GenesysClient, Integration, IntegrationConfiguration,
    EVENTBRIDGE_TYPE_ID,
};
use genesys_sim::{SimConfig, ADMIN_CLIENT_ID, DEFAULT_ORG_ID, VIEWER_CLIENT_ID};
use serde_json::json;

/// The emulator of the pacing tests: a budget of 5 requests per `window` (the budget is named
/// per minute; the tests shorten the window so that it resets within a test).
fn five_per(window: Duration) -> SimConfig {
    SimConfig {
        rate_limit_per_minute: 5,
        rate_limit_window: window,
        ..SimConfig::default()
    }
}

/// Creates an EventBridge integration named `name`, which must succeed.
async fn create_eventbridge(client: &GenesysClient, name: &str) -> Integration {
    client
        .create_integration(&CreateIntegrationRequest::eventbridge(name))
        .await
        .unwrap()
}

fn props(suffix: &str) -> serde_json::Map<String, serde_json::Value> {
    json!({
        "awsAccountId": "123456789012",
        "awsAccountRegion": "us-east-1",
        "eventSourceSuffix": suffix,
        "eventFilter": ["v2.detail.events.conversation.{id}.customer.start"]
    })
    .as_object()
    .unwrap()
    .clone()
}

#[tokio::test]
async fn authenticates_and_reads_the_org_and_catalogue() {
    let (sim, client) = sim_with_admin(SimConfig::default()).await;
    let expiry = client.token_expiry().await.unwrap();
    assert!(expiry > std::time::SystemTime::now() + Duration::from_secs(3600));
    let org = client.organization_me().await.unwrap();
    assert_eq!(org.id, DEFAULT_ORG_ID);
    let topics = client.available_topics().await.unwrap();
    assert!(topics.len() > 100, "{}", topics.len());
    assert!(topics
        .iter()
        .any(|t| t.id.starts_with("v2.detail.events.conversation")));
    let t = client
        .get_integration_type(EVENTBRIDGE_TYPE_ID)
        .await
        .unwrap();
    assert_eq!(t.id, EVENTBRIDGE_TYPE_ID);
    let schema = client
        .get_integration_type_config_schema(EVENTBRIDGE_TYPE_ID)
        .await
        .unwrap();
    assert!(schema.to_string().contains("awsAccountId"));
    let stats = client.stats();
    assert_eq!(stats.token_fetches, 1);
    assert_eq!(stats.requests, 4);
    assert_eq!(stats.writes, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn invalid_client_says_where_the_credentials_came_from() {
    let sim = start_sim(SimConfig::default()).await;
    let client = client_for(&sim.base_url(), ADMIN_CLIENT_ID, "wrong-secret-xyz");
    let err = client.organization_me().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("check the client id and secret; they came from GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET"),
        "{msg}"
    );
    assert!(msg.contains("invalid_client"), "{msg}");
    assert!(msg.contains("POST /oauth/token"), "{msg}");
    assert!(!msg.contains("wrong-secret-xyz"), "{msg}");
    assert!(!format!("{err:?}").contains("wrong-secret-xyz"));
    assert_eq!(client.stats().requests, 0, "no API call without a token");
    sim.shutdown().await;
}

#[tokio::test]
async fn token_is_renewed_when_it_expires() {
    let (sim, client) = sim_with_admin(SimConfig {
        token_ttl: Duration::from_secs(2),
        ..SimConfig::default()
    })
    .await;
    client.organization_me().await.unwrap();
    client.organization_me().await.unwrap();
    assert_eq!(client.stats().token_fetches, 1);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    client.organization_me().await.unwrap();
    let stats = client.stats();
    assert_eq!(stats.token_fetches, 2);
    assert_eq!(stats.retries, 0, "renewed before use, not after a 401");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_retries() {
    let (sim, client) = sim_with_admin(SimConfig::default()).await;
    client.organization_me().await.unwrap();
    gcbridge_testkit::sim::revoke_tokens(&sim.base_url()).await;
    // Concurrent callers all hit the 401 but share one renewal.
    let (a, b, c) = tokio::join!(
        client.organization_me(),
        client.organization_me(),
        client.list_integrations(false)
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let stats = client.stats();
    assert_eq!(stats.token_fetches, 2, "{stats:?}");
    let log = sim_requests(&sim).await;
    assert_eq!(log["byStatus"]["401"], 3, "{log}");
    sim.shutdown().await;
}

#[tokio::test]
async fn viewer_gets_forbidden_naming_the_permission() {
    let sim = start_sim(SimConfig::default()).await;
    let client = sim_client(&sim, VIEWER_CLIENT_ID);
    assert!(client.list_integrations(true).await.unwrap().is_empty());
    let err = client
        .create_integration(&CreateIntegrationRequest::eventbridge("nope"))
        .await
        .unwrap_err();
    assert_forbidden(&err, "integrations:integration:add");
    let msg = err.to_string();
    assert!(msg.contains("POST /api/v2/integrations"), "{msg}");
    assert!(msg.contains("integrations:integration:add"), "{msg}");
    assert!(msg.contains("Admin > Roles"), "{msg}");
    assert_eq!(err.status(), Some(403));
    sim.shutdown().await;
}

#[tokio::test]
async fn integration_lifecycle_and_stale_version_conflict() {
    let (sim, client) = sim_with_admin(SimConfig::default()).await;
    let created = create_eventbridge(&client, "prod-events").await;
    assert_eq!(created.integration_type.id, EVENTBRIDGE_TYPE_ID);
    assert!(!created.is_enabled());

    let current = client.get_integration_config(&created.id).await.unwrap();
    let body = IntegrationConfiguration {
        name: "prod-events".into(),
        properties: props("prod"),
        ..current.clone()
    };
    let updated = client
        .put_integration_config(&created.id, &body)
        .await
        .unwrap();
    assert_eq!(updated.version, current.version + 1);
    // The same body again carries the old version now.
    let err = client
        .put_integration_config(&created.id, &body)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert!(
        err.to_string()
            .contains("does not match the current version"),
        "{err}"
    );

    let listed = client.list_integrations(true).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].current_config().unwrap().properties["eventSourceSuffix"],
        "prod"
    );

    let enabled = client
        .set_intended_state(&created.id, genesys_client::IntendedState::Enabled)
        .await
        .unwrap();
    assert!(enabled.is_enabled());
    client.delete_integration(&created.id).await.unwrap();
    let err = client.get_integration(&created.id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(err.to_string().contains(&created.id));

    let err = client
        .get_integration("../../organizations/me")
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "ids are path-encoded: {err:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_property_is_a_bad_request_naming_the_field() {
    let (sim, client) = sim_with_admin(SimConfig::default()).await;
    let created = create_eventbridge(&client, "bad").await;
    let current = client.get_integration_config(&created.id).await.unwrap();
    let mut properties = props("bad");
    properties.insert("awsAccountId".into(), json!("12345"));
    let err = client
        .put_integration_config(
            &created.id,
            &IntegrationConfiguration {
                properties,
                ..current
            },
        )
        .await
        .unwrap_err();
    match &err {
        Error::BadRequest { message, .. } => assert!(message.contains("awsAccountId"), "{message}"),
        other => panic!("{other:?}"),
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn a_429_waits_for_retry_after_and_every_call_succeeds() {
    let sim = start_sim(five_per(Duration::from_secs(2))).await;
    // Another user of the same OAuth client spends the whole window's budget first, so the
    // client's first call meets a 429 and must wait out its Retry-After.
    let http = reqwest::Client::new();
    let token = gcbridge_testkit::sim::token(
        &sim.base_url(),
        ADMIN_CLIENT_ID,
        genesys_sim::DEFAULT_SECRET,
    )
    .await;
    for _ in 0..5 {
        let status = http
            .get(format!("{}/api/v2/organizations/me", sim.base_url()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
    }
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    let started = Instant::now();
    all_succeed(&client, 12, |c, _| async move { c.organization_me().await }).await;
    let elapsed = started.elapsed();
    let stats = client.stats();
    assert!(stats.rate_limited_429 >= 1, "{stats:?}");
    assert!(stats.paced_waits >= 1, "{stats:?}");
    // 12 calls at (at most) 5 per 2 s, after a spent window: at least three resets.
    assert!(elapsed >= Duration::from_secs(4), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
    let log = sim_requests(&sim).await;
    assert_eq!(
        log["byRoute"]["GET /api/v2/organizations/me"]
            .as_u64()
            .unwrap(),
        5 + 12 + stats.rate_limited_429,
        "{log}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lone_client_paces_itself_without_429s() {
    let (sim, client) = sim_with_admin(five_per(Duration::from_secs(1))).await;
    all_succeed(&client, 10, |c, _| async move { c.organization_me().await }).await;
    let stats = client.stats();
    assert_eq!(stats.rate_limited_429, 0, "{stats:?}");
    assert!(stats.paced_waits > 0, "{stats:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lone_client_adapts_to_a_reset_that_rounds_down() {
    // Read literally, a rounded-down reset says the window is over up to a second early; after
    // the first 429 the pacer allows for it, so the 429s stay within that first window.
    let (sim, client) = sim_with_admin(SimConfig {
        quirks: genesys_sim::Quirks::from_names(&["reset-rounds-down"]).unwrap(),
        ..five_per(Duration::from_secs(2))
    })
    .await;
    for _ in 0..16 {
        client.organization_me().await.unwrap();
    }
    let stats = client.stats();
    assert!(stats.rate_limited_429 <= 1, "{stats:?}");
    assert!(stats.paced_waits >= 2, "{stats:?}");
    sim.shutdown().await;
}

/// Runs `count` calls at once, call `n` being `call(a clone of the client, n)`, and fails the
/// test on any error: how the rate-limit and paging tests load the emulator (spawned tasks, so
/// without pulling in the futures crate).
async fn all_succeed<F, Fut, T>(client: &GenesysClient, count: usize, call: F)
where
    F: Fn(GenesysClient, usize) -> Fut,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..count)
        .map(|n| tokio::spawn(call(client.clone(), n)))
        .collect();
    for h in handles {
        h.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn lists_250_integrations_in_3_pages() {
    let (sim, client) = sim_with_admin(SimConfig {
        rate_limit_per_minute: 100_000,
        ..SimConfig::default()
    })
    .await;
    all_succeed(&client, 250, |c, n| async move {
        let req = CreateIntegrationRequest::eventbridge(format!("dest-{n:03}"));
        c.create_integration(&req).await
    })
    .await;
    gcbridge_testkit::sim::clear_requests(&sim.base_url()).await;
    let all = client.list_integrations(true).await.unwrap();
    assert_eq!(all.len(), 250);
    let mut names: Vec<_> = all.iter().map(|i| i.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 250);
    let log = sim_requests(&sim).await;
    assert_eq!(log["byRoute"]["GET /api/v2/integrations"], 3, "{log}");
    let page = client.list_integrations_page(100, 3, false).await.unwrap();
    assert_eq!(
        (page.entities.len(), page.page_count, page.total),
        (50, 3, 250)
    );
    sim.shutdown().await;
}

/// 2,000 integrations of another type cost the EventBridge listing no page: the
/// `integrationType` filter leaves them out on the server; where a server ignores it (the
/// `no-type-filter` variant) the client still returns EventBridge integrations only.
#[tokio::test]
async fn other_integrations_cost_the_filtered_listing_no_page() {
    for quirks in ["", "no-type-filter"] {
        let (sim, client) = sim_with_admin(SimConfig {
            rate_limit_per_minute: 100_000,
            quirks: genesys_sim::Quirks::from_names(&[quirks]).unwrap(),
            ..SimConfig::default()
        })
        .await;
        let other = |n: usize| CreateIntegrationRequest {
            name: format!("hook-{n:04}"),
            integration_type: genesys_client::IntegrationTypeRef::new("webhooks"),
        };
        all_succeed(&client, 2000, |c, n| async move {
            c.create_integration(&other(n)).await
        })
        .await;
        create_eventbridge(&client, "mine").await;
        gcbridge_testkit::sim::clear_requests(&sim.base_url()).await;
        let mine = client
            .list_integrations_of_type(EVENTBRIDGE_TYPE_ID, true)
            .await
            .unwrap();
        assert_eq!(mine.len(), 1, "{quirks}");
        assert_eq!(mine[0].name, "mine");
        if quirks.is_empty() {
            let log = sim_requests(&sim).await;
            assert_eq!(log["byRoute"]["GET /api/v2/integrations"], 1, "{log}");
        }
        sim.shutdown().await;
    }
}
