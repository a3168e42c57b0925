//! `gcbridge iam-policy -f FILE`: offline, the policy alone on stdout (valid IAM JSON a file can
//! take as it is) with its header on stderr; `-o json` the documented document; a bad file the
//! usual diagnostics and exit 2. The policy's contents are core's tests (crates/gcbridge-core/tests/core/iam_policy.rs)
//! and its sufficiency the IAM-enforcing moto's (iam_enforced.rs).

use crate::common::*;
use serde_json::Value;

/// One destination on a region, associated, with one rule to an SQS queue.
fn file() -> String {
    let queue = "targets = [\"arn:aws:sqs:us-east-1:123456789012:genesys-events\"]";
    let aws = config_file::aws_table("", &config_file::rule("to-queue", queue));
    config_file::offline_destination("prod", "123456789012", &["routing"], &aws)
}

async fn run(file: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gcbridge.toml"), file).unwrap();
    let mut all = vec!["iam-policy", "-f", "gcbridge.toml"];
    all.extend(args);
    // No Genesys and no AWS: the command is offline.
    gcbridge(dir.path(), &[], &all).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_alone_is_stdout_and_the_header_names_the_genesys_permissions() {
    let out = run(&file(), &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let policy: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(policy["Version"], "2012-10-17");
    let statements = policy["Statement"].as_array().unwrap();
    assert!(
        statements
            .iter()
            .all(|s| s["Sid"].is_string() && s["Effect"] == "Allow"),
        "{policy:#}"
    );
    assert!(
        out.stdout.trim_start().starts_with(
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\""
        ),
        "IAM's key order, Sid first: {}",
        out.stdout
    );
    let queues = statements
        .iter()
        .find(|s| s["Sid"] == "TargetQueues")
        .unwrap();
    assert_eq!(
        queues["Resource"][0],
        "arn:aws:sqs:us-east-1:123456789012:genesys-events"
    );
    assert!(
        out.stderr.contains("gcbridge.toml (1 destination, 1 org)"),
        "{out:?}"
    );
    for p in [
        "integrations:integration:view",
        "integrations:integration:delete",
    ] {
        assert!(out.stderr.contains(p), "{out:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn json_output_is_the_documented_document() {
    let out = run(&file(), &["-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    crate::json_docs::assert_documented("iam-policy", &out);
    let doc = out.json();
    assert_eq!(doc["aws_policy"]["Version"], "2012-10-17");
    assert_eq!(doc["genesys_permissions"].as_array().unwrap().len(), 4);
    assert!(out.stderr.is_empty(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_file_is_its_diagnostics_and_exit_2() {
    let out = run(
        &file().replace(
            "aws_account_id = \"123456789012\"",
            "aws_account_id = \"12345\"",
        ),
        &[],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(
        out.stderr.contains("aws_account_id") && out.stderr.contains("gcbridge.toml:"),
        "{out:?}"
    );
    let out = run("[[destination]]\nname = 1\n", &["-o", "json"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.json()["error"]["kind"], "invalid_input", "{out:?}");
    let missing = gcbridge(
        std::path::Path::new("."),
        &[],
        &["iam-policy", "-f", "/nonexistent/gcbridge.toml"],
    )
    .await;
    assert_eq!(missing.code, 2, "{missing:?}");
}
