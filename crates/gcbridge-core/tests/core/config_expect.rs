//! A rule's `expect`: loaded, each entry checked against the catalogue with the entry named
//! (`expect.matches[i]`) and the closest templates suggested, and written back the same.

use gcbridge_core::config::load_str;
use gcbridge_core::Expectations;

use crate::common::{assert_says, line_of, rejected, rewritten_aws_is_the_same};

fn file(expect: &str) -> String {
    let body = format!(
        "event_pattern = {{ \"detail-type\" = [\"v2.users.{{id}}.presence\"] }}\n\
         targets = [\"arn:aws:sqs:us-east-1:012345678901:q\"]\n{expect}"
    );
    crate::common::one_rule_file("user", "presence-only", &body)
}

fn errors(expect: &str) -> String {
    rejected(&file(expect)).to_string()
}

#[test]
fn expectations_load_and_round_trip() {
    let text = file(
        r#"expect = { matches = ["v2.users.{id}.presence"], ignores = ["v2.users.{id}.activity", "v2.users.{id}.geolocation"] }"#,
    );
    let state = load_str(&text, "gcbridge.toml").unwrap();
    let rule = &state.orgs[0].destinations[0].aws.as_ref().unwrap().rules[0];
    assert_eq!(
        rule.expect,
        Expectations {
            matches: vec!["v2.users.{id}.presence".into()],
            ignores: vec![
                "v2.users.{id}.activity".into(),
                "v2.users.{id}.geolocation".into()
            ],
        }
    );
    let written = rewritten_aws_is_the_same(&state);
    assert!(written.contains("expect"), "{written}");

    // One list alone is enough; the other stays empty and is not written.
    let only = load_str(
        &file(r#"expect = { ignores = ["v2.users.{id}.activity"] }"#),
        "gcbridge.toml",
    )
    .unwrap();
    let written = rewritten_aws_is_the_same(&only);
    assert!(
        written.contains("ignores") && !written.contains("matches"),
        "{written}"
    );
}

#[test]
fn an_unknown_topic_names_its_entry_and_the_closest_template() {
    let expect = r#"expect = { matches = ["v2.users.{id}.presence", "v2.users.{id}.presense"], ignores = ["v2.users.{id}.activty"] }"#;
    let e = errors(expect);
    let line = line_of(&file(expect), "expect = ");
    assert_says(
        &e,
        &[
            &format!("gcbridge.toml:{line}:"),
            "aws.rule \"presence-only\" expect.matches[1]",
            "\"v2.users.{id}.presense\" is not a topic template",
            "did you mean \"v2.users.{id}.presence\"",
            "aws.rule \"presence-only\" expect.ignores[0]",
            "did you mean \"v2.users.{id}.activity\"",
        ],
    );
    assert!(
        !e.contains("expect.matches[0]"),
        "the good entry is fine: {e}"
    );
}

#[test]
fn globs_families_both_lists_and_an_empty_expect_are_refused() {
    let e = errors(r#"expect = { matches = ["user", "v2.users.{id}.*"] }"#);
    assert_says(
        &e,
        &[
            "expect.matches[0]",
            "expect.matches[1]",
            "not globs or families",
        ],
    );

    let e = errors(
        r#"expect = { matches = ["v2.users.{id}.presence"], ignores = ["v2.users.{id}.presence"] }"#,
    );
    assert_says(&e, &["expect.ignores[0]", "is in expect.matches too"]);

    let e = errors("expect = {}");
    assert_says(&e, &["aws.rule \"presence-only\" expect", "names no topic"]);

    let e = errors(r#"expect = { match = ["v2.users.{id}.presence"] }"#);
    assert!(e.contains("match"), "{e}");
    assert!(e.contains("matches"), "the closest key: {e}");
}
