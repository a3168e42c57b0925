//! The desired state: what the user asked for, validated, before it meets a live org.
//!
//! A `DestinationSpec` still holds topic *selectors*; `Destination` is the same destination with its
//! selectors expanded against an org's catalogue, ready to be compared with the live integrations.

use std::collections::BTreeSet;

use crate::diagnostic::Origin;

/// Every org of a config file (one, named "default", for the single-org form or flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredState {
    pub orgs: Vec<OrgSpec>,
}

/// One Genesys org and the destinations it should have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSpec {
    pub name: String,
    pub connection: ConnectionSpec,
    pub destinations: Vec<DestinationSpec>,
    pub origin: Origin,
}

/// How to reach an org. Credentials are never here, only the names of the env vars holding them.
/// `export` writes it as it stands (`write.rs`): the field names are the file's connection keys.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConnectionSpec {
    pub region: Option<String>,
    pub api_url: Option<String>,
    pub login_url: Option<String>,
    pub client_id_env: Option<String>,
    pub client_secret_env: Option<String>,
    /// Where in AWS the client secret is kept (`client_secret_from`), instead of a variable.
    pub client_secret_from: Option<crate::secret_ref::SecretRef>,
}

/// One destination as the user described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DestinationSpec {
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub aws_account_id: String,
    pub aws_region: String,
    pub event_source_suffix: String,
    /// The org id an `event_bus_arn` named; it must be the authenticated org.
    pub expected_org_id: Option<String>,
    /// Where that ARN was written and its key or flag, so a wrong org points at it.
    pub event_bus_arn_at: Option<(Origin, String)>,
    /// Topic selectors (templates, families, globs), with where each was written and under which
    /// key or flag (`destination "prod" event_types`, `--topic`), so a problem names the right one.
    pub selectors: Vec<(String, Origin, String)>,
    pub origin: Origin,
    /// Warnings to show (e.g. the tutorial's ARN form was used).
    pub warnings: Vec<String>,
    /// The AWS half, when the file manages it.
    pub aws: Option<AwsSpec>,
}

/// What gcbridge manages in the destination's AWS account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsSpec {
    /// Create the partner event bus from the partner event source.
    pub associate: bool,
    pub rules: Vec<RuleSpec>,
    /// An archive of the partner bus, for `gcbridge replay`.
    pub archive: Option<ArchiveSpec>,
}

/// `archive = { retention_days = N }`: how long the archive keeps events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArchiveSpec {
    /// Days events are kept; 0 keeps them indefinitely (AWS's meaning of 0).
    pub retention_days: i32,
}

/// A rule on the partner event bus and its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSpec {
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    /// Canonical JSON (keys sorted, no spaces), so comparisons with AWS's copy are exact.
    pub event_pattern: String,
    pub targets: Vec<TargetSpec>,
    /// Applied to every target as its RetryPolicy; `None` is AWS's default.
    pub retry: Option<RetrySpec>,
    /// What the pattern must and must not match; not AWS state (plan and doctor test it).
    pub expect: Expectations,
}

/// A rule's `expect`: topic templates of the catalogue whose sample events the rule's pattern
/// must match (`matches`) or must not match (`ignores`), tested with EventBridge's TestEventPattern.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectations {
    pub matches: Vec<String>,
    pub ignores: Vec<String>,
}

impl Expectations {
    pub fn is_empty(&self) -> bool {
        self.matches.is_empty() && self.ignores.is_empty()
    }
}

/// A target's RetryPolicy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RetrySpec {
    pub maximum_attempts: i32,
    pub maximum_event_age_seconds: i32,
}

impl RetrySpec {
    /// What AWS applies when a target has no RetryPolicy.
    pub const AWS_DEFAULT: RetrySpec = RetrySpec {
        maximum_attempts: 185,
        maximum_event_age_seconds: 86400,
    };
}

/// A rule target, by ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// The target id on the rule: stable, derived from the ARN.
    pub id: String,
    pub arn: String,
    pub kind: TargetKind,
    pub settings: TargetSettings,
}

/// A target's own settings (the table form of `targets`, and the rule's dead-letter queue).
/// `export` writes them as they stand beside the target's `arn` (`write.rs`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TargetSettings {
    pub role_arn: Option<String>,
    /// The SQS queue ARN of its DeadLetterConfig: its own, else the rule's.
    pub dead_letter_queue: Option<String>,
    pub input_path: Option<String>,
    /// The SqsParameters.MessageGroupId of an SQS target: required for a FIFO queue, optional for
    /// a standard one (a fair queue).
    pub message_group_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Sqs,
    Logs,
    Lambda,
    Kinesis,
    Firehose,
    Sns,
    EventBus,
}

/// A destination with its topics expanded: what the live integration must look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub name: String,
    pub description: Option<String>,
    pub enabled: bool,
    pub aws_account_id: String,
    pub aws_region: String,
    pub event_source_suffix: String,
    pub topics: BTreeSet<String>,
    pub origin: Origin,
    pub aws: Option<AwsSpec>,
}
