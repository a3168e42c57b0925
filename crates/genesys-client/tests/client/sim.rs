//! The client against the real emulator, started in-process on a free port: OAuth, token
//! renewal, permission and version errors, rate limiting and pagination.

use std::time::{Duration, Instant};

use crate::support::*;
use genesys_client::{
    CreateIntegrationRequest, Error, IntegrationConfiguration, EVENTBRIDGE_TYPE_ID,
};
use genesys_sim::{SimConfig, ADMIN_CLIENT_ID, DEFAULT_ORG_ID, VIEWER_CLIENT_ID};
use serde_json::json;

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
    let sim = start_sim(SimConfig::default()).await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
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
    let sim = start_sim(SimConfig {
        token_ttl: Duration::from_secs(2),
        ..SimConfig::default()
    })
    .await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
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
    let sim = start_sim(SimConfig::default()).await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
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
    let sim = start_sim(SimConfig::default()).await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    let created = client
        .create_integration(&CreateIntegrationRequest::eventbridge("prod-events"))
        .await
        .unwrap();
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
    let sim = start_sim(SimConfig::default()).await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    let created = client
        .create_integration(&CreateIntegrationRequest::eventbridge("bad"))
        .await
        .unwrap();
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
    let sim = start_sim(SimConfig {
        rate_limit_per_minute: 5,
        rate_limit_window: Duration::from_secs(2),
        ..SimConfig::default()
    })
    .await;
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
    let calls = (0..12).map(|_| {
        let c = client.clone();
        async move { c.organization_me().await }
    });
    for r in futures_join_all(calls).await {
        r.unwrap();
    }
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
    let sim = start_sim(SimConfig {
        rate_limit_per_minute: 5,
        rate_limit_window: Duration::from_secs(1),
        ..SimConfig::default()
    })
    .await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    let calls = (0..10).map(|_| {
        let c = client.clone();
        async move { c.organization_me().await }
    });
    for r in futures_join_all(calls).await {
        r.unwrap();
    }
    let stats = client.stats();
    assert_eq!(stats.rate_limited_429, 0, "{stats:?}");
    assert!(stats.paced_waits > 0, "{stats:?}");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lone_client_adapts_to_a_reset_that_rounds_down() {
    // Read literally, a rounded-down reset says the window is over up to a second early; after
    // the first 429 the pacer allows for it, so the 429s stay within that first window.
    let sim = start_sim(SimConfig {
        rate_limit_per_minute: 5,
        rate_limit_window: Duration::from_secs(2),
        quirks: genesys_sim::Quirks::from_names(&["reset-rounds-down"]).unwrap(),
        ..SimConfig::default()
    })
    .await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    for _ in 0..16 {
        client.organization_me().await.unwrap();
    }
    let stats = client.stats();
    assert!(stats.rate_limited_429 <= 1, "{stats:?}");
    assert!(stats.paced_waits >= 2, "{stats:?}");
    sim.shutdown().await;
}

/// Runs futures concurrently without pulling in the futures crate.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futs: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn lists_250_integrations_in_3_pages() {
    let sim = start_sim(SimConfig {
        rate_limit_per_minute: 100_000,
        ..SimConfig::default()
    })
    .await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    let creates = (0..250).map(|n| {
        let c = client.clone();
        async move {
            c.create_integration(&CreateIntegrationRequest::eventbridge(format!(
                "dest-{n:03}"
            )))
            .await
        }
    });
    for r in futures_join_all(creates).await {
        r.unwrap();
    }
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
        let sim = start_sim(SimConfig {
            rate_limit_per_minute: 100_000,
            quirks: genesys_sim::Quirks::from_names(&[quirks]).unwrap(),
            ..SimConfig::default()
        })
        .await;
        let client = sim_client(&sim, ADMIN_CLIENT_ID);
        let other = |n: usize| CreateIntegrationRequest {
            name: format!("hook-{n:04}"),
            integration_type: genesys_client::IntegrationTypeRef::new("webhooks"),
        };
        let creates = (0..2000).map(|n| {
            let (c, req) = (client.clone(), other(n));
            async move { c.create_integration(&req).await }
        });
        for r in futures_join_all(creates).await {
            r.unwrap();
        }
        client
            .create_integration(&CreateIntegrationRequest::eventbridge("mine"))
            .await
            .unwrap();
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
