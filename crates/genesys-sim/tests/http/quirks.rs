//! The quirks, one test each (against the default, where it behaves otherwise), and
//! `GET /sim/v1/quirks`.

use std::time::Duration;

use genesys_sim::{Quirks, SimConfig};
use serde_json::{json, Value};

use crate::common::{quick_config, Harness, EB};

fn with(quirks: &str) -> SimConfig {
    SimConfig {
        quirks: quirks.parse().unwrap(),
        ..quick_config()
    }
}

#[tokio::test]
async fn no_expand_lists_without_configs() {
    for (quirks, expanded) in [("", true), ("no-expand", false)] {
        let h = Harness::with(with(quirks)).await;
        let api = h.admin().await;
        let id = api.create("events", EB).await;
        let list = api.get("/api/v2/integrations?expand=config.current").await;
        let e = &list.body["entities"][0];
        assert_eq!(e.get("config").is_some(), expanded, "{quirks:?}: {e}");
        // The single GET still honours the expand.
        let one = api
            .get(&format!("/api/v2/integrations/{id}?expand=config.current"))
            .await;
        assert_eq!(one.body["config"]["current"]["version"], 1);
    }
}

#[tokio::test]
async fn strict_create_rejects_other_fields() {
    let body = json!({"name": "e", "integrationType": {"id": EB}, "notes": "n"});
    let h = Harness::start().await;
    let r = h
        .admin()
        .await
        .post("/api/v2/integrations", body.clone())
        .await;
    assert_eq!(r.status, 200, "ignored by default: {}", r.body);
    let h = Harness::with(with("strict-create")).await;
    let api = h.admin().await;
    let r = api.post("/api/v2/integrations", body).await;
    r.assert_bad_request_naming("notes");
    assert_eq!(r.body["messageParams"]["field"], "notes");
    api.create("plain", EB).await;
}

#[tokio::test]
async fn consistency_lag_conflicts_right_after_the_create() {
    let h = Harness::with(with("consistency-lag=400")).await;
    let api = h.admin().await;
    let id = api.create("events", EB).await;
    let r = api.configure(&id, 1, "lagged").await;
    r.assert_error(409, "conflict");
    let m = r.body["message"].as_str().unwrap();
    assert!(m.contains("does not match the current version"), "{m}");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let r = api.configure(&id, 1, "lagged").await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Without the quirk the first PUT is fine.
    let (_h, api, id) = Harness::with_integration("events").await;
    assert_eq!(api.configure(&id, 1, "at-once").await.status, 200);
}

#[tokio::test]
async fn deleted_linger_keeps_a_deleted_integration_readable_then_404() {
    let h = Harness::with(with("deleted-linger=1")).await;
    let api = h.admin().await;
    let id = api.create("events", EB).await;
    let path = format!("/api/v2/integrations/{id}");
    assert_eq!(api.delete(&path).await.status, 200);
    let got = api.get(&path).await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["intendedState"], "DELETED");
    let list = api.get("/api/v2/integrations").await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["entities"][0]["intendedState"], "DELETED");
    // Writes no longer see it.
    api.delete(&path).await.assert_error(404, "not.found");
    api.patch(&path, json!({"intendedState": "ENABLED"}))
        .await
        .assert_error(404, "not.found");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    api.get(&path).await.assert_error(404, "not.found");
    assert_eq!(api.get("/api/v2/integrations").await.body["total"], 0);
    // Without the quirk a delete is a 404 at once.
    let (_h, api, id) = Harness::with_integration("events").await;
    let path = format!("/api/v2/integrations/{id}");
    api.delete(&path).await;
    api.get(&path).await.assert_error(404, "not.found");
}

#[tokio::test]
async fn extra_fields_everywhere_but_in_data() {
    let h = Harness::with(with("extra-fields")).await;
    let api = h.admin().await;
    let id = api.create("events", EB).await;
    assert_eq!(api.configure(&id, 1, "x").await.status, 200);
    let list = api.get("/api/v2/integrations?expand=config.current").await;
    let e = &list.body["entities"][0];
    assert_eq!(list.body["x-sim-extra"], 1);
    assert_eq!(e["x-sim-extra"], 1);
    assert_eq!(e["integrationType"]["x-sim-extra"], 1);
    assert_eq!(e["reportedState"]["effective"], "Degraded");
    let current = &e["config"]["current"];
    assert_eq!(current["x-sim-extra"], 1);
    assert!(current["properties"].get("x-sim-extra").is_none());
    assert_eq!(current["advanced"], json!({}));
    let me = api.get("/api/v2/organizations/me").await;
    assert_eq!(me.body["x-sim-extra"], 1);
    // Not without the quirk.
    let (_h, api) = Harness::with_admin().await;
    api.create("events", EB).await;
    let list = api.get("/api/v2/integrations").await;
    assert!(list.body.get("x-sim-extra").is_none());
    assert_ne!(
        list.body["entities"][0]["reportedState"]["effective"],
        "Degraded"
    );
}

#[tokio::test]
async fn null_error_parts_keep_message_code_status_and_context() {
    let h = Harness::with(with("null-error-parts")).await;
    let api = h.admin().await;
    let r = api.get("/api/v2/integrations/nope").await;
    assert_eq!(r.status, 404);
    for part in ["details", "errors", "messageParams"] {
        assert_eq!(r.body[part], Value::Null, "{part} in {}", r.body);
    }
    assert_eq!(r.body["code"], "not.found");
    assert_eq!(r.body["status"], 404);
    assert!(r.body["message"].is_string());
    assert_eq!(r.body["contextId"], r.header("inin-correlation-id"));
    // By default they are empty, not null.
    let h = Harness::start().await;
    h.admin()
        .await
        .get("/api/v2/integrations/nope")
        .await
        .assert_error(404, "not.found");
}

#[tokio::test]
async fn the_quirks_route_shows_the_active_ones_and_all_of_them() {
    let h = Harness::with(with("all")).await;
    let r = h.raw(reqwest::Method::GET, "/sim/v1/quirks").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["active"],
        json!(Quirks::all().names()),
        "all with the defaults"
    );
    let active = r.body["active"].as_array().unwrap();
    for with_default in ["consistency-lag=1500", "deleted-linger=3"] {
        assert!(active.iter().any(|a| a == with_default), "{active:?}");
    }
    let known = r.body["known"].as_array().unwrap();
    assert_eq!(known.len(), Quirks::all().names().len());
    assert!(known.iter().all(|k| k["description"].is_string()));
    let h = Harness::start().await;
    let r = h.raw(reqwest::Method::GET, "/sim/v1/quirks").await;
    assert_eq!(r.body["active"], json!([]));
}
