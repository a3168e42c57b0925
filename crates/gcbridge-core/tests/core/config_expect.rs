//! A rule's `expect`: loaded, each entry checked against the catalogue with the entry named
//! (`expect.matches[i]`) and the closest templates suggested, and written back the same.

use gcbridge_core::config::load_str;
use gcbridge_core::config::write::write;
use gcbridge_core::Expectations;

fn file(expect: &str) -> String {
    let body = format!(
        "event_pattern = {{ \"detail-type\" = [\"v2.users.{{id}}.presence\"] }}\n\
         targets = [\"arn:aws:sqs:us-east-1:012345678901:q\"]\n{expect}"
    );
    crate::common::one_rule_file("user", "presence-only", &body)
}

fn errors(expect: &str) -> String {
    load_str(&file(expect), "gcbridge.toml")
        .expect_err("should be rejected")
        .to_string()
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
    let written = write(&state).unwrap();
    assert!(written.contains("expect"), "{written}");
    let back = load_str(&written, "written.toml").unwrap();
    let again = &back.orgs[0].destinations[0].aws.as_ref().unwrap().rules[0];
    assert_eq!(again.expect, rule.expect, "{written}");

    // One list alone is enough; the other stays empty and is not written.
    let only = load_str(
        &file(r#"expect = { ignores = ["v2.users.{id}.activity"] }"#),
        "gcbridge.toml",
    )
    .unwrap();
    let written = write(&only).unwrap();
    assert!(
        written.contains("ignores") && !written.contains("matches"),
        "{written}"
    );
    assert_eq!(
        load_str(&written, "w.toml").unwrap().orgs[0].destinations[0].aws,
        only.orgs[0].destinations[0].aws
    );
}

#[test]
fn an_unknown_topic_names_its_entry_and_the_closest_template() {
    let e = errors(
        r#"expect = { matches = ["v2.users.{id}.presence", "v2.users.{id}.presense"], ignores = ["v2.users.{id}.activty"] }"#,
    );
    assert!(e.contains("gcbridge.toml:19:"), "{e}");
    assert!(
        e.contains("aws.rule \"presence-only\" expect.matches[1]"),
        "{e}"
    );
    assert!(
        e.contains("\"v2.users.{id}.presense\" is not a topic template"),
        "{e}"
    );
    assert!(e.contains("did you mean \"v2.users.{id}.presence\""), "{e}");
    assert!(
        e.contains("aws.rule \"presence-only\" expect.ignores[0]"),
        "{e}"
    );
    assert!(e.contains("did you mean \"v2.users.{id}.activity\""), "{e}");
    assert!(
        !e.contains("expect.matches[0]"),
        "the good entry is fine: {e}"
    );
}

#[test]
fn globs_families_both_lists_and_an_empty_expect_are_refused() {
    let e = errors(r#"expect = { matches = ["user", "v2.users.{id}.*"] }"#);
    assert!(
        e.contains("expect.matches[0]") && e.contains("expect.matches[1]"),
        "{e}"
    );
    assert!(e.contains("not globs or families"), "{e}");

    let e = errors(
        r#"expect = { matches = ["v2.users.{id}.presence"], ignores = ["v2.users.{id}.presence"] }"#,
    );
    assert!(e.contains("expect.ignores[0]"), "{e}");
    assert!(e.contains("is in expect.matches too"), "{e}");

    let e = errors("expect = {}");
    assert!(e.contains("aws.rule \"presence-only\" expect"), "{e}");
    assert!(e.contains("names no topic"), "{e}");

    let e = errors(r#"expect = { match = ["v2.users.{id}.presence"] }"#);
    assert!(e.contains("match"), "{e}");
    assert!(e.contains("matches"), "the closest key: {e}");
}
