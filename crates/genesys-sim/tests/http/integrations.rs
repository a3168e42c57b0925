//! `/api/v2/integrations`: create, get, list (pagination), patch, delete, permissions,
//! malformed requests and unknown routes.

use genesys_sim::VIEWER_CLIENT_ID;
use reqwest::header::CONTENT_TYPE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{reply, Harness, EB};

#[tokio::test]
async fn create_returns_a_disabled_inactive_integration() {
    let (_h, api) = Harness::with_admin().await;
    let r = api
        .post(
            "/api/v2/integrations",
            json!({"name": "events", "integrationType": {"id": EB}, "notes": "hello"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let i = &r.body;
    let id = i["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok());
    assert_eq!(i["name"], "events");
    assert_eq!(
        i["notes"], "",
        "fields outside name and integrationType are ignored"
    );
    assert_eq!(i["intendedState"], "DISABLED");
    assert_eq!(i["reportedState"]["code"], "INACTIVE");
    assert_eq!(i["reportedState"]["effective"], "Inactive");
    assert!(i["reportedState"].get("detail").is_none());
    assert!(i["reportedState"]["lastUpdated"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(i["integrationType"]["id"], EB);
    assert_eq!(i["integrationType"]["name"], "Amazon EventBridge Source");
    for f in ["description", "provider", "category"] {
        assert!(i["integrationType"][f].is_string(), "{f}");
    }
    assert_eq!(
        i["integrationType"]["selfUri"],
        format!("/api/v2/integrations/types/{EB}")
    );
    assert_eq!(i["attributes"], json!({}));
    assert!(i["dateCreated"].is_string() && i["dateModified"].is_string());
    assert_eq!(i["selfUri"], format!("/api/v2/integrations/{id}"));
    assert!(i.get("config").is_none());

    let got = api.get(&format!("/api/v2/integrations/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["id"], id);
    assert!(got.body.get("config").is_none());
    let got = api
        .get(&format!("/api/v2/integrations/{id}?expand=config.current"))
        .await;
    let c = &got.body["config"]["current"];
    assert_eq!(c["id"], id);
    assert_eq!(c["name"], "events");
    assert_eq!(c["version"], 1);
    assert_eq!(c["properties"], json!({}));
    assert_eq!(c["advanced"], json!({}));
    assert_eq!(c["credentials"], json!({}));
    assert_eq!(
        c["notes"], "node_dynamodb_empty_string",
        "empty notes read as the sentinel"
    );
    assert_eq!(
        c["selfUri"],
        format!("/api/v2/integrations/{id}/config/current")
    );

    for t in ["purecloud-data-actions", "webhooks"] {
        api.create("other", t).await;
    }
}

#[tokio::test]
async fn create_rejects_bad_bodies() {
    let (_h, api) = Harness::with_admin().await;
    let cases = [
        (json!({"name": "", "integrationType": {"id": EB}}), "name"),
        (json!({"name": 5, "integrationType": {"id": EB}}), "name"),
        (
            json!({"name": "x", "integrationType": {"id": "salesforce"}}),
            "integrationType.id",
        ),
        (json!({"name": "x"}), "integrationType.id"),
        (
            json!({"name": "x", "integrationType": EB}),
            "integrationType.id",
        ),
        (json!([1, 2]), "JSON object"),
    ];
    for (body, named) in cases {
        api.post("/api/v2/integrations", body)
            .await
            .assert_bad_request_naming(named);
    }
    // Malformed JSON and the wrong content type get the Genesys body, not axum's text.
    let send = |ct: &'static str, body: &'static str| {
        api.request(Method::POST, "/api/v2/integrations")
            .header(CONTENT_TYPE, ct)
            .body(body)
            .send()
    };
    reply(send("application/json", "{\"name\": ").await.unwrap())
        .await
        .assert_error(400, "bad.request");
    reply(send("text/plain", "{\"name\": \"x\"}").await.unwrap())
        .await
        .assert_error(400, "bad.request");
    reply(send("application/json", "").await.unwrap())
        .await
        .assert_error(400, "bad.request");
    assert_eq!(api.get("/api/v2/integrations").await.body["total"], 0);
}

#[tokio::test]
async fn create_without_a_name_gets_the_type_name() {
    let (_h, api) = Harness::with_admin().await;
    for body in [
        json!({"integrationType": {"id": EB}}),
        json!({"name": null, "integrationType": {"id": EB}}),
    ] {
        let r = api.post("/api/v2/integrations", body).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["name"], "Amazon EventBridge Source");
    }
    let r = api
        .post(
            "/api/v2/integrations",
            json!({"integrationType": {"id": "webhooks"}}),
        )
        .await;
    assert_eq!(r.body["name"], "Webhooks");
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let (_h, api) = Harness::with_admin().await;
    let path = "/api/v2/integrations/00000000-0000-0000-0000-000000000000";
    api.get(path).await.assert_error(404, "not.found");
    api.delete(path).await.assert_error(404, "not.found");
    api.patch(path, json!({"intendedState": "ENABLED"}))
        .await
        .assert_error(404, "not.found");
    api.get(&format!("{path}/config/current"))
        .await
        .assert_error(404, "not.found");
    api.put(&format!("{path}/config/current"), json!({"version": 1}))
        .await
        .assert_error(404, "not.found");
}

#[tokio::test]
async fn delete_returns_the_integration() {
    let (_h, api, id) = Harness::with_integration("doomed").await;
    let r = api.delete(&format!("/api/v2/integrations/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["name"], "doomed");
    api.get(&format!("/api/v2/integrations/{id}"))
        .await
        .assert_error(404, "not.found");
}

#[tokio::test]
async fn patch_validates_intended_state() {
    let (_h, api, id) = Harness::with_integration("x").await;
    let path = format!("/api/v2/integrations/{id}");
    for body in [
        json!({"intendedState": "ON"}),
        json!({}),
        json!({"intendedState": true}),
    ] {
        api.patch(&path, body)
            .await
            .assert_bad_request_naming("intendedState");
    }
    let r = api.patch(&path, json!({"intendedState": "DISABLED"})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["intendedState"], "DISABLED");
}

#[tokio::test]
async fn permissions_are_enforced_per_call() {
    let h = Harness::start().await;
    let admin = h.admin().await;
    let id = admin.create("x", EB).await;
    let one = format!("/api/v2/integrations/{id}");
    let cfg = format!("{one}/config/current");
    let viewer = h.api(VIEWER_CLIENT_ID).await;
    let nobody = h.nobody().await;

    let create = json!({"name": "y", "integrationType": {"id": EB}});
    let writes: Vec<(Method, &str, Option<Value>, &str)> = vec![
        (
            Method::POST,
            "/api/v2/integrations",
            Some(create),
            "integrations:integration:add",
        ),
        (
            Method::PUT,
            &cfg,
            Some(json!({"version": 1})),
            "integrations:integration:edit",
        ),
        (
            Method::PATCH,
            &one,
            Some(json!({"intendedState": "ENABLED"})),
            "integrations:integration:edit",
        ),
        (
            Method::DELETE,
            &one,
            None,
            "integrations:integration:delete",
        ),
    ];
    for (method, path, body, perm) in writes {
        for api in [&viewer, &nobody] {
            let r = api.call(method.clone(), path, body.clone()).await;
            r.assert_error(403, "missing.permissions");
            assert_eq!(
                r.body["message"],
                format!("Unable to perform the requested action. You are missing the following permission(s): [{perm}]")
            );
            assert_eq!(r.body["messageParams"]["permissions"], perm);
        }
    }
    let reads = [
        "/api/v2/integrations".to_string(),
        one.clone(),
        cfg.clone(),
        format!("/api/v2/integrations/types/{EB}"),
        format!("/api/v2/integrations/types/{EB}/configschemas/properties"),
    ];
    for path in &reads {
        let r = nobody.get(path).await;
        r.assert_error(403, "missing.permissions");
        assert_eq!(
            r.body["messageParams"]["permissions"],
            "integrations:integration:view"
        );
        assert_eq!(viewer.get(path).await.status, 200, "viewer reads {path}");
    }
    // Nothing changed.
    assert_eq!(admin.get(&cfg).await.body["version"], 1);
    assert_eq!(admin.get("/api/v2/integrations").await.body["total"], 1);
}

#[tokio::test]
async fn pagination_over_250_integrations() {
    let (_h, api) = Harness::with_admin().await;
    let mut ids = Vec::new();
    for n in 0..250 {
        ids.push(api.create(&format!("i{n:03}"), "webhooks").await);
    }
    let r = api.get("/api/v2/integrations").await;
    assert_eq!(r.body["pageSize"], 25);
    assert_eq!(r.body["pageNumber"], 1);
    assert_eq!(r.body["total"], 250);
    assert_eq!(r.body["pageCount"], 10);

    let mut seen = Vec::new();
    let mut next = Some("/api/v2/integrations?pageSize=100&pageNumber=1".to_string());
    let mut pages = 0;
    while let Some(path) = next {
        let r = api.get(&path).await;
        assert_eq!(r.status, 200);
        pages += 1;
        let b = &r.body;
        assert_eq!(b["selfUri"], path.as_str());
        assert_eq!(
            b["firstUri"],
            "/api/v2/integrations?pageSize=100&pageNumber=1"
        );
        assert_eq!(
            b["lastUri"],
            "/api/v2/integrations?pageSize=100&pageNumber=3"
        );
        assert_eq!(b["pageCount"], 3);
        if pages == 1 {
            assert!(b.get("previousUri").is_none());
        } else {
            assert_eq!(
                b["previousUri"],
                format!("/api/v2/integrations?pageSize=100&pageNumber={}", pages - 1)
            );
        }
        for e in b["entities"].as_array().unwrap() {
            seen.push(e["id"].as_str().unwrap().to_string());
        }
        next = b.get("nextUri").and_then(Value::as_str).map(String::from);
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids, "creation order, each once");

    let r = api
        .get("/api/v2/integrations?pageSize=1&pageNumber=2&expand=config.current")
        .await;
    assert_eq!(r.body["entities"][0]["name"], "i001");
    assert_eq!(r.body["entities"][0]["config"]["current"]["version"], 1);
    assert_eq!(
        r.body["nextUri"],
        "/api/v2/integrations?pageSize=1&pageNumber=3&expand=config.current"
    );
    let r = api
        .get("/api/v2/integrations?pageSize=100&pageNumber=9")
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["entities"], json!([]));

    // The Developer Center's range: 1 to 999 for both.
    let r = api.get("/api/v2/integrations?pageSize=999").await;
    assert_eq!(r.body["entities"].as_array().unwrap().len(), 250);
    assert_eq!(r.body["pageCount"], 1);
    assert_eq!(
        api.get("/api/v2/integrations?pageNumber=999").await.status,
        200
    );
    for bad in ["0", "1000", "abc", "-1"] {
        api.get(&format!("/api/v2/integrations?pageSize={bad}"))
            .await
            .assert_bad_request_naming("pageSize");
        api.get(&format!("/api/v2/integrations?pageNumber={bad}"))
            .await
            .assert_bad_request_naming("pageNumber");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_get_genesys_bodies() {
    let (h, api) = Harness::with_admin().await;
    api.get("/api/v2/nothing/here")
        .await
        .assert_error(404, "not.found");
    h.raw(Method::GET, "/elsewhere")
        .await
        .assert_error(404, "not.found");
    let r = api
        .call(Method::POST, "/api/v2/organizations/me", None)
        .await;
    r.assert_error(405, "method.not.allowed");
    assert!(r.headers.get("inin-ratelimit-count").is_some());
}

#[tokio::test]
async fn odd_inputs_never_panic() {
    let (_h, api) = Harness::with_admin().await;
    // Page numbers past u64 and past what a page can start at.
    for query in [
        "pageSize=100&pageNumber=18446744073709551615",
        "pageNumber=99999999999999999999999",
    ] {
        api.get(&format!("/api/v2/integrations?{query}"))
            .await
            .assert_bad_request_naming("pageNumber");
    }
    let id = api.create("x", EB).await;
    api.patch(&format!("/api/v2/integrations/{id}"), Value::Null)
        .await
        .assert_error(400, "bad.request");
    api.put(
        &format!("/api/v2/integrations/{id}/config/current"),
        json!("text"),
    )
    .await
    .assert_error(400, "bad.request");
    // The server is still serving.
    assert_eq!(
        api.get(&format!("/api/v2/integrations/{id}")).await.status,
        200
    );
}

#[tokio::test]
async fn list_filters_by_type_reported_state_and_ids() {
    let (_h, api, a) = Harness::with_integration("a").await;
    let b = api.create("b", EB).await;
    let w = api.create("w", "webhooks").await;
    let names = |r: &crate::common::Reply| -> Vec<String> {
        r.body["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    };
    let r = api
        .get(&format!(
            "/api/v2/integrations?integrationType={EB}&pageSize=1"
        ))
        .await;
    assert_eq!(r.body["total"], 2);
    assert_eq!(
        r.body["nextUri"],
        format!("/api/v2/integrations?pageSize=1&pageNumber=2&integrationType={EB}")
    );
    for (query, want) in [
        ("integrationType=webhooks".to_string(), vec!["w"]),
        (format!("ids={a},{w}"), vec!["a", "w"]),
    ] {
        let r = api.get(&format!("/api/v2/integrations?{query}")).await;
        assert_eq!(names(&r), want, "{query}");
    }
    // How many each filter finds (the three are INACTIVE).
    for (query, total) in [
        (format!("ids={b}&integrationType=webhooks"), 0),
        ("reportedState=ACTIVE".to_string(), 0),
        ("reportedState=INACTIVE".to_string(), 3),
    ] {
        let r = api.get(&format!("/api/v2/integrations?{query}")).await;
        assert_eq!(r.body["total"], total, "{query}");
    }
}

#[tokio::test]
async fn every_response_carries_a_correlation_id_the_error_context_id() {
    let (h, api) = Harness::with_admin().await;
    let ok = api.get("/api/v2/integrations").await;
    let first = ok.header("inin-correlation-id").to_string();
    assert!(uuid::Uuid::parse_str(&first).is_ok(), "{first}");
    let again = api.get("/api/v2/integrations").await;
    assert_ne!(
        again.header("inin-correlation-id"),
        first,
        "one per response"
    );
    let err = api.get("/api/v2/integrations/nope").await;
    assert_eq!(err.body["contextId"], err.header("inin-correlation-id"));
    let token = h.token_response("nobody-at-all", "x").await;
    assert!(token.headers.get("inin-correlation-id").is_some());
}
