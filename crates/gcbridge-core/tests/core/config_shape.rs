//! The shape check: every unknown key, wrong type and missing key of a file in one run, together
//! with the value problems validation finds, in the order of the file and without echoes.

use gcbridge_core::config::{load_str, Diagnostics, Origin};
use gcbridge_core::topics::Catalogue;

use crate::common::{assert_says, destination, line_of, rejected as errors, single_org};

fn lines(d: &Diagnostics) -> Vec<usize> {
    d.0.iter()
        .map(|d| match d.origin {
            Origin::File { line, .. } => line,
            Origin::Flag => 0,
        })
        .collect()
}

/// Problems of every kind, in every table: serde alone reported only the first.
const MANY: &str = r#"[genesys]
region = "us-east-1"
client_secret = "hunter2"

[[destination]]
name = "prod-events"
aws_account_id = 123456789012
aws_region = "us-east-1"
event_source_suffix = "prod-events"
event_types = ["routing"]
enabled = "yes"

[destination.aws]
associat = true

[[destination]]
name = "other"
aws_account_id = "123456789012"
aws_region = "us-east-1"
event_source_suffix = "bad suffix"
topics = "v2.users.{id}.presence"

[genesis]
region = "us-east-1"
"#;

#[test]
fn every_key_and_type_problem_of_every_table_comes_at_once() {
    let d = errors(MANY);
    assert_eq!(lines(&d), vec![3, 7, 11, 14, 20, 21, 23], "{d}");
    assert_says(
        &d.to_string(),
        &[
            "genesys.client_secret: unknown key",
            "client_secret_env",
            "destination \"prod-events\" aws_account_id: expected a string, found an integer",
            "quoted string",
            "destination \"prod-events\" enabled: expected true or false",
            "destination \"prod-events\" aws.associat: unknown key",
            "did you mean \"associate\"",
            "destination \"other\" event_source_suffix",
            "destination \"other\" topics: expected a list, found a string",
            "genesis: unknown key",
            "did you mean \"genesys\"",
        ],
    );
}

#[test]
fn a_removed_value_is_not_reported_again_as_missing() {
    // The wrong-typed account and topics are dropped before validation, which must not then say
    // "aws_account_id is required" or "no topics are selected".
    let text = single_org(&[destination(
        "prod-events",
        "123456789012",
        "topics = [1, 2]",
    )])
    .replace("\"123456789012\"", "123456789012");
    let d = errors(&text);
    let msg = d.to_string();
    assert_eq!(d.0.len(), 3, "{msg}");
    assert!(
        !msg.contains("is required") && !msg.contains("no topics"),
        "{msg}"
    );
    assert!(
        msg.contains("each item of topics is a quoted string"),
        "{msg}"
    );
}

#[test]
fn tables_without_their_name_and_lists_of_tables_written_once() {
    let text = r#"
[[org]]
region = "us-east-1"

[[org]]
name = "test"
region = "us-east-1"

[org.destination]
name = "d"
"#;
    let d = errors(text);
    let msg = d.to_string();
    assert_eq!(lines(&d), vec![2, 9], "{msg}");
    assert_says(
        &msg,
        &[
            "org #1 name: is required",
            "org \"test\" destination: expected a list of [[destination]] tables",
        ],
    );
}

#[test]
fn carets_cover_the_whole_value() {
    let d = errors(MANY);
    let widths: Vec<usize> =
        d.0.iter()
            .map(|d| match d.origin {
                Origin::File { width, .. } => width,
                Origin::Flag => 0,
            })
            .collect();
    // client_secret, 123456789012, "yes", associat, "bad suffix", "v2.users.{id}.presence", genesis
    assert_eq!(widths, vec![13, 12, 5, 8, 12, 24, 7], "{d}");
}

#[test]
fn a_wrong_family_in_event_types_is_reported_under_event_types() {
    let text = single_org(&[destination(
        "prod-events",
        "123456789012",
        "topics = [\"v2.users.{id}.presence\"]\nevent_types = [\"conversaton\"]",
    )]);
    let state = load_str(&text, "gcbridge.toml").expect("valid shape and values");
    let specs = &state.orgs[0].destinations;
    let e = gcbridge_core::resolve_destinations(specs, &Catalogue::embedded(), "org")
        .expect_err("an unknown family");
    let msg = e.to_string();
    let line = line_of(&text, "event_types =");
    assert_says(
        &msg,
        &[
            &format!("gcbridge.toml:{line}:"),
            "destination \"prod-events\" event_types",
        ],
    );
    assert!(!msg.contains(" topics:"), "{msg}");
}

#[test]
fn an_org_id_in_another_letter_case_is_the_same_org() {
    let org = "5b0f2a4e-9c1d-4e7a-8f3b-2d6c9e1a7b40";
    let file = |arn_org: &str| {
        format!(
            r#"
[genesys]
region = "us-east-1"

[[destination]]
name = "prod-events"
event_bus_arn = "arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/{arn_org}/prod-events"
topics = ["v2.users.{{id}}.presence"]
"#
        )
    };
    for arn_org in [
        org.to_string(),
        org.to_uppercase(),
        "5B0F2A4E-9c1d-4E7A-8f3b-2D6C9E1A7B40".into(),
    ] {
        let state = load_str(&file(&arn_org), "gcbridge.toml").expect("valid");
        let specs = &state.orgs[0].destinations;
        gcbridge_core::resolve_destinations(specs, &Catalogue::embedded(), org)
            .unwrap_or_else(|e| panic!("{arn_org}: {e}"));
    }
    let other = "6b0f2a4e-9c1d-4e7a-8f3b-2d6c9e1a7b40".to_uppercase();
    let state = load_str(&file(&other), "gcbridge.toml").expect("valid");
    let e = gcbridge_core::resolve_destinations(
        &state.orgs[0].destinations,
        &Catalogue::embedded(),
        org,
    )
    .expect_err("another org");
    assert!(e.to_string().contains("credentials belong to org"), "{e}");
}
