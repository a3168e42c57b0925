//! OAuth token grant and bearer-token checks.

use std::time::{Duration, Instant};

use genesys_sim::{SimConfig, ADMIN_CLIENT_ID, DEFAULT_SECRET};
use reqwest::Method;

use crate::common::{quick_config, Harness};

#[tokio::test]
async fn token_grant_succeeds() {
    let h = Harness::start().await;
    let r = h.token_response(ADMIN_CLIENT_ID, DEFAULT_SECRET).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["token_type"], "bearer");
    assert_eq!(r.body["expires_in"], 86_400);
    let t1 = r.body["access_token"].as_str().unwrap();
    assert!(t1.len() >= 32);
    let t2 = h.token(ADMIN_CLIENT_ID, DEFAULT_SECRET).await;
    assert_ne!(t1, t2, "tokens are random");
}

#[tokio::test]
async fn bad_client_credentials_are_invalid_client() {
    let h = Harness::start().await;
    for (id, secret) in [
        (ADMIN_CLIENT_ID, "wrong"),
        ("no-such-client", DEFAULT_SECRET),
    ] {
        let r = h.token_response(id, secret).await;
        assert_eq!(r.status, 401);
        assert_eq!(r.body["error"], "invalid_client");
        assert_eq!(r.body["description"], "authentication failed");
        assert_eq!(r.body["error_description"], "authentication failed");
    }
    // No Basic header at all.
    let r = h
        .send(
            h.request(Method::POST, "/oauth/token")
                .form(&[("grant_type", "client_credentials")]),
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"], "invalid_client");
}

#[tokio::test]
async fn wrong_or_missing_grant_type_is_unsupported() {
    let h = Harness::start().await;
    for form in [vec![("grant_type", "password")], vec![]] {
        let r = h
            .send(
                h.request(Method::POST, "/oauth/token")
                    .basic_auth(ADMIN_CLIENT_ID, Some(DEFAULT_SECRET))
                    .form(&form),
            )
            .await;
        assert_eq!(r.status, 400);
        assert_eq!(r.body["error"], "unsupported_grant_type");
        assert!(r.body["error_description"].is_string());
    }
}

#[tokio::test]
async fn api_needs_a_bearer_token() {
    let h = Harness::start().await;
    let r = h.raw(Method::GET, "/api/v2/organizations/me").await;
    r.assert_error(401, "authentication.required");
    assert_eq!(
        r.body["message"],
        "No authentication bearer token specified in authorization header."
    );
    let r = h
        .send(
            h.request(Method::GET, "/api/v2/integrations")
                .bearer_auth("not-a-token"),
        )
        .await;
    r.assert_error(401, "bad.credentials");
    assert_eq!(r.body["message"], "Invalid login credentials.");
    // Basic credentials are not accepted by the API.
    let r = h
        .send(
            h.request(Method::GET, "/api/v2/integrations")
                .basic_auth(ADMIN_CLIENT_ID, Some(DEFAULT_SECRET)),
        )
        .await;
    r.assert_error(401, "authentication.required");
}

#[tokio::test]
async fn tokens_expire() {
    let h = Harness::with(SimConfig {
        token_ttl: Duration::from_secs(1),
        ..quick_config()
    })
    .await;
    let r = h.token_response(ADMIN_CLIENT_ID, DEFAULT_SECRET).await;
    assert_eq!(r.body["expires_in"], 1);
    let api = h.admin().await;
    assert_eq!(api.get("/api/v2/organizations/me").await.status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    api.get("/api/v2/organizations/me")
        .await
        .assert_error(401, "bad.credentials");
}

#[tokio::test]
async fn revoked_tokens_are_rejected() {
    let (h, api) = Harness::with_admin().await;
    assert_eq!(api.get("/api/v2/integrations").await.status, 200);
    let r = h.raw(Method::POST, "/sim/v1/tokens/revoke").await;
    assert_eq!(r.status, 200);
    assert!(r.body["revoked"].as_u64().unwrap() >= 1);
    api.get("/api/v2/integrations")
        .await
        .assert_error(401, "bad.credentials");
    // A new token works again.
    let api = h.admin().await;
    assert_eq!(api.get("/api/v2/integrations").await.status, 200);
}

#[tokio::test]
async fn latency_applies_to_oauth_and_api() {
    let h = Harness::with(SimConfig {
        latency: Duration::from_millis(150),
        ..quick_config()
    })
    .await;
    let t = Instant::now();
    let api = h.admin().await;
    assert!(t.elapsed() >= Duration::from_millis(150));
    let t = Instant::now();
    assert_eq!(api.get("/api/v2/organizations/me").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    let t = Instant::now();
    assert_eq!(h.raw(Method::GET, "/sim/v1/requests").await.status, 200);
    assert!(
        t.elapsed() < Duration::from_millis(150),
        "test routes have no latency"
    );
}
