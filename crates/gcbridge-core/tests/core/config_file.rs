//! The config file loader: the accepted forms and one clear message per mistake.

use gcbridge_core::config::load_str;

use crate::common::{assert_says, destination, line_of, rejected as errors, single_org};

#[track_caller]
fn one_error(text: &str) -> String {
    let d = errors(text);
    assert_eq!(d.0.len(), 1, "expected one problem, got: {d}");
    d.to_string()
}

/// A good file, which each test below breaks in one way.
fn good() -> String {
    single_org(&[destination(
        "prod-events",
        "123456789012",
        "description = \"all conversation events\"\n\
         topics = [\"v2.users.{id}.presence\"]\nevent_types = [\"conversation\"]",
    )])
}

#[test]
fn single_org_form_loads() {
    let state = load_str(&good(), "gcbridge.toml").unwrap();
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
    let text = good().replace("description =", "descripton =");
    let msg = one_error(&text);
    let line = line_of(&text, "descripton =");
    assert!(msg.starts_with(&format!("gcbridge.toml:{line}:")), "{msg}");
    assert!(
        msg.contains("\"descripton\"") && msg.contains("did you mean \"description\""),
        "{msg}"
    );
}

#[test]
fn secrets_in_the_file_are_refused() {
    let msg = one_error(&good().replace(
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
    let text = good().replace("\"123456789012\"", "123456789012");
    let msg = one_error(&text);
    let line = line_of(&text, "aws_account_id =");
    assert_says(&msg, &[&format!(":{line}:"), "quoted string"]);
}

#[test]
fn every_bad_value_is_reported_at_once() {
    let text = good()
        .replace("\"123456789012\"", "\"1234\"")
        .replace("aws_region = \"us-east-1\"", "aws_region = \"us-eats-1\"")
        .replace("suffix = \"prod-events\"", "suffix = \"prod events\"");
    let d = errors(&text);
    assert_eq!(d.0.len(), 3, "{d}");
    assert_says(
        &d.to_string(),
        &[
            "aws_account_id",
            "12 digits",
            "aws_region",
            "us-eats-1",
            "event_source_suffix",
        ],
    );
}

#[test]
fn duplicates_are_refused() {
    let good = good();
    let dup = format!("{good}\n{}", &good[good.find("[[destination]]").unwrap()..]);
    assert_says(
        &errors(&dup).to_string(),
        &[
            "used by another destination",
            "is already used for AWS account 123456789012",
        ],
    );
}

#[test]
fn missing_parts_say_what_to_add() {
    let msg = errors("[[destination]]\nname = \"x\"\n").to_string();
    assert_says(
        &msg,
        &[
            "aws_account_id",
            "aws_region",
            "event_source_suffix",
            "no topics are selected",
        ],
    );
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
        errors(&good().replace("topics = [\"v2.users.{id}.presence\"]", "topics = []")).to_string();
    assert!(msg.contains("empty list"), "{msg}");
    let msg = one_error(&good().replace(
        "region = \"us-east-1\"\n\n",
        "region = \"us-east-1\"\napi_url = \"http://127.0.0.1:1\"\n\n",
    ));
    assert!(msg.contains("api_url"), "{msg}");
}

#[test]
fn arn_and_explicit_fields_conflict() {
    let text = good().replace(
        "aws_region = \"us-east-1\"\nevent_source_suffix",
        "event_bus_arn = \"arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/o/s\"\nevent_source_suffix",
    );
    let msg = errors(&text).to_string();
    assert!(msg.contains("together with"), "{msg}");
}
