//! `GET/PUT /api/v2/integrations/{id}/config/current`: versions, conflicts and every
//! amazon-eventbridge-source property rule.

use serde_json::{json, Value};

use crate::common::{eb_properties, Harness, EB, TOPIC};

#[tokio::test]
async fn put_bumps_version_and_syncs_name() {
    let (_h, api, id) = Harness::with_integration("events").await;
    let path = format!("/api/v2/integrations/{id}/config/current");
    let r = api.get(&path).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["version"], 1);
    assert_eq!(r.body["name"], "events");

    let r = api.configure(&id, 1, "prod").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.body["name"], "events");
    assert_eq!(r.body["notes"], "n");
    assert_eq!(r.body["properties"], eb_properties("prod"));
    assert_eq!(api.get(&path).await.body, r.body);

    // A name in the config renames the integration too: both stay the same.
    let r = api
        .put(
            &path,
            json!({"name": "renamed", "version": 2, "properties": eb_properties("prod"), "advanced": {}, "credentials": {}}),
        )
        .await;
    assert_eq!(r.body["name"], "renamed");
    assert_eq!(r.body["version"], 3);
    let i = api
        .get(&format!("/api/v2/integrations/{id}?expand=config.current"))
        .await;
    assert_eq!(i.body["name"], "renamed");
    assert_eq!(i.body["config"]["current"]["version"], 3);
}

#[tokio::test]
async fn version_is_required_and_must_be_current() {
    let (_h, api, id) = Harness::with_integration("events").await;
    let path = format!("/api/v2/integrations/{id}/config/current");
    api.put(&path, json!({"properties": eb_properties("a")}))
        .await
        .assert_bad_request_naming("version");
    api.put(
        &path,
        json!({"version": "1", "properties": eb_properties("a")}),
    )
    .await
    .assert_bad_request_naming("version");
    assert_eq!(api.configure(&id, 1, "a").await.status, 200);
    let r = api.configure(&id, 1, "a").await;
    r.assert_error(409, "conflict");
    assert_eq!(
        r.body["message"],
        "The version (1) does not match the current version (2) of the integration configuration."
    );
    let r = api.configure(&id, 7, "a").await;
    r.assert_error(409, "conflict");
}

#[tokio::test]
async fn every_property_rule_is_a_400_naming_it() {
    let (_h, api, first) = Harness::with_integration("first-source").await;
    assert_eq!(api.configure(&first, 1, "taken").await.status, 200);
    let id = api.create("second", EB).await;
    let path = format!("/api/v2/integrations/{id}/config/current");

    let with = |key: &str, value: Value| {
        let mut p = eb_properties("fresh");
        p[key] = value;
        p
    };
    let without = |key: &str| {
        let mut p = eb_properties("fresh");
        p.as_object_mut().unwrap().remove(key);
        p
    };
    let cases: Vec<(Value, &str)> = vec![
        (without("awsAccountId"), "awsAccountId"),
        (without("awsAccountRegion"), "awsAccountRegion"),
        (without("eventSourceSuffix"), "eventSourceSuffix"),
        (without("eventFilter"), "eventFilter"),
        (with("awsAccountId", json!("12345678901")), "awsAccountId"),
        (with("awsAccountId", json!("12345678901a")), "awsAccountId"),
        (with("awsAccountId", json!(123456789012u64)), "awsAccountId"),
        (
            with("awsAccountRegion", json!("us-east-1a")),
            "awsAccountRegion",
        ),
        (
            with("awsAccountRegion", json!("US-EAST-1")),
            "awsAccountRegion",
        ),
        (with("eventSourceSuffix", json!("")), "eventSourceSuffix"),
        (
            with("eventSourceSuffix", json!("has space")),
            "eventSourceSuffix",
        ),
        (
            with("eventSourceSuffix", json!("a".repeat(65))),
            "eventSourceSuffix",
        ),
        (with("eventSourceSuffix", json!("taken")), "first-source"),
        (with("eventFilter", json!([])), "eventFilter"),
        (with("eventFilter", json!(TOPIC)), "eventFilter"),
        (with("eventFilter", json!([TOPIC, 3])), "eventFilter"),
        (
            with("eventFilter", json!(["v2.made.up.topic"])),
            "v2.made.up.topic",
        ),
        (
            with("eventFilter", json!(["v2.system.socket_closing"])),
            "v2.system.socket_closing",
        ),
        (
            with("eventBusArn", json!("arn:aws:events:...")),
            "eventBusArn",
        ),
        (json!({}), "awsAccountId"),
    ];
    for (properties, named) in cases {
        api.put(
            &path,
            json!({"version": 1, "properties": properties, "advanced": {}, "credentials": {}}),
        )
        .await
        .assert_bad_request_naming(named);
    }
    api.put(&path, json!({"version": 1, "properties": "x"}))
        .await
        .assert_bad_request_naming("properties");
    // Nothing was written by the rejected calls.
    assert_eq!(api.get(&path).await.body["version"], 1);
    // Longest suffix, every allowed character, another region: fine.
    let mut p = eb_properties(&format!("{}._-Z9", "a".repeat(59)));
    // A region code outside the bundled list but well-formed (AWS adds regions).
    p["awsAccountRegion"] = json!("ap-southeast-7");
    let r = api
        .put(
            &path,
            json!({"version": 1, "properties": p, "advanced": {}, "credentials": {}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The same suffix on another AWS account is allowed.
    let third = api.create("third", EB).await;
    let mut p = eb_properties("taken");
    p["awsAccountId"] = json!("999999999999");
    let r = api
        .put(
            &format!("/api/v2/integrations/{third}/config/current"),
            json!({"version": 1, "properties": p, "advanced": {}, "credentials": {}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn other_types_accept_free_properties() {
    let (_h, api) = Harness::with_admin().await;
    let id = api.create("hooks", "webhooks").await;
    let r = api
        .put(
            &format!("/api/v2/integrations/{id}/config/current"),
            json!({"version": 1, "properties": {"url": "https://example.com"}, "advanced": {}, "credentials": {}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["properties"]["url"], "https://example.com");
}

#[tokio::test]
async fn properties_advanced_and_credentials_are_required_objects() {
    let (_h, api, id) = Harness::with_integration("events").await;
    let path = format!("/api/v2/integrations/{id}/config/current");
    let full =
        json!({"version": 1, "properties": eb_properties("s"), "advanced": {}, "credentials": {}});
    for field in ["properties", "advanced", "credentials"] {
        let mut missing = full.clone();
        missing.as_object_mut().unwrap().remove(field);
        let mut null = full.clone();
        null[field] = Value::Null;
        let mut wrong = full.clone();
        wrong[field] = json!([]);
        for body in [missing, null, wrong] {
            let r = api.put(&path, body).await;
            r.assert_bad_request_naming(field);
            assert_eq!(r.body["messageParams"]["field"], field);
        }
    }
    assert_eq!(api.get(&path).await.body["version"], 1, "nothing written");
    assert_eq!(api.put(&path, full).await.status, 200);
}

#[tokio::test]
async fn empty_notes_read_as_the_sentinel_and_notes_round_trip() {
    let (_h, api, id) = Harness::with_integration("events").await;
    let path = format!("/api/v2/integrations/{id}/config/current");
    let sentinel = "node_dynamodb_empty_string";
    assert_eq!(api.get(&path).await.body["notes"], sentinel);
    let r = api.configure(&id, 1, "s").await;
    assert_eq!(r.body["notes"], "n");
    let body = json!({"version": 2, "notes": "", "properties": eb_properties("s"), "advanced": {}, "credentials": {}});
    assert_eq!(api.put(&path, body).await.body["notes"], sentinel);
    let listed = api.get("/api/v2/integrations?expand=config.current").await;
    assert_eq!(
        listed.body["entities"][0]["config"]["current"]["notes"],
        sentinel
    );
    assert_eq!(
        listed.body["entities"][0]["notes"], "",
        "the integration's own notes stay empty"
    );
}
