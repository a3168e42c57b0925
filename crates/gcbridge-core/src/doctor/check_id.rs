//! The links of the chain, as typed ids: code selects a check by its id, while the label (what
//! people and scripts read in the human output and the JSON) stays a stable string.

use serde::{Serialize, Serializer};

/// One link of the chain. Per-rule and per-target checks carry their rule or target as the
/// check's subject (see [`super::Check::label`]), so one id covers every rule or target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckId {
    /// The OAuth client authenticates and the org answers.
    GenesysCredentials,
    /// The four integration permissions (`integrations:integration:view/add/edit/delete`).
    Permissions,
    IntegrationExists,
    IntegrationEnabled,
    /// `reportedState` is ACTIVE.
    IntegrationActive,
    /// Account, region and suffix are set (an interrupted apply leaves them empty).
    IntegrationConfigured,
    /// Every subscribed topic is in the catalogue and carried by EventBridge.
    TopicsValid,
    /// AWS credentials work and belong to the integration's account.
    AwsCredentials,
    /// The partner event source exists and is ACTIVE.
    PartnerEventSource,
    EventBusAssociated,
    /// The bus's archive (`archive` in `[destination.aws]`) exists, is ENABLED, keeps events as
    /// long as the file says.
    Archive,
    /// The bus has rules of the user's (not gcbridge's temporary ones).
    Rules,
    /// One rule on the bus that the file's `[destination.aws]` does not list (doctor `-f`).
    UnmanagedRule,
    /// One rule: enabled, and its pattern matches a sample event of a subscribed topic.
    RulePattern,
    /// One rule's `expect` (doctor `-f`): each topic it must match or ignore, tested against the
    /// pattern on the bus.
    RuleExpectations,
    /// One rule has targets at all.
    RuleTargets,
    /// One target: the queue exists and its policy lets the rule send.
    Target,
    /// One SQS FIFO queue target: it has a message group (the file's) and the queue deduplicates
    /// by content.
    FifoQueue,
    /// One rule's dead-letter queues: every target has one, each lets the rule send and is empty.
    DeadLetter,
    /// gcbridge's delivery role of the destination (doctor `-f`, when the file's Kinesis, Firehose
    /// or other-account bus targets need it): it exists, or `gcbridge apply` creates it.
    DeliveryRole,
    /// gcbridge's temporary queues and rules (of tail, --probe): expired ones removed, the rest listed.
    TemporaryResources,
    /// `--probe`: events reached the bus while listening.
    Probe,
    /// `--probe`'s temporary queue and rule were removed.
    ProbeCleanup,
}

impl CheckId {
    /// The label as printed; per-rule and per-target ids are completed by their subject.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::GenesysCredentials => "Genesys credentials",
            CheckId::Permissions => "permissions",
            CheckId::IntegrationExists => "integration exists",
            CheckId::IntegrationEnabled => "integration enabled",
            CheckId::IntegrationActive => "integration active",
            CheckId::IntegrationConfigured => "integration configured",
            CheckId::TopicsValid => "topics valid",
            CheckId::AwsCredentials => "AWS credentials",
            CheckId::PartnerEventSource => "partner event source",
            CheckId::EventBusAssociated => "event bus associated",
            CheckId::Archive => "archive",
            CheckId::Rules => "rules",
            CheckId::UnmanagedRule => "unmanaged rule",
            CheckId::RulePattern => "rule",
            CheckId::RuleExpectations => "rule expectations",
            CheckId::RuleTargets => "rule targets",
            CheckId::Target => "target",
            CheckId::FifoQueue => "FIFO queue",
            CheckId::DeadLetter => "dead-letter queue",
            CheckId::DeliveryRole => "delivery role",
            CheckId::TemporaryResources => "temporary resources",
            CheckId::Probe => "probe",
            CheckId::ProbeCleanup => "probe cleanup",
        }
    }

    /// This check about one rule or target.
    pub fn on(self, subject: impl Into<String>) -> At {
        At {
            id: self,
            subject: Some(subject.into()),
        }
    }
}

impl Serialize for CheckId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Which check a result belongs to: an id, and for per-rule or per-target checks its subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub id: CheckId,
    pub subject: Option<String>,
}

impl From<CheckId> for At {
    fn from(id: CheckId) -> At {
        At { id, subject: None }
    }
}

impl At {
    /// Today's display string: `rule NAME`, `rule NAME targets`, `rule NAME expectations`, `target
    /// ARN`, else the id's label.
    pub fn label(&self) -> String {
        match (&self.subject, self.id) {
            (Some(s), CheckId::RuleTargets) => format!("rule {s} targets"),
            (Some(s), CheckId::RuleExpectations) => format!("rule {s} expectations"),
            (Some(s), CheckId::DeadLetter) => format!("rule {s} dead-letter queue"),
            (Some(s), id) => format!("{} {s}", id.as_str()),
            (None, id) => id.as_str().to_string(),
        }
    }
}
