//! organizations/me and several orgs on one server, isolated from each other.

use genesys_sim::{ClientSpec, OrgSpec, SimConfig, DEFAULT_ORG_ID, DEFAULT_ORG_NAME};

use crate::common::{quick_config, Harness, EB};

#[tokio::test]
async fn organizations_me() {
    let h = Harness::start().await;
    let r = h.nobody().await.get("/api/v2/organizations/me").await;
    assert_eq!(r.status, 200, "any client may read it");
    let o = &r.body;
    assert_eq!(o["id"], DEFAULT_ORG_ID);
    assert_eq!(o["name"], DEFAULT_ORG_NAME);
    assert_eq!(o["defaultLanguage"], "en-us");
    assert_eq!(o["defaultCountryCode"], "US");
    assert_eq!(o["thirdPartyOrgName"], DEFAULT_ORG_NAME);
    assert_eq!(o["domain"], DEFAULT_ORG_NAME);
    assert_eq!(o["version"], 1);
    assert_eq!(o["state"], "active");
    assert_eq!(
        o["selfUri"],
        format!("/api/v2/organizations/{DEFAULT_ORG_ID}")
    );
}

fn admin(id: &str) -> ClientSpec {
    ClientSpec {
        id: id.into(),
        secret: format!("{id}-secret"),
        permissions: vec!["integrations:*:*".into()],
    }
}

#[tokio::test]
async fn orgs_are_isolated() {
    let org = |id: &str, name: &str, client: &str| OrgSpec {
        id: id.into(),
        name: name.into(),
        rate_limit_per_minute: None,
        clients: vec![admin(client)],
    };
    let h = Harness::with(SimConfig {
        orgs: vec![
            org("org-a", "alpha", "a-admin"),
            org("org-b", "beta", "b-admin"),
        ],
        ..quick_config()
    })
    .await;
    let a = h.api_with_token(h.token("a-admin", "a-admin-secret").await);
    let b = h.api_with_token(h.token("b-admin", "b-admin-secret").await);
    assert_eq!(
        a.get("/api/v2/organizations/me").await.body["name"],
        "alpha"
    );
    assert_eq!(b.get("/api/v2/organizations/me").await.body["id"], "org-b");
    // A client of one org cannot use the other org's secret.
    assert_eq!(
        h.token_response("a-admin", "b-admin-secret").await.status,
        401
    );

    let ia = a.create("in-a", EB).await;
    assert_eq!(a.configure(&ia, 1, "same").await.status, 200);
    assert_eq!(b.get("/api/v2/integrations").await.body["total"], 0);
    b.get(&format!("/api/v2/integrations/{ia}"))
        .await
        .assert_error(404, "not.found");
    b.delete(&format!("/api/v2/integrations/{ia}"))
        .await
        .assert_error(404, "not.found");
    // Suffix uniqueness is per org.
    let ib = b.create("in-b", EB).await;
    assert_eq!(b.configure(&ib, 1, "same").await.status, 200);
    assert_eq!(a.get("/api/v2/integrations").await.body["total"], 1);
}
