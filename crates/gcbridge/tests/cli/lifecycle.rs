//! End to end through the binary: apply -> status -> apply again (zero writes) -> change topics ->
//! delete, against the emulator on loopback.

use crate::common::*;
use serde_json::Value;

fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(extra.iter()).copied().collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_status_reapply_change_delete() {
    let w = World::as_client(ADMIN).await;
    let url = w.url.clone();

    // First apply creates, configures and enables.
    let out = w
        .run(&with(&["apply", "--auto-approve", "--wait"], DEST))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("+ create") && out.stdout.contains("reported ACTIVE"),
        "{out:?}"
    );
    let all = integrations(&url).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["intendedState"], "ENABLED");
    let props = &all[0]["config"]["current"]["properties"];
    assert_eq!(props["eventSourceSuffix"], "prod-events");
    assert_eq!(props["eventFilter"].as_array().unwrap().len(), 11);

    // status shows it with the partner names it implies.
    let out = w.run(&["status", "prod-events", "--output", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let s = out.json();
    let row = &s["integrations"][0];
    assert_eq!(row["reported_state"], "ACTIVE");
    let org_id = s["org"]["id"].as_str().unwrap();
    assert_eq!(
        row["partner_event_source"],
        Value::String(format!(
            "aws.partner/genesys.com/cloud/{org_id}/prod-events"
        ))
    );
    assert_eq!(
        row["partner_event_bus_arn"],
        Value::String(format!(
            "arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/{org_id}/prod-events"
        ))
    );

    // Re-running the same apply changes nothing and writes nothing.
    clear_requests(&url).await;
    let out = w.run(&with(&["apply"], DEST)).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("No changes"), "{out:?}");
    assert_eq!(writes(&url).await, 0, "{}", requests(&url).await);
    let out = w.run(&with(&["plan", "--detailed-exitcode"], DEST)).await;
    assert_eq!(out.code, 0, "{out:?}");

    // Changing the topics is planned as an itemised update, then applied in place.
    let changed = with(
        DEST,
        &["--topic", "v2.users.{id}.presence", "--description", "ops"],
    );
    let out = w
        .run(&with(&["plan", "--detailed-exitcode"], &changed))
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stdout.contains("~ update") && out.stdout.contains("+ v2.users.{id}.presence"),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("description: (none) -> \"ops\""),
        "{out:?}"
    );
    clear_requests(&url).await;
    let out = w
        .run(&with(
            &["apply", "--auto-approve", "--output", "json"],
            &changed,
        ))
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["failed"], 0);
    let c = requests(&url).await;
    assert_eq!(c["writes"], 1, "only the config is written: {c}");
    assert_eq!(
        c["byRoute"]["PUT /api/v2/integrations/{integrationId}/config/current"], 1,
        "{c}"
    );
    let all = integrations(&url).await;
    assert_eq!(all.len(), 1, "updated in place, not duplicated");
    assert_eq!(
        all[0]["config"]["current"]["properties"]["eventFilter"]
            .as_array()
            .unwrap()
            .len(),
        12
    );

    // Removing a topic again shows it as removed.
    let out = w.run(&with(&["plan", "--output", "json"], DEST)).await;
    let change = &out.json()["orgs"][0]["plan"]["changes"][0];
    assert_eq!(change["kind"], "update");
    assert_eq!(change["topics_removed"][0], "v2.users.{id}.presence");

    // delete refuses without a terminal, then deletes with --yes.
    let out = w.run(&["delete", "prod-events"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("--yes"), "{out:?}");
    assert_eq!(integrations(&url).await.len(), 1);
    let out = w.run(&["delete", "prod-events", "--yes"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(integrations(&url).await.is_empty());
    let out = w.run(&["status", "prod-events"]).await;
    assert_eq!(out.code, 1, "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_from_a_config_file_and_disabled_destinations() {
    let w = World::new(
        sim().await,
        vec![
            ("GENESYS_CLIENT_ID".into(), ADMIN.into()),
            ("GENESYS_CLIENT_SECRET".into(), SECRET.into()),
        ],
    );
    let url = w.url.clone();
    w.write(
        "gcbridge.toml",
        &format!(
            r#"
[genesys]
api_url = "{url}"

[[destination]]
name = "audit"
description = "audit trail"
enabled = false
aws_account_id = "123456789012"
aws_region = "eu-west-1"
event_source_suffix = "audit"
event_types = ["audit"]

[[destination]]
name = "agents"
aws_account_id = "123456789012"
aws_region = "eu-west-1"
event_source_suffix = "agents"
topics = ["v2.users.{{id}}.presence", "v2.users.{{id}}.routingStatus"]
"#
        ),
    );
    let out = w.apply("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let all = integrations(&url).await;
    assert_eq!(all.len(), 2);
    let audit = all.iter().find(|i| i["name"] == "audit").unwrap();
    assert_eq!(audit["intendedState"], "DISABLED");
    assert_eq!(audit["config"]["current"]["notes"], "audit trail");
    clear_requests(&url).await;
    let out = w.plan("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(writes(&url).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unfinished_create_is_resumed_without_a_duplicate() {
    let w = World::as_client(ADMIN).await;
    let url = w.url.clone();
    // An earlier run died right after POST /api/v2/integrations.
    gcbridge_testkit::sim::create_bare_integration(&url, "prod-events").await;
    let out = w.run(&with(&["apply", "--auto-approve"], DEST)).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("resumes an earlier run"), "{out:?}");
    let all = integrations(&url).await;
    assert_eq!(all.len(), 1, "adopted, not duplicated");
    assert_eq!(
        all[0]["config"]["current"]["properties"]["eventSourceSuffix"],
        "prod-events"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_refuses_without_a_terminal_and_writes_nothing() {
    let w = World::as_client(ADMIN).await;
    let url = w.url.clone();
    let out = w.run(&with(&["apply"], DEST)).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("--auto-approve"), "{out:?}");
    assert_eq!(writes(&url).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_view_only_client_is_told_which_permission_it_lacks() {
    let w = World::as_client(VIEWER).await;
    let url = w.url.clone();
    let out = w.run(&with(&["apply", "--auto-approve"], DEST)).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("integrations:integration:add"),
        "{out:?}"
    );
    assert!(integrations(&url).await.is_empty());

    let out = w.run(&["whoami", "--output", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let perms = out.json()["permissions"].clone();
    let status = |p: &str| {
        perms
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["permission"] == p)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("integrations:integration:view"), "granted");
    assert_eq!(status("integrations:integration:add"), "missing");
    assert_eq!(status("integrations:integration:delete"), "missing");
}

#[tokio::test(flavor = "multi_thread")]
async fn whoami_names_org_client_and_token() {
    let w = World::as_client(ADMIN).await;
    let out = w.run(&["whoami", "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let v = out.json();
    assert_eq!(v["org_id"], genesys_sim::DEFAULT_ORG_ID);
    assert_eq!(v["client_id"], ADMIN);
    assert!(v["token_expires_in_secs"].as_u64().unwrap() > 86_000);
    assert!(
        v["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "granted"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn topics_search_and_family() {
    let w = World::as_client(ADMIN).await;
    let out = w
        .run(&["topics", "--search", "presence", "-o", "json"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let ids: Vec<String> = out.json()["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        ids.contains(&"v2.users.{id}.presence".to_string()),
        "{ids:?}"
    );
    let out = w
        .run(&["topics", "--family", "routing", "-o", "json"])
        .await;
    assert_eq!(out.json()["count"], 11);
    let out = w
        .run(&["topics", "--family", "v2.detail.events.conversation.{id}.*"])
        .await;
    assert!(out.stdout.contains("16 topic(s)"), "{out:?}");
    let out = w.run(&["topics", "--family", "routng"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("did you mean \"routing\""), "{out:?}");
    let out = w.run(&["topics", "--help"]).await;
    assert!(
        out.stdout.contains("conversation") && out.stdout.contains("Families"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tutorial_arn_form_works_with_a_warning_and_a_foreign_org_is_refused() {
    let w = World::as_client(ADMIN).await;
    let url = w.url.clone();
    let org = genesys_sim::DEFAULT_ORG_ID;
    let arn = format!("arn:aws:events:us-east-1:123456789012:partner-event-bus/aws.partner/genesys.com/cloud/{org}/tut");
    let out = w
        .run(&[
            "plan",
            "--name",
            "t",
            "--event-bus-arn",
            &arn,
            "--event-types",
            "user",
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("warning")
            && out
                .stderr
                .contains(":event-bus/aws.partner/genesys.com/cloud/"),
        "{out:?}"
    );
    assert!(out.stdout.contains("+ create"), "{out:?}");

    let other = "arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/another-org/tut";
    let out = w
        .run(&[
            "apply",
            "--name",
            "t",
            "--event-bus-arn",
            other,
            "--event-types",
            "user",
            "--auto-approve",
        ])
        .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("another-org") && out.stderr.contains(org),
        "{out:?}"
    );
    assert_eq!(writes(&url).await, 0);
}

/// The critical path in requests: a first apply reads who we are, the catalogue and the listing
/// (together), creates, lists once to settle twins, PUTs the config over the create's (no config
/// read) and enables; a re-apply makes the three reads and nothing else. Under API variants
/// (`GCBRIDGE_TEST_SIM_QUIRKS`) more reads and conflicting config PUTs are allowed, never a
/// second create or enable.
#[tokio::test(flavor = "multi_thread")]
async fn first_apply_and_reapply_make_only_the_requests_they_need() {
    let w = World::as_client(ADMIN).await;
    let url = w.url.clone();
    let exact = gcbridge_testkit::sim::env_quirks() == genesys_sim::Quirks::default();
    clear_requests(&url).await;
    let out = w.run(&with(&["apply", "--auto-approve"], DEST)).await;
    assert_eq!(out.code, 0, "{out:?}");
    let c = requests(&url).await;
    let route = |r: &str| c["byRoute"][r].as_u64().unwrap_or(0);
    if exact {
        for (r, n) in [
            ("POST /oauth/token", 1),
            ("GET /api/v2/organizations/me", 1),
            ("GET /api/v2/integrations", 2),
            ("POST /api/v2/integrations", 1),
            ("GET /api/v2/integrations/{integrationId}/config/current", 0),
            ("PUT /api/v2/integrations/{integrationId}/config/current", 1),
            ("PATCH /api/v2/integrations/{integrationId}", 1),
        ] {
            assert_eq!(route(r), n, "{r}: {c}");
        }
        assert_eq!(c["total"], 8, "{c}");
        assert_eq!(c["writes"], 3, "create, config, enable: {c}");
    }
    // Under the variants a conflicting config PUT is repeated, nothing else.
    assert_eq!(route("POST /api/v2/integrations"), 1, "{c}");
    assert_eq!(
        route("PATCH /api/v2/integrations/{integrationId}"),
        1,
        "{c}"
    );

    clear_requests(&url).await;
    let out = w.run(&with(&["apply", "--auto-approve"], DEST)).await;
    assert_eq!(out.code, 0, "{out:?}");
    let c = requests(&url).await;
    assert_eq!(c["writes"], 0, "{c}");
    if exact {
        assert_eq!(c["total"], 4, "token, me, catalogue, listing: {c}");
    }
}
