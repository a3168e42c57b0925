//! The `/sim/v1/` test routes: request counters, clearing them, reset.

use genesys_sim::{ADMIN_CLIENT_ID, NOBODY_CLIENT_ID};
use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, EB};

#[tokio::test]
async fn counters_by_route_status_and_client() {
    let (h, api, id) = Harness::with_integration("x").await;
    api.get(&format!("/api/v2/integrations/{id}")).await;
    api.get(&format!("/api/v2/integrations/{id}/config/current"))
        .await;
    api.patch(
        &format!("/api/v2/integrations/{id}"),
        json!({"intendedState": "BAD"}),
    )
    .await;
    let nobody = h.nobody().await;
    nobody.delete(&format!("/api/v2/integrations/{id}")).await;
    h.raw(Method::GET, "/api/v2/integrations").await;
    api.get("/api/v2/does/not/exist").await;

    let r = h.raw(Method::GET, "/sim/v1/requests").await;
    assert_eq!(r.status, 200);
    let c = &r.body;
    // 2 token grants + 7 API calls.
    assert_eq!(c["total"], 9, "{c}");
    assert_eq!(c["writes"], 3, "POST, PATCH (rejected), DELETE (forbidden)");
    let routes = &c["byRoute"];
    assert_eq!(routes["POST /oauth/token"], 2);
    assert_eq!(routes["POST /api/v2/integrations"], 1);
    assert_eq!(routes["GET /api/v2/integrations/{integrationId}"], 1);
    assert_eq!(
        routes["GET /api/v2/integrations/{integrationId}/config/current"],
        1
    );
    assert_eq!(routes["PATCH /api/v2/integrations/{integrationId}"], 1);
    assert_eq!(routes["DELETE /api/v2/integrations/{integrationId}"], 1);
    assert_eq!(routes["GET /api/v2/integrations"], 1);
    assert_eq!(routes["GET (unmatched)"], 1);
    assert_eq!(routes.as_object().unwrap().len(), 8, "{routes}");
    let status = &c["byStatus"];
    assert_eq!(status["200"], 5);
    assert_eq!(status["400"], 1);
    assert_eq!(status["401"], 1);
    assert_eq!(status["403"], 1);
    assert_eq!(status["404"], 1);
    assert_eq!(c["byClient"][ADMIN_CLIENT_ID], 6);
    assert_eq!(c["byClient"][NOBODY_CLIENT_ID], 2);

    // The counters route itself is not counted; DELETE clears the counters only.
    assert_eq!(
        h.raw(Method::GET, "/sim/v1/requests").await.body["total"],
        9
    );
    assert_eq!(h.raw(Method::DELETE, "/sim/v1/requests").await.status, 204);
    assert_eq!(
        h.raw(Method::GET, "/sim/v1/requests").await.body["total"],
        0
    );
    assert_eq!(
        api.get(&format!("/api/v2/integrations/{id}")).await.status,
        200
    );
}

#[tokio::test]
async fn reset_clears_integrations_tokens_and_counters() {
    let (h, api) = Harness::with_admin().await;
    api.create("x", EB).await;
    assert_eq!(h.raw(Method::POST, "/sim/v1/reset").await.status, 204);
    assert_eq!(
        h.raw(Method::GET, "/sim/v1/requests").await.body["total"],
        0
    );
    api.get("/api/v2/integrations")
        .await
        .assert_error(401, "bad.credentials");
    let api = h.admin().await;
    assert_eq!(api.get("/api/v2/integrations").await.body["total"], 0);
    assert_eq!(
        api.get("/api/v2/organizations/me").await.status,
        200,
        "orgs and clients stay"
    );
}
