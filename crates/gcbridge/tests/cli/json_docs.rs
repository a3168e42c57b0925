//! docs/JSON.md is the contract of `--output json`: each command's document has exactly the
//! top-level keys its section's `Keys:` line lists, `schema_version` 1 first among them. Commands that
//! need moto (doctor, demo, events send) are held to it by their own suites through [`assert_documented`].

use std::collections::BTreeMap;

use crate::common::*;

const JSON_MD: &str = include_str!("../../../../docs/JSON.md");

/// Section title (`whoami`, `Failures`) -> the keys its `Keys:` line names.
pub(crate) fn documented() -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut section = String::new();
    for line in JSON_MD.lines() {
        if let Some(title) = line.strip_prefix("### ").or(line.strip_prefix("## ")) {
            section = title.trim().to_string();
        } else if let Some(keys) = line.strip_prefix("Keys: ") {
            let mut keys: Vec<String> = keys
                .split(',')
                .map(|k| k.trim().trim_matches('`').to_string())
                .collect();
            keys.sort();
            out.insert(section.clone(), keys);
        }
    }
    out
}

/// `out`'s document has exactly the keys docs/JSON.md lists for `section`, `schema_version` first.
pub fn assert_documented(section: &str, out: &Output) {
    check(&documented(), section, out);
}

/// The sections whose documents other suites check with [`assert_documented`] (they need moto).
const CHECKED_ELSEWHERE: [&str; 4] = ["doctor", "demo", "events send", "replay"];

fn check(docs: &BTreeMap<String, Vec<String>>, section: &str, out: &Output) {
    let doc = out.json();
    let mut keys: Vec<String> = doc
        .as_object()
        .unwrap_or_else(|| panic!("{section}: an object: {doc:#}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    let want = docs
        .get(section)
        .unwrap_or_else(|| panic!("docs/JSON.md has no Keys: line for {section}"));
    assert_eq!(&keys, want, "{section}: {doc:#}");
    assert_eq!(doc["schema_version"], 1, "{section}: {doc:#}");
    assert!(
        out.stdout
            .trim_start()
            .starts_with("{\n  \"schema_version\": 1"),
        "{section}: schema_version first: {}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_command_document_has_the_keys_docs_json_md_lists() {
    let docs = documented();
    let w = World::as_client(ADMIN).await;
    w.write(
        "gcbridge.toml",
        &config_file::offline_destination("prod-events", "123456789012", &["routing"], ""),
    );
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("whoami", vec!["whoami"]),
        ("api-check", vec!["api-check"]),
        ("topics", vec!["topics"]),
        ("validate", vec!["validate", "-f", "gcbridge.toml"]),
        ("plan", [&["plan"][..], DEST].concat()),
        ("apply", [&["apply", "--auto-approve"][..], DEST].concat()),
        ("status", vec!["status"]),
        ("delete", vec!["delete", "prod-events", "--yes"]),
        ("man", vec!["man", "--dir", "pages"]),
        ("iam-policy", vec!["iam-policy", "-f", "gcbridge.toml"]),
    ];
    for (section, mut args) in runs {
        args.extend(["-o", "json"]);
        let out = w.run(&args).await;
        assert_eq!(out.code, 0, "{section}: {out:?}");
        check(&docs, section, &out);
    }
    let out = w.run(&["status", "--bogus", "-o", "json"]).await;
    check(&docs, "Failures", &out);
    // Every command section is run here but those that need AWS (moto), checked by their suites.
    let unchecked: Vec<&String> = docs
        .keys()
        .filter(|s| s.as_str() != "Failures" && !CHECKED_ELSEWHERE.contains(&s.as_str()))
        .filter(|s| {
            ![
                "whoami",
                "api-check",
                "topics",
                "validate",
                "plan",
                "apply",
                "status",
                "delete",
                "man",
                "iam-policy",
            ]
            .contains(&s.as_str())
        })
        .collect();
    assert!(unchecked.is_empty(), "sections no test runs: {unchecked:?}");
}
