//! The config file's shape exactly as written, with the position of every value.
//!
//! Validation works on these spanned values so each problem can name its line; the validated model
//! lives in `desired.rs`. The same types derive the file's JSON Schema (`schema.rs`), which also
//! drives the shape check (`shape.rs`), so the schema editors read, the problems reported and what
//! is deserialized are one definition. `Spanned` is invisible in the schema (`schemars(with)`).

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// A gcbridge config file: either the single-org form (`[genesys]` and `[[destination]]`) or
/// `[[org]]` tables, each with its `[[org.destination]]` tables.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "gcbridge.toml")]
pub struct RawFile {
    /// How to reach the org (single-org form).
    #[schemars(with = "Option<RawConnection>")]
    pub genesys: Option<Spanned<RawConnection>>,
    /// The destinations of the single-org form, one `[[destination]]` table each.
    #[serde(default)]
    #[schemars(with = "Vec<RawDestination>")]
    pub destination: Vec<Spanned<RawDestination>>,
    /// One table per org (the many-orgs form); not together with `[genesys]` or `[[destination]]`.
    #[serde(default)]
    #[schemars(with = "Vec<RawOrg>")]
    pub org: Vec<Spanned<RawOrg>>,
}

/// How to reach one org: the `[genesys]` table of the single-org form, or the connection keys of
/// an `[[org]]` table.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Connection")]
pub struct RawConnection {
    /// Genesys Cloud region: "us-east-1", "eu_west_1", "mypurecloud.ie" or an API URL.
    #[schemars(with = "Option<String>")]
    pub region: Option<Spanned<String>>,
    /// API base URL instead of region (the emulator, a proxy).
    #[schemars(with = "Option<String>")]
    pub api_url: Option<Spanned<String>>,
    /// Login base URL for the token endpoint.
    #[schemars(with = "Option<String>")]
    pub login_url: Option<Spanned<String>>,
    /// The name of the environment variable holding the OAuth client id.
    #[schemars(with = "Option<String>")]
    pub client_id_env: Option<Spanned<String>>,
    /// The name of the environment variable holding the OAuth client secret (never the secret).
    #[schemars(with = "Option<String>")]
    pub client_secret_env: Option<Spanned<String>>,
    /// Where in AWS the OAuth client secret is kept, instead of client_secret_env:
    /// "aws-secretsmanager:NAME_OR_ARN" ("...#KEY" for one key of a JSON secret) or
    /// "aws-ssm:/PARAMETER" (a SecureString).
    #[schemars(with = "Option<String>")]
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
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(flatten)]
    pub connection: RawConnection,
    /// The org's destinations, one `[[org.destination]]` table each.
    #[serde(default)]
    #[schemars(with = "Vec<RawDestination>")]
    pub destination: Vec<Spanned<RawDestination>>,
}

/// `[[destination]]`: one EventBridge integration and, optionally, its AWS half.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Destination")]
pub struct RawDestination {
    /// The integration's name.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// Stored as the integration's notes.
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Whether the integration is enabled (default true).
    #[schemars(with = "Option<bool>")]
    pub enabled: Option<Spanned<bool>>,
    /// The 12-digit AWS account id, quoted so leading zeros are kept.
    #[schemars(with = "Option<String>")]
    pub aws_account_id: Option<Spanned<String>>,
    /// The AWS region of the partner event source, e.g. "us-east-1".
    #[schemars(with = "Option<String>")]
    pub aws_region: Option<Spanned<String>>,
    /// The last part of the partner event source name.
    #[schemars(with = "Option<String>")]
    pub event_source_suffix: Option<Spanned<String>>,
    /// The partner event bus (or source) ARN, instead of account, region and suffix.
    #[schemars(with = "Option<String>")]
    pub event_bus_arn: Option<Spanned<String>>,
    /// Topic templates or globs, e.g. "v2.users.{id}.presence".
    #[schemars(with = "Option<Vec<String>>")]
    pub topics: Option<Spanned<Vec<Spanned<String>>>>,
    /// Topic families, e.g. "conversation", "routing"; merged with topics.
    #[schemars(with = "Option<Vec<String>>")]
    pub event_types: Option<Spanned<Vec<Spanned<String>>>>,
    /// The AWS half: associate the partner event source, rules and targets.
    #[schemars(with = "Option<RawAws>")]
    pub aws: Option<Spanned<RawAws>>,
}

/// `[destination.aws]`: the AWS half of a destination.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Aws")]
pub struct RawAws {
    /// Create the partner event bus from the source.
    #[schemars(with = "Option<bool>")]
    pub associate: Option<Spanned<bool>>,
    /// Rules on the partner event bus.
    #[serde(default)]
    #[schemars(with = "Vec<RawRule>")]
    pub rule: Vec<Spanned<RawRule>>,
    /// An archive of the partner bus's events, for `gcbridge replay`.
    #[schemars(with = "Option<RawArchive>")]
    pub archive: Option<Spanned<RawArchive>>,
}

/// `archive = { retention_days = N }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Archive")]
pub struct RawArchive {
    /// Days the archive keeps each event; 0 (the default) keeps them indefinitely.
    #[schemars(with = "Option<i64>")]
    pub retention_days: Option<Spanned<i64>>,
}

/// `[[destination.aws.rule]]`: a rule on the partner event bus.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub struct RawRule {
    /// The rule's name.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The rule's description.
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Whether the rule is enabled (default true).
    #[schemars(with = "Option<bool>")]
    pub enabled: Option<Spanned<bool>>,
    /// A JSON string, or a TOML table written as the pattern itself (default: every Genesys event).
    #[serde(default)]
    #[schemars(schema_with = "pattern_schema")]
    pub event_pattern: Option<Spanned<toml::Value>>,
    /// Targets: an ARN (SQS, SNS, Lambda, Kinesis, Firehose, CloudWatch Logs, an event bus), or
    /// a table with the ARN and that target's own settings.
    #[serde(default)]
    #[schemars(with = "Vec<RawTarget>")]
    pub targets: Vec<Spanned<RawTarget>>,
    /// An SQS queue ARN for the events a target never took (every target without its own).
    #[schemars(with = "Option<String>")]
    pub dead_letter_queue: Option<Spanned<String>>,
    /// How long and how often EventBridge retries a target (AWS's default: 185 attempts, 24 hours).
    #[schemars(with = "Option<RawRetry>")]
    pub retry: Option<Spanned<RawRetry>>,
    /// Topic templates the pattern must match and must not match, tested by plan and doctor
    /// with sample events (EventBridge's TestEventPattern).
    #[schemars(with = "Option<RawExpect>")]
    pub expect: Option<Spanned<RawExpect>>,
}

/// `expect = { matches = ["v2.users.{id}.presence"], ignores = ["v2.users.{id}.activity"] }`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Expect")]
pub struct RawExpect {
    /// Topic templates whose events the rule must match, e.g. "v2.users.{id}.presence".
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub matches: Vec<Spanned<String>>,
    /// Topic templates whose events the rule must not match.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
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
    #[schemars(with = "Option<i64>")]
    pub maximum_attempts: Option<Spanned<i64>>,
    /// The longest an event is retried, 60 to 86400 seconds.
    #[schemars(with = "Option<i64>")]
    pub maximum_event_age_seconds: Option<Spanned<i64>>,
}

fn pattern_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "object"] })
}
