//! The config file's shape exactly as written, with the position of every value.
//!
//! Validation works on these spanned values so each problem can name its line; the validated model
//! lives in `desired.rs`. The same types derive the file's JSON Schema (`schema.rs`), which also
//! drives the shape check (`shape.rs`), so the schema editors read, the problems reported and what
//! is deserialized are one definition. `Spanned` is invisible in the schema (its schema is its
//! value's).

use std::borrow::Cow;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

/// A gcbridge config file: either the single-org form (`[genesys]` and `[[destination]]`) or
/// `[[org]]` tables, each with its `[[org.destination]]` tables.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gcbridge.toml")]
pub struct RawFile {
    /// How to reach the org (single-org form).
    pub genesys: Option<Spanned<RawConnection>>,
    /// The destinations of the single-org form, one `[[destination]]` table each.
    #[serde(default)]
    pub destination: Vec<Spanned<RawDestination>>,
    /// One table per org (the many-orgs form); not together with `[genesys]` or `[[destination]]`.
    #[serde(default)]
    pub org: Vec<Spanned<RawOrg>>,
}

/// How to reach one org: the `[genesys]` table of the single-org form, or the connection keys of
/// an `[[org]]` table.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Connection")]
pub struct RawConnection {
    /// Genesys Cloud region: "us-east-1", "eu_west_1", "mypurecloud.ie" or an API URL.
    pub region: Option<Spanned<String>>,
    /// API base URL instead of region (the emulator, a proxy).
    pub api_url: Option<Spanned<String>>,
    /// Login base URL for the token endpoint.
    pub login_url: Option<Spanned<String>>,
    /// The name of the environment variable holding the OAuth client id.
    pub client_id_env: Option<Spanned<String>>,
    /// The name of the environment variable holding the OAuth client secret (never the secret).
    pub client_secret_env: Option<Spanned<String>>,
    /// Where in AWS the OAuth client secret is kept, instead of client_secret_env:
    /// "aws-secretsmanager:NAME_OR_ARN" ("...#KEY" for one key of a JSON secret) or
    /// "aws-ssm:/PARAMETER" (a SecureString).
    pub client_secret_from: Option<Spanned<String>>,
}

/// `[[org]]`: one org, its connection and its destinations.
// The connection keys stand beside `name` in the same table. serde's `flatten` cannot carry them
// (it buffers values, which loses `Spanned`, and refuses `deny_unknown_fields`), so `Deserialize`
// is written in `raw_org.rs`; the schema flattens them as the file writes them.
#[derive(Debug, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Org")]
pub struct RawOrg {
    /// The org's name in this file (for --org and messages).
    pub name: Spanned<String>,
    #[serde(flatten)]
    pub connection: RawConnection,
    /// The org's destinations, one `[[org.destination]]` table each.
    #[serde(default)]
    pub destination: Vec<Spanned<RawDestination>>,
}

/// `[[destination]]`: one EventBridge integration and, optionally, its AWS half.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Destination")]
pub struct RawDestination {
    /// The integration's name.
    pub name: Spanned<String>,
    /// Stored as the integration's notes.
    pub description: Option<Spanned<String>>,
    /// Whether the integration is enabled (default true).
    pub enabled: Option<Spanned<bool>>,
    /// The 12-digit AWS account id, quoted so leading zeros are kept.
    pub aws_account_id: Option<Spanned<String>>,
    /// The AWS region of the partner event source, e.g. "us-east-1".
    pub aws_region: Option<Spanned<String>>,
    /// The last part of the partner event source name.
    pub event_source_suffix: Option<Spanned<String>>,
    /// The partner event bus (or source) ARN, instead of account, region and suffix.
    pub event_bus_arn: Option<Spanned<String>>,
    /// Topic templates or globs, e.g. "v2.users.{id}.presence".
    pub topics: Option<Spanned<Vec<Spanned<String>>>>,
    /// Topic families, e.g. "conversation", "routing"; merged with topics.
    pub event_types: Option<Spanned<Vec<Spanned<String>>>>,
    /// The AWS half: associate the partner event source, rules and targets.
    pub aws: Option<Spanned<RawAws>>,
}

/// `[destination.aws]`: the AWS half of a destination.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Aws")]
pub struct RawAws {
    /// Create the partner event bus from the source.
    pub associate: Option<Spanned<bool>>,
    /// Rules on the partner event bus.
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
    /// An archive of the partner bus's events, for `gcbridge replay`.
    pub archive: Option<Spanned<RawArchive>>,
}

/// `archive = { retention_days = N }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Archive")]
pub struct RawArchive {
    /// Days the archive keeps each event; 0 (the default) keeps them indefinitely.
    pub retention_days: Option<Spanned<i64>>,
}

/// `[[destination.aws.rule]]`: a rule on the partner event bus.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub struct RawRule {
    /// The rule's name.
    pub name: Spanned<String>,
    /// The rule's description.
    pub description: Option<Spanned<String>>,
    /// Whether the rule is enabled (default true).
    pub enabled: Option<Spanned<bool>>,
    /// A JSON string, or a TOML table written as the pattern itself (default: every Genesys event).
    #[serde(default)]
    #[schemars(schema_with = "pattern_schema")]
    pub event_pattern: Option<Spanned<toml::Value>>,
    /// Targets: an ARN (SQS, SNS, Lambda, Kinesis, Firehose, CloudWatch Logs, an event bus), or
    /// a table with the ARN and that target's own settings.
    #[serde(default)]
    pub targets: Vec<Spanned<RawTarget>>,
    /// An SQS queue ARN for the events a target never took (every target without its own).
    pub dead_letter_queue: Option<Spanned<String>>,
    /// How long and how often EventBridge retries a target (AWS's default: 185 attempts, 24 hours).
    pub retry: Option<Spanned<RawRetry>>,
    /// Topic templates the pattern must match and must not match, tested by plan and doctor
    /// with sample events (EventBridge's TestEventPattern).
    pub expect: Option<Spanned<RawExpect>>,
}

/// `expect = { matches = ["v2.users.{id}.presence"], ignores = ["v2.users.{id}.activity"] }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Expect")]
pub struct RawExpect {
    /// Topic templates whose events the rule must match, e.g. "v2.users.{id}.presence".
    #[serde(default)]
    pub matches: Vec<Spanned<String>>,
    /// Topic templates whose events the rule must not match.
    #[serde(default)]
    pub ignores: Vec<Spanned<String>>,
}

/// One item of `targets`: the ARN alone, or a table with its settings.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Target")]
pub enum RawTarget {
    /// The target's ARN.
    Arn(String),
    /// The target's ARN and its own settings.
    Table(RawTargetTable),
}

/// `{ arn = "...", role_arn = "...", ... }`: a target with its own settings. Its values carry no
/// span of their own (an untagged item is read whole); problems point at the item.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TargetTable")]
pub struct RawTargetTable {
    /// The target's ARN.
    pub arn: String,
    /// The IAM role EventBridge assumes to deliver (Kinesis, Firehose, a bus in another account).
    pub role_arn: Option<String>,
    /// An SQS queue ARN for the events this target never took (instead of the rule's).
    pub dead_letter_queue: Option<String>,
    /// A JSONPath into the event, e.g. "$.detail": the part the target receives.
    pub input_path: Option<String>,
    /// The SQS message group of every event sent to this queue: required for a FIFO queue (its
    /// name ends in .fifo), optional for a standard one (a fair queue); at most 100 characters.
    pub message_group_id: Option<String>,
}

/// `retry = { maximum_attempts = N, maximum_event_age_seconds = N }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Retry")]
pub struct RawRetry {
    /// Retry attempts, 0 to 185.
    pub maximum_attempts: Option<Spanned<i64>>,
    /// The longest an event is retried, 60 to 86400 seconds.
    pub maximum_event_age_seconds: Option<Spanned<i64>>,
}

/// A value and where it stands in the file: `toml::Spanned`, described in the schema as the
/// value alone (the file has no spans to write). Neither crate can give `toml::Spanned` a
/// `JsonSchema`, so the fields hold this instead of each restating its type for the schema.
/// `Serialize` is toml's too: schemars writes a key's `default` (`[]`, `null`) by serializing it.
#[derive(Debug, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Spanned<T>(toml::Spanned<T>);

impl<T> Deref for Spanned<T> {
    type Target = toml::Spanned<T>;

    fn deref(&self) -> &toml::Spanned<T> {
        &self.0
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

fn pattern_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "object"] })
}
