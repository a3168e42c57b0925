//! The API variants of issue 10 on the core side, against a scripted API: a list that does not
//! expand configs, deleted integrations still listed, the empty-notes sentinel, and version
//! conflicts that last longer than a few rounds right after the create.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gcbridge_core::config::Origin;
use gcbridge_core::{
    apply_plan, plan, read_live, topic_set, ApplyEvent, ApplyOptions, ChangeKind, ConflictRetry,
    Destination,
};
use serde_json::{json, Value};

use crate::fake_api::{FakeApi, Handler, Req};

const TYPE: &str = "amazon-eventbridge-source";

fn destination() -> Destination {
    Destination {
        name: "prod".into(),
        description: None,
        enabled: false,
        aws_account_id: "123456789012".into(),
        aws_region: "us-east-1".into(),
        event_source_suffix: "prod".into(),
        topics: topic_set(["v2.users.{id}.presence"]),
        origin: Origin::Flag,
        aws: None,
    }
}

fn config(version: u64) -> Value {
    json!({"id": "i-1", "name": "prod", "notes": "node_dynamodb_empty_string", "version": version,
        "properties": {"awsAccountId": "123456789012", "awsAccountRegion": "us-east-1",
            "eventSourceSuffix": "prod", "eventFilter": ["v2.users.{id}.presence"]},
        "advanced": {}, "credentials": {}})
}

fn page(entities: Value) -> Value {
    json!({"entities": entities, "pageSize": 100, "pageNumber": 1, "total": 3, "pageCount": 1})
}

/// An org whose list ignores `expand=config.current`, still lists a deleted integration, and
/// says empty notes with the sentinel.
fn no_expand_org() -> Handler {
    Arc::new(|r: &Req| match (r.method.as_str(), r.path.as_str()) {
        ("GET", "/api/v2/integrations") => (
            200,
            page(json!([
                {"id": "i-1", "name": "prod", "intendedState": "DISABLED",
                 "notes": "node_dynamodb_empty_string", "integrationType": {"id": TYPE}},
                {"id": "i-gone", "name": "old", "intendedState": "DELETED",
                 "integrationType": {"id": TYPE}},
                {"id": "i-other", "name": "x", "integrationType": {"id": "purecloud-data-actions"}}
            ])),
        ),
        ("GET", "/api/v2/integrations/i-1/config/current") => (200, config(3)),
        // Still readable for a while after the delete, as the Terraform provider's polling shows.
        ("GET", "/api/v2/integrations/i-gone/config/current") => {
            let mut c = config(5);
            c["name"] = json!("old");
            c["properties"]["eventSourceSuffix"] = json!("old");
            (200, c)
        }
        _ => (404, json!({"message": "not found", "code": "not.found"})),
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_list_without_configs_has_each_config_read_and_nothing_changes() {
    let api = FakeApi::start(no_expand_org()).await;
    let live = read_live(&api.client()).await.unwrap();
    assert_eq!(
        live.len(),
        1,
        "the deleted and the other type are not live: {live:?}"
    );
    assert_eq!(live[0].id, "i-1");
    assert!(!live[0].is_unconfigured(), "its config was read: {live:?}");
    assert_eq!(live[0].notes, None, "the sentinel is no notes");
    let p = plan(&[destination()], &live, true);
    assert!(!p.has_changes(), "no rewrite, no create, no prune: {p:?}");
    let lines = api.lines();
    assert!(
        lines[0].contains("integrationType=amazon-eventbridge-source"),
        "{lines:?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("GET /api/v2/integrations/i-1/config/current")));
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("i-gone") || l.contains("i-other")),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_integration_still_listed_is_not_pruned_nor_matched() {
    let api = FakeApi::start(no_expand_org()).await;
    let live = read_live(&api.client()).await.unwrap();
    let renamed = Destination {
        name: "old".into(),
        event_source_suffix: "other".into(),
        ..destination()
    };
    let p = plan(&[renamed], &live, true);
    let kinds: Vec<_> = p.changes.iter().map(|c| (c.name.clone(), c.kind)).collect();
    assert!(
        kinds.contains(&("old".into(), ChangeKind::Create)),
        "{kinds:?}"
    );
    assert!(
        p.changes
            .iter()
            .all(|c| c.integration_id.as_deref() != Some("i-gone")),
        "{p:?}"
    );
}

/// A fresh org where the config PUT answers a version conflict `conflicts` times after the
/// create, in the three shapes the API (and the Terraform provider) knows.
fn lagging_org(conflicts: u32) -> (Handler, Arc<AtomicU32>) {
    let puts = Arc::new(AtomicU32::new(0));
    let created = Arc::new(Mutex::new(false));
    let count = puts.clone();
    let handler: Handler = Arc::new(move |r: &Req| {
        let exists = *created.lock().unwrap();
        match (r.method.as_str(), r.path.as_str()) {
            ("GET", "/api/v2/integrations") if !exists => (200, page(json!([]))),
            // After the create, apply looks for twins: the list then holds ours alone.
            ("GET", "/api/v2/integrations") => (
                200,
                page(json!([{"id": "i-1", "name": "prod", "integrationType": {"id": TYPE}}])),
            ),
            ("POST", "/api/v2/integrations") => {
                *created.lock().unwrap() = true;
                (
                    200,
                    json!({"id": "i-1", "name": "prod", "integrationType": {"id": TYPE}}),
                )
            }
            ("GET", "/api/v2/integrations/i-1/config/current") => (
                200,
                json!({"name": "Amazon EventBridge Source", "version": 1, "properties": {}}),
            ),
            ("PUT", "/api/v2/integrations/i-1/config/current") => {
                let n = count.fetch_add(1, Ordering::SeqCst);
                if n >= conflicts {
                    return (200, serde_json::from_str(&r.body).unwrap());
                }
                match n % 3 {
                    0 => (409, json!({"message": "Conflict", "code": "conflict"})),
                    1 => (408, json!({"message": "Request Timeout", "code": null})),
                    _ => (
                        400,
                        json!({"message": "The version 1 does not match the current version 2", "code": "bad.request"}),
                    ),
                }
            }
            _ => (404, json!({"message": "not found"})),
        }
    });
    (handler, puts)
}

fn quick_retry() -> ApplyOptions {
    ApplyOptions {
        conflict: ConflictRetry {
            pause: Duration::from_millis(20),
            ..ConflictRetry::default()
        },
        ..ApplyOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn config_conflicts_right_after_the_create_are_ridden_out() {
    let (handler, puts) = lagging_org(7);
    let api = FakeApi::start(handler).await;
    let c = api.client();
    let desired = [Destination {
        description: Some("the notes".into()),
        ..destination()
    }];
    let p = plan(&desired, &read_live(&c).await.unwrap(), false);
    let rounds = Mutex::new(Vec::new());
    let observe = |e: ApplyEvent<'_>| {
        if let ApplyEvent::Conflict { round, .. } = e {
            rounds.lock().unwrap().push(round);
        }
    };
    let outcomes = apply_plan(&c, &p, &quick_retry(), &observe).await;
    assert!(outcomes[0].ok(), "{outcomes:?}");
    assert_eq!(puts.load(Ordering::SeqCst), 8);
    assert_eq!(*rounds.lock().unwrap(), (1..=7).collect::<Vec<_>>());
    let seen = api.seen();
    let post = seen.iter().find(|(l, _)| l.starts_with("POST")).unwrap();
    let body: Value = serde_json::from_str(&post.1).unwrap();
    assert_eq!(
        body,
        json!({"name": "prod", "integrationType": {"id": TYPE}})
    );
    let put = seen.iter().rfind(|(l, _)| l.starts_with("PUT")).unwrap();
    assert!(put.1.contains("\"notes\":\"the notes\""), "{}", put.1);
    // Each round but the first (over the config the create made) read the version again before
    // writing.
    let gets = seen
        .iter()
        .filter(|(l, _)| l.starts_with("GET /api/v2/integrations/i-1/config"))
        .count();
    // Seven rounds, plus the config the twin look-up after the create reads (this list has no expand).
    assert_eq!(gets, 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn conflicts_that_never_end_are_reported_after_the_rounds() {
    let (handler, puts) = lagging_org(u32::MAX);
    let api = FakeApi::start(handler).await;
    let c = api.client();
    let p = plan(&[destination()], &[], false);
    let outcomes = apply_plan(&c, &p, &quick_retry(), &|_| {}).await;
    let err = outcomes[0].error.as_deref().unwrap();
    assert!(err.contains("write config failed"), "{err}");
    assert_eq!(puts.load(Ordering::SeqCst), ConflictRetry::default().rounds);
}
