//! What core's suites share: a client of the emulator (core tests the client as a library, so
//! it is built here, not through the testkit, which keeps genesys-client and genesys-sim apart),
//! and moto's endpoint with the process set up to use it.

use std::sync::Once;

use gcbridge_core::{canonical_pattern, parse_target, AwsSpec, RuleSpec};

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

/// An AWS half that associates the bus and sends what `pattern` (JSON text) matches to one queue.
pub fn routed(pattern: &str, queue_arn: &str) -> AwsSpec {
    let pattern: serde_json::Value = serde_json::from_str(pattern).unwrap();
    AwsSpec {
        associate: true,
        rules: vec![RuleSpec {
            name: "to-queue".into(),
            description: None,
            enabled: true,
            event_pattern: canonical_pattern(&pattern).unwrap(),
            targets: vec![parse_target(queue_arn, REGION).unwrap()],
            retry: None,
            expect: Default::default(),
        }],
        archive: None,
    }
}

/// A config file of one destination "a" (event types `event_types`) whose `[destination.aws]`
/// has one rule `rule`, with `body` (its other keys, as TOML lines) under its name.
pub fn one_rule_file(event_types: &str, rule: &str, body: &str) -> String {
    format!(
        r#"
[genesys]
region = "us-east-1"

[[destination]]
name = "a"
aws_account_id = "012345678901"
aws_region = "us-east-1"
event_source_suffix = "a"
event_types = ["{event_types}"]

[destination.aws]
associate = true

[[destination.aws.rule]]
name = "{rule}"
{body}
"#
    )
}
