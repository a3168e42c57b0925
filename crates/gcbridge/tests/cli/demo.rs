//! `gcbridge demo` end to end: the whole chain against a running moto (`--aws-endpoint`, and what
//! it made there is gone afterwards), against a moto it starts itself through the launcher, and
//! the Genesys half alone when moto cannot be started (no launcher / no python3).

use crate::common::*;
use gcbridge_testkit::moto;
use serde_json::Value;

const CHAIN: &[&str] = &[
    "authenticate (client credentials)",
    "build the destination",
    "create the integration",
    "subscribe the topics",
    "enable",
    "wait for ACTIVE",
    "the partner event source appears",
    "apply (AWS)",
    "events arrive",
    "doctor",
    "error 1: a view-only client creates",
    "error 2: a bad event bus ARN",
    "error 3: a 429 storm",
    "error 4: the bus deleted by hand",
    "doctor fails at that link",
    "events flow again",
    "re-run the same apply",
];

/// The tests' safe default `AWS_ENDPOINT_URL` taken away: the demo must start moto itself.
const NO_ENDPOINT: [(&str, &str); 1] = [("AWS_ENDPOINT_URL", "")];

fn titles(v: &Value) -> Vec<String> {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_string())
        .collect()
}

fn result_of<'a>(v: &'a Value, title: &str) -> &'a str {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == title)
        .and_then(|s| s["result"].as_str())
        .unwrap_or_else(|| panic!("no step {title}: {v:#}"))
}

/// Every step of the chain ran and is ok, with a timing; at least 3 events arrived.
fn assert_whole_chain(v: &Value) {
    assert_eq!(v["ok"], true, "{v:#}");
    let titles = titles(v);
    for t in CHAIN {
        assert!(titles.iter().any(|x| x == t), "{t} missing from {titles:?}");
    }
    for s in v["steps"].as_array().unwrap() {
        assert!(s["ok"] == true && s["millis"].is_u64(), "{s:#}");
    }
    assert!(v["events_received"].as_u64().unwrap() >= 3, "{v:#}");
    assert_eq!(v["rerun_writes"], 0);
    assert!(v["skipped"].is_null(), "{v:#}");
    assert!(result_of(v, "the partner event source appears").starts_with("PENDING"));
    assert!(result_of(v, "error 1: a view-only client creates")
        .contains("integrations:integration:add"));
    assert!(result_of(v, "error 2: a bad event bus ARN").contains("12 digits"));
    assert!(result_of(v, "error 3: a 429 storm").contains("429"));
    let broken = result_of(v, "doctor fails at that link");
    assert!(
        broken.contains("PENDING") && broken.contains("fix:"),
        "{broken}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_runs_the_whole_chain_against_a_running_moto_and_leaves_nothing() {
    let Some(endpoint) = moto::endpoint() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "demo",
        "--output",
        "json",
        "--aws-endpoint",
        endpoint.as_str(),
    ];
    let out = gcbridge_within(dir.path(), &[], &args, std::time::Duration::from_secs(120)).await;
    assert_eq!(out.code, 0, "{out:?}");
    let v = out.json();
    assert_whole_chain(&v);
    crate::json_docs::assert_documented("demo", &out);
    assert!(titles(&v)
        .iter()
        .any(|t| t == "clean up (external endpoint)"));

    let config = moto::sdk_config(&endpoint, "us-east-1").await;
    let events = aws_sdk_eventbridge::Client::new(&config);
    let source = v["partner_event_source"].as_str().unwrap();
    let bus = events.describe_event_bus().name(source).send().await;
    assert!(bus.is_err(), "the demo's bus is gone: {bus:?}");
    let suffix = source.rsplit('/').next().unwrap();
    let sqs = aws_sdk_sqs::Client::new(&config);
    let left = sqs
        .list_queues()
        .queue_name_prefix(suffix)
        .send()
        .await
        .unwrap();
    assert!(left.queue_urls().is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_starts_moto_itself_through_the_launcher() {
    // Needs what scripts/with-moto needs (python3, the venv); the demo starts its own server.
    if moto::endpoint().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let args = ["demo", "--output", "json"];
    let out = gcbridge_within(
        dir.path(),
        &NO_ENDPOINT,
        &args,
        std::time::Duration::from_secs(240),
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    let v = out.json();
    assert_whole_chain(&v);
    assert!(v["aws"]
        .as_str()
        .unwrap()
        .starts_with("moto started by scripts/moto-server"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_moto_the_demo_runs_the_genesys_half_and_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-launcher");
    let env = [
        NO_ENDPOINT[0],
        ("GCBRIDGE_MOTO_LAUNCHER", missing.to_str().unwrap()),
    ];
    let out = gcbridge(dir.path(), &env, &["demo", "--output", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let v = out.json();
    crate::json_docs::assert_documented("demo", &out);
    assert_eq!(v["ok"], true);
    assert_eq!(v["rerun_writes"], 0);
    assert_eq!(v["events_received"], 0);
    assert!(v["topics"].as_u64().unwrap() > 50);
    assert!(
        v["skipped"]["why"]
            .as_str()
            .unwrap()
            .contains("does not exist"),
        "{v:#}"
    );
    assert!(v["skipped"]["get_the_rest"]
        .as_str()
        .unwrap()
        .contains("cargo run --release -- demo"));
    let titles = titles(&v);
    for t in &CHAIN[..6] {
        assert!(titles.iter().any(|x| x == t), "{t} missing from {titles:?}");
    }
    assert!(!titles.iter().any(|t| t == "events arrive"), "{titles:?}");

    let out = gcbridge(dir.path(), &env, &["demo"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Skipped the AWS half")
            && out.stdout.contains("To get the rest: install python3"),
        "{out:?}"
    );
}
