//! `gcbridge api-check` against the emulator: every read endpoint reported, the expand and the
//! type filter judged, the rate budget each response reported, a failed read is exit 1 with its
//! status, and nothing secret in the report, human or JSON.

use crate::common::*;

const APPLY: &[&str] = &[
    "apply",
    "--auto-approve",
    "--name",
    "d",
    "--aws-account-id",
    "123456789012",
    "--aws-region",
    "us-east-1",
    "--suffix",
    "d",
    "--event-types",
    "routing",
];

fn assert_nothing_secret(out: &Output) {
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(SECRET), "{out:?}");
        assert!(!text.contains(ADMIN), "no client id: {out:?}");
        assert!(!text.to_ascii_lowercase().contains("bearer"), "{out:?}");
        assert!(!text.contains("123456789012"), "no config value: {out:?}");
    }
}

fn endpoint<'a>(report: &'a serde_json::Value, prefix: &str) -> &'a serde_json::Value {
    report["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in {report}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_org_is_reported_and_the_config_read_skipped() {
    let w = World::as_client(ADMIN).await;
    let out = w.run(&["api-check", "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let r = out.json();
    assert_eq!(r["endpoints"].as_array().unwrap().len(), 6, "{r}");
    assert_eq!(
        endpoint(&r, "GET /api/v2/organizations/me")["outcome"],
        "ok"
    );
    let cfg = endpoint(&r, "GET /api/v2/integrations/{id}/config/current");
    assert_eq!(cfg["outcome"], "skipped", "{r}");
    assert!(r["expand_config_current_honoured"].is_null(), "{r}");
    assert_nothing_secret(&out);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_org_with_an_integration_has_every_read_checked() {
    let w = World::as_client(ADMIN).await;
    assert_eq!(w.run(APPLY).await.code, 0);
    let out = w.run(&["api-check", "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let r = out.json();
    for e in r["endpoints"].as_array().unwrap() {
        assert_eq!(e["outcome"], "ok", "{e}");
        assert!(
            e["rate_limit_allowed"].as_u64().is_some(),
            "the budget is reported: {e}"
        );
        assert_eq!(e["missing_fields"], serde_json::json!([]), "{e}");
        assert!(
            e["unknown_enum_values"].as_array().unwrap().is_empty(),
            "{e}"
        );
    }
    assert_eq!(r["expand_config_current_honoured"], true, "{r}");
    assert_eq!(r["integration_type_filter_honoured"], true, "{r}");
    let listed = endpoint(&r, "GET /api/v2/integrations?pageSize=100&pageNumber=1&integrationType=amazon-eventbridge-source&expand=config.current");
    assert_eq!(listed["outcome"], "ok");
    assert_nothing_secret(&out);

    let human = w.run(&["api-check"]).await;
    assert_eq!(human.code, 0, "{human:?}");
    assert!(human.stdout.contains("OUTCOME"), "{human:?}");
    assert!(
        human.stdout.contains("expand=config.current honoured: yes"),
        "{human:?}"
    );
    assert!(
        human.stdout.contains("GET /api/v2/organizations/me"),
        "{human:?}"
    );
    assert_nothing_secret(&human);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_read_is_reported_with_its_status_and_exit_1() {
    let w = World::as_client(ADMIN).await;
    set_faults(
        &w.url,
        &serde_json::json!([{"kind": "status", "status": 403, "route": "GET /api/v2/integrations/types/{typeId}"}]),
    )
    .await;
    let out = w.run(&["api-check", "-o", "json"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    let r = out.json();
    let t = endpoint(&r, "GET /api/v2/integrations/types/");
    assert_eq!(t["outcome"], "failed", "{r}");
    assert!(t["detail"].as_str().unwrap().contains("HTTP 403"), "{r}");
    assert_eq!(
        endpoint(&r, "GET /api/v2/organizations/me")["outcome"],
        "ok"
    );
    assert_nothing_secret(&out);
}
