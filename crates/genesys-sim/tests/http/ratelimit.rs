//! The per-client fixed-window rate limit and its headers.

use std::time::Duration;

use genesys_sim::{OrgSpec, SimConfig, ADMIN_CLIENT_ID, DEFAULT_SECRET, VIEWER_CLIENT_ID};

use crate::common::{quick_config, Harness};

#[tokio::test]
async fn limit_headers_429_and_window_reset() {
    let h = Harness::with(SimConfig {
        rate_limit_per_minute: 3,
        rate_limit_window: Duration::from_secs(1),
        ..quick_config()
    })
    .await;
    let api = h.admin().await;
    for n in 1..=3 {
        // Errors count and carry the headers too.
        let path = if n == 2 {
            "/api/v2/integrations/nope"
        } else {
            "/api/v2/integrations"
        };
        let r = api.get(path).await;
        assert_eq!(r.header("inin-ratelimit-allowed"), "3");
        assert_eq!(r.header("inin-ratelimit-count"), n.to_string());
        assert_eq!(r.header("inin-ratelimit-reset"), "1");
    }
    let r = api.get("/api/v2/integrations").await;
    r.assert_error(429, "too.many.requests.retry.after");
    assert_eq!(
        r.body["message"],
        "Rate limit exceeded the maximum. [3] requests for [1] seconds"
    );
    assert_eq!(r.header("retry-after"), "1");
    assert_eq!(r.header("inin-ratelimit-allowed"), "3");

    // Another client has its own window; token requests are never limited.
    let viewer = h.api(VIEWER_CLIENT_ID).await;
    assert_eq!(viewer.get("/api/v2/integrations").await.status, 200);
    for _ in 0..5 {
        assert_eq!(
            h.token_response(ADMIN_CLIENT_ID, DEFAULT_SECRET)
                .await
                .status,
            200
        );
    }
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let r = api.get("/api/v2/integrations").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("inin-ratelimit-count"), "1");
}

#[tokio::test]
async fn org_override_and_reset_header_counts_down() {
    let mut org = OrgSpec::default_org();
    org.rate_limit_per_minute = Some(2);
    let h = Harness::with(SimConfig {
        orgs: vec![org],
        ..quick_config()
    })
    .await;
    let api = h.admin().await;
    let r = api.get("/api/v2/organizations/me").await;
    assert_eq!(r.header("inin-ratelimit-allowed"), "2");
    let reset: u64 = r.header("inin-ratelimit-reset").parse().unwrap();
    assert!((59..=60).contains(&reset), "{reset}");
    api.get("/api/v2/organizations/me").await;
    let r = api.get("/api/v2/organizations/me").await;
    r.assert_error(429, "too.many.requests.retry.after");
    assert_eq!(
        r.body["message"],
        "Rate limit exceeded the maximum. [2] requests for [60] seconds"
    );
    let retry: u64 = r.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry));
}

#[tokio::test]
async fn unauthenticated_requests_are_rejected_before_the_limit() {
    let h = Harness::with(SimConfig {
        rate_limit_per_minute: 1,
        ..quick_config()
    })
    .await;
    let api = h.admin().await;
    assert_eq!(api.get("/api/v2/integrations").await.status, 200);
    let r = h.raw(reqwest::Method::GET, "/api/v2/integrations").await;
    r.assert_error(401, "authentication.required");
}
