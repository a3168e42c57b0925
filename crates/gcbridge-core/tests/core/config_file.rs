//! The config file loader: the accepted forms and one clear message per mistake.

use gcbridge_core::config::{load_str, Diagnostics};

fn errors(text: &str) -> Diagnostics {
    load_str(text, "gcbridge.toml").expect_err("the config should be rejected")
}

fn one_error(text: &str) -> String {
    let d = errors(text);
    assert_eq!(d.0.len(), 1, "expected one problem, got: {d}");
    d.to_string()
}

const GOOD: &str = r#"
[genesys]
region = "us-east-1"

[[destination]]
name = "prod-events"
description = "all conversation events"
aws_account_id = "123456789012"
aws_region = "us-east-1"
event_source_suffix = "prod-events"
topics = ["v2.users.{id}.presence"]
event_types = ["conversation"]
"#;

#[test]
fn single_org_form_loads() {
    let state = load_str(GOOD, "gcbridge.toml").unwrap();
    assert_eq!(state.orgs.len(), 1);
    let org = &state.orgs[0];
    assert_eq!(org.name, "default");
    assert_eq!(org.connection.region.as_deref(), Some("us-east-1"));
    let d = &org.destinations[0];
    assert_eq!(d.name, "prod-events");
    assert!(d.enabled);
    assert_eq!(d.selectors.len(), 2);
}

#[test]
fn multi_org_form_loads() {
    let text = r#"
[[org]]
name = "prod"
api_url = "http://127.0.0.1:9999"
client_id_env = "PROD_ID"
client_secret_env = "PROD_SECRET"
[[org.destination]]
name = "a"
event_bus_arn = "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/genesys.com/cloud/org-1/a"
event_types = ["routing"]

[[org]]
name = "test"
region = "eu-west-1"
"#;
    let state = load_str(text, "f.toml").unwrap();
    assert_eq!(state.orgs.len(), 2);
    let d = &state.orgs[0].destinations[0];
    assert_eq!(
        (d.aws_region.as_str(), d.event_source_suffix.as_str()),
        ("eu-west-1", "a")
    );
    assert_eq!(d.expected_org_id.as_deref(), Some("org-1"));
}

#[test]
fn unknown_keys_name_the_line_and_suggest() {
    let msg = one_error(&GOOD.replace("description =", "descripton ="));
    assert!(msg.starts_with("gcbridge.toml:7:"), "{msg}");
    assert!(
        msg.contains("\"descripton\"") && msg.contains("did you mean \"description\""),
        "{msg}"
    );
}

#[test]
fn secrets_in_the_file_are_refused() {
    let msg = one_error(&GOOD.replace(
        "region = \"us-east-1\"\n\n",
        "region = \"us-east-1\"\nclient_secret = \"abc\"\n\n",
    ));
    assert!(
        msg.contains("credentials never go in the config file"),
        "{msg}"
    );
}

#[test]
fn account_id_as_number_says_to_quote_it() {
    let msg = one_error(&GOOD.replace("\"123456789012\"", "123456789012"));
    assert!(
        msg.contains(":8:") && msg.contains("quoted string"),
        "{msg}"
    );
}

#[test]
fn every_bad_value_is_reported_at_once() {
    let text = GOOD
        .replace("\"123456789012\"", "\"1234\"")
        .replace("aws_region = \"us-east-1\"", "aws_region = \"us-eats-1\"")
        .replace("suffix = \"prod-events\"", "suffix = \"prod events\"");
    let d = errors(&text);
    assert_eq!(d.0.len(), 3, "{d}");
    let msg = d.to_string();
    assert!(
        msg.contains("aws_account_id") && msg.contains("12 digits"),
        "{msg}"
    );
    assert!(
        msg.contains("aws_region") && msg.contains("us-eats-1"),
        "{msg}"
    );
    assert!(msg.contains("event_source_suffix"), "{msg}");
}

#[test]
fn duplicates_are_refused() {
    let dup = format!("{GOOD}\n{}", &GOOD[GOOD.find("[[destination]]").unwrap()..]);
    let msg = errors(&dup).to_string();
    assert!(msg.contains("used by another destination"), "{msg}");
    assert!(
        msg.contains("is already used for AWS account 123456789012"),
        "{msg}"
    );
}

#[test]
fn missing_parts_say_what_to_add() {
    let msg = errors("[[destination]]\nname = \"x\"\n").to_string();
    for needle in [
        "aws_account_id",
        "aws_region",
        "event_source_suffix",
        "no topics are selected",
    ] {
        assert!(msg.contains(needle), "{needle}: {msg}");
    }
    let msg = one_error("[[destination]]\naws_region = \"us-east-1\"\n");
    assert!(msg.contains("name"), "{msg}");
}

#[test]
fn broken_toml_points_at_the_line() {
    let msg = one_error("[genesys]\nregion = \"us-east-1\n");
    assert!(msg.starts_with("gcbridge.toml:2:"), "{msg}");
}

#[test]
fn empty_lists_and_both_region_and_api_url_are_refused() {
    let msg =
        errors(&GOOD.replace("topics = [\"v2.users.{id}.presence\"]", "topics = []")).to_string();
    assert!(msg.contains("empty list"), "{msg}");
    let msg = one_error(&GOOD.replace(
        "region = \"us-east-1\"\n\n",
        "region = \"us-east-1\"\napi_url = \"http://127.0.0.1:1\"\n\n",
    ));
    assert!(msg.contains("api_url"), "{msg}");
}

#[test]
fn arn_and_explicit_fields_conflict() {
    let text = GOOD.replace(
        "aws_region = \"us-east-1\"\nevent_source_suffix",
        "event_bus_arn = \"arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/o/s\"\nevent_source_suffix",
    );
    let msg = errors(&text).to_string();
    assert!(msg.contains("together with"), "{msg}");
}
