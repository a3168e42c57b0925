//! What core's suites share: a client of the emulator (core tests the client as a library, so
//! it is built here, not through the testkit, which keeps genesys-client and genesys-sim apart),
//! moto's endpoint with the process set up to use it, and the config files the loader's suites
//! write, built from the same few tables.

use std::sync::Once;

use gcbridge_core::config::write::write;
use gcbridge_core::config::{load_str, Diagnostics};
use gcbridge_core::{canonical_pattern, parse_target, AwsSpec, DesiredState, RuleSpec, TargetSpec};
use gcbridge_testkit::config_file;

use genesys_client::{
    ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient, Secret,
};

/// moto's account for plain credentials: the customer.
pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

/// A client of the emulator at `base` as `client_id` (its default secret).
pub fn client_as(base: &str, client_id: &str) -> GenesysClient {
    GenesysClient::new(ClientConfig::new(
        Endpoint::from_api_url(base, None).unwrap(),
        Credentials {
            client_id: client_id.into(),
            client_secret: Secret::new(genesys_sim::DEFAULT_SECRET.to_string()),
            source: CredentialSource::Flags,
        },
    ))
    .unwrap()
}

/// The admin client of the emulator at `base`.
pub fn client(base: &str) -> GenesysClient {
    client_as(base, genesys_sim::ADMIN_CLIENT_ID)
}

/// moto's endpoint (the testkit says when a missing one fails or skips), with the process set up
/// for it.
#[track_caller]
pub fn moto() -> Option<String> {
    let url = gcbridge_testkit::moto::endpoint()?;
    static_aws_env();
    Some(url)
}

/// Core builds its AWS clients from the standard chain: give it static test keys and keep it away
/// from instance metadata, whatever the machine's own AWS setup is.
pub fn static_aws_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_ACCESS_KEY_ID", gcbridge_testkit::moto::TEST_KEY_ID);
        std::env::set_var(
            "AWS_SECRET_ACCESS_KEY",
            gcbridge_testkit::moto::TEST_SECRET_KEY,
        );
        std::env::set_var("AWS_MAX_ATTEMPTS", "2");
        std::env::remove_var("AWS_SESSION_TOKEN");
        std::env::remove_var("AWS_PROFILE");
    });
}

/// A rule `name` that sends what `pattern` (JSON text) matches to `targets`: enabled, with AWS's
/// retry and no expectations (a test sets the field it is about).
pub fn rule_to(name: &str, pattern: &str, targets: Vec<TargetSpec>) -> RuleSpec {
    let pattern: serde_json::Value = serde_json::from_str(pattern).unwrap();
    RuleSpec {
        name: name.into(),
        description: None,
        enabled: true,
        event_pattern: canonical_pattern(&pattern).unwrap(),
        targets,
        retry: None,
        expect: Default::default(),
    }
}

/// An AWS half that associates the bus and sends what `pattern` (JSON text) matches to one queue.
pub fn routed(pattern: &str, queue_arn: &str) -> AwsSpec {
    AwsSpec {
        associate: true,
        rules: vec![rule_to(
            "to-queue",
            pattern,
            vec![parse_target(queue_arn, REGION).unwrap()],
        )],
        archive: None,
    }
}

/// The loader's verdict on `text` (as `gcbridge.toml`), which must reject it.
#[track_caller]
pub fn rejected(text: &str) -> Diagnostics {
    load_str(text, "gcbridge.toml").expect_err("the config should be rejected")
}

/// Writes `state` as a file and loads that back: the first destination's AWS half comes back the
/// same. Returns the written text, for what a test looks for in it.
#[track_caller]
pub fn rewritten_aws_is_the_same(state: &DesiredState) -> String {
    let written = write(state).unwrap();
    let back = load_str(&written, "written.toml").unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(
        back.orgs[0].destinations[0].aws, state.orgs[0].destinations[0].aws,
        "{written}"
    );
    written
}

/// The line (from 1) of `text` where `needle` first stands: where a diagnostic about it points.
#[track_caller]
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not in:\n{text}"))
        + 1
}

// The gcbridge.toml texts the loader's suites write, from the same few tables, so that each test
// states only the keys it is about (and a file's shape is written once).

/// A single-org file: `[genesys]` in us-east-1, then `tables` (as [`destination`] and
/// [`associated`] write them) one blank line apart.
pub fn single_org(tables: &[String]) -> String {
    format!("[genesys]\nregion = \"{REGION}\"\n\n{}", tables.join("\n"))
}

/// A `[[destination]]` table placed by its keys: `name` (its event source suffix too) in
/// `account` and us-east-1, then `keys` (what it selects, and any other lines).
pub fn destination(name: &str, account: &str, keys: &str) -> String {
    destination_in("destination", name, account, REGION, keys)
}

/// [`destination`] under another `table` header (`org.destination` in a multi-org file), in
/// `region`.
pub fn destination_in(table: &str, name: &str, account: &str, region: &str, keys: &str) -> String {
    format!(
        "[[{table}]]\nname = \"{name}\"\naws_account_id = \"{account}\"\n\
         aws_region = \"{region}\"\nevent_source_suffix = \"{name}\"\n{keys}\n"
    )
}

/// The `[destination.aws]` table of the destination above it, associating its bus, with `keys`
/// (its archive, say) and then `rules` (as `gcbridge_testkit::config_file::rule` writes them).
pub fn associated(keys: &str, rules: &[String]) -> String {
    format!(
        "[destination.aws]\nassociate = true\n{keys}\n{}",
        rules.concat()
    )
}

/// A config file of one destination "a" (event types `event_types`) whose `[destination.aws]`
/// has one rule `rule`, with `body` (its other keys, as TOML lines) under its name.
pub fn one_rule_file(event_types: &str, rule: &str, body: &str) -> String {
    single_org(&[
        destination(
            "a",
            "012345678901",
            &format!("event_types = [\"{event_types}\"]"),
        ),
        associated("", &[config_file::rule(rule, body)]),
    ])
}

/// Asserts that `text` (a message, a diagnostic) says every one of `needles`, naming the one it
/// lacks: the check a test of a message makes phrase by phrase.
#[track_caller]
pub fn assert_says(text: &str, needles: &[&str]) {
    for needle in needles {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}
