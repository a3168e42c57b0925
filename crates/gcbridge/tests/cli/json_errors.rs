//! `--output json` failures: every failed run (exit 1 or 2) prints exactly one JSON document on
//! stdout, `{"schema_version":1,"error":{kind, exit_code, message, help, diagnostics}}`, whatever
//! failed: clap's usage errors, a bad config, a missing credential, a refused connection, a 403,
//! a name that is not there.

use crate::common::*;
use serde_json::Value;

/// The error document of `out`, checked for the shape every failure shares.
fn error_doc(out: &Output, code: i32, kind: &str) -> Value {
    assert_eq!(out.code, code, "{out:?}");
    let doc = out.json();
    assert_eq!(doc["schema_version"], 1, "{doc:#}");
    let error = &doc["error"];
    let mut keys: Vec<&str> = error
        .as_object()
        .unwrap_or_else(|| panic!("an error object: {doc:#}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["diagnostics", "exit_code", "help", "kind", "message"],
        "{doc:#}"
    );
    assert_eq!(error["exit_code"], code, "{doc:#}");
    assert_eq!(error["kind"], kind, "{doc:#}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{doc:#}"
    );
    assert!(
        error["help"].is_null() || error["help"].is_string(),
        "{doc:#}"
    );
    assert!(error["diagnostics"].is_array(), "{doc:#}");
    error.clone()
}

/// The message of an [`error_doc`] (which checked it is a string, not empty).
fn message(error: &Value) -> &str {
    error["message"].as_str().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn clap_usage_errors_give_the_document_under_every_spelling() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["plan", "--bogus", "-o", "json"][..],
        &["-o", "json", "no-such-command"],
        &["status", "--output=json", "--bogus"],
        &["tail", "-ojson", "--for", "soon"],
        &["validate", "--output", "json", "-f"],
    ] {
        let out = gcbridge(dir.path(), &[], args).await;
        let error = error_doc(&out, 2, "usage");
        assert!(
            !message(&error).starts_with("error:"),
            "{args:?}: {error:#}"
        );
        assert!(
            out.stderr.contains("error:"),
            "clap still explains: {out:?}"
        );
    }
    // Without --output json, stdout stays empty.
    let out = gcbridge(dir.path(), &[], &["plan", "--bogus"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_config_and_missing_credentials_are_usage_documents() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[genesys]\nregoin = \"us-east-1\"\n",
    )
    .unwrap();
    for command in ["validate", "plan", "apply", "status"] {
        let out = gcbridge(dir.path(), &[], &[command, "-f", "bad.toml", "-o", "json"]).await;
        let error = error_doc(&out, 2, "invalid_input");
        let diags = error["diagnostics"].as_array().unwrap();
        assert!(!diags.is_empty(), "{command}: {error:#}");
        assert_eq!(diags[0]["key"], "genesys.regoin", "{command}: {error:#}");
    }
    for command in ["whoami", "topics", "api-check"] {
        let out = gcbridge(
            dir.path(),
            &[("GENESYS_API_URL", "http://127.0.0.1:9")],
            &[command, "-o", "json"],
        )
        .await;
        let error = error_doc(&out, 2, "usage");
        assert!(
            message(&error).contains("GENESYS_CLIENT_ID"),
            "{command}: {error:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_connection_is_a_connection_document() {
    let dir = tempfile::tempdir().unwrap();
    // Port 9 (discard) on loopback: nothing listens there in the test environment.
    let env = env_for("http://127.0.0.1:9", ADMIN);
    for args in [
        &["whoami", "-o", "json"][..],
        &["topics", "-o", "json"],
        &["status", "-o", "json"],
        &["delete", "x", "--yes", "-o", "json"],
    ] {
        let out = gcbridge(dir.path(), &env, args).await;
        let error = error_doc(&out, 1, "connection");
        assert!(
            error["help"].as_str().is_some_and(|h| h.contains("check")),
            "{args:?}: {error:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_and_not_found_have_their_kinds() {
    let w = World::as_client(ADMIN).await;
    let out = w
        .run(&["delete", "no-such-integration", "--yes", "-o", "json"])
        .await;
    let error = error_doc(&out, 1, "not_found");
    assert!(message(&error).contains("no-such-integration"), "{error:#}");
    set_faults(
        &w.url,
        &serde_json::json!([{"kind": "status", "status": 403, "route": "GET /api/v2/organizations/me"}]),
    )
    .await;
    for command in ["whoami", "status", "topics"] {
        let out = w.run(&[command, "-o", "json"]).await;
        error_doc(&out, 1, "forbidden");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_printed_its_document_adds_no_second_one() {
    let w = World::as_client(VIEWER).await;
    let out = w
        .run(&[&["apply", "--auto-approve", "-o", "json"], DEST].concat())
        .await;
    assert_eq!(out.code, 1, "{out:?}");
    // One document (out.json() parses all of stdout): the apply report, versioned.
    let doc = out.json();
    assert_eq!(doc["schema_version"], 1, "{doc:#}");
    assert!(doc.get("error").is_none(), "{doc:#}");
    // The create was refused (403): planned, not done, so nothing changed.
    assert_eq!(doc["changed"], false, "{doc:#}");
    assert_eq!(doc["failed"], 1, "{doc:#}");
}
