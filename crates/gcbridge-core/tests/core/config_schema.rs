//! The config file's JSON Schema (what `gcbridge config-schema` prints and editors check against):
//! every config example of the README and docs is valid under it, and bad inputs of the corpus
//! that a schema can see are not.

use std::path::{Path, PathBuf};

use gcbridge_core::config::{json_schema, load_str};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(json_schema()).expect("the schema is a valid JSON Schema")
}

/// A TOML text as the JSON document a schema validator (taplo's, or ours) sees.
fn as_json(text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    serde_json::to_value(value).expect("TOML values are JSON values")
}

/// The ```toml blocks of a markdown file, each with the line it starts on; the emulator's sim.toml
/// (introduced as such on the line before) is not a gcbridge config.
fn toml_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut previous = "";
    for (i, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim() == "```toml" && !previous.contains("sim.toml") => {
                current = Some((i + 1, String::new()))
            }
            Some(_) if line.trim() == "```" => blocks.push(current.take().unwrap()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    blocks
}

#[test]
fn every_config_example_of_the_readme_and_docs_is_valid() {
    let validator = validator();
    let mut files = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, block) in toml_blocks(&text) {
            let errors: Vec<String> = validator
                .iter_errors(&as_json(&block))
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{}:{line}: {errors:?}\n{block}",
                file.display()
            );
            // And gcbridge itself reads what the schema accepts (values aside, which the schema
            // leaves to gcbridge: the README's values are all good ones).
            load_str(&block, "example.toml")
                .unwrap_or_else(|e| panic!("{}:{line}: {e}\n{block}", file.display()));
            checked += 1;
        }
    }
    // The README's three (single org, many orgs, the AWS half): a silent extractor checks nothing.
    assert!(checked >= 3, "only {checked} examples found");
}

#[test]
fn corpus_cases_a_schema_can_see_are_invalid() {
    let validator = validator();
    let cases = [
        "unknown-key-typo",
        "unknown-key-in-aws",
        "unknown-key-in-rule",
        "unknown-key-client-secret",
        "unknown-top-level-table",
        "key-in-wrong-table",
        "type-account-id-integer",
        "type-enabled-string",
        "type-associate-string",
        "type-topics-string",
        "type-topics-integers",
        "type-event-types-nested",
        "type-destination-single-table",
        "type-genesys-string",
        "type-name-integer",
        "type-region-list",
        "missing-name",
        "org-missing-name",
        "aws-rule-missing-name",
        "org-mixed-with-single-form",
    ];
    for case in cases {
        let path = root()
            .join("tests/bad-input")
            .join(case)
            .join("gcbridge.toml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert!(
            !validator.is_valid(&as_json(&text)),
            "{case} passes the schema:\n{text}"
        );
    }
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    // docs/gcbridge.schema.json is what a `#:schema` URL can point at; it must not drift either.
    let path = root().join("docs/gcbridge.schema.json");
    let generated = serde_json::to_string_pretty(json_schema()).unwrap() + "\n";
    if std::env::var_os("GCBRIDGE_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/gcbridge.schema.json is stale: run `gcbridge config-schema > docs/gcbridge.schema.json` (or this test with GCBRIDGE_BLESS=1)"
    );
}
