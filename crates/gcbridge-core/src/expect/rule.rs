//! Rule expectations, tested through EventBridge's TestEventPattern with synthetic events exactly
//! as Genesys puts them on the partner bus (`events::Sampler`, seeded: the same test each run).
//!
//! A rule's `expect.matches` holds when its pattern matches every sample event of the topic,
//! `expect.ignores` when it matches none. `plan` tests the pattern it is about to write, `doctor`
//! the one on the bus; pattern coverage (which rules and topics meet at all) is `coverage.rs`.

use futures_util::stream::{self, StreamExt};
use serde::Serialize;

use crate::aws::rules::pattern_matches;
use crate::aws::AwsClients;
use crate::desired::Expectations;
use crate::events::{Origin, Sampler};

/// Sample events per expected topic: enough that a pattern keyed on one sample's body values is
/// caught, few enough TestEventPattern calls.
pub const EXPECT_SAMPLES: usize = 3;

/// TestEventPattern calls in flight at once (AWS throttles it per account; the SDK retries).
pub(crate) const IN_FLIGHT: usize = 8;

/// Which list of `expect` an entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpectKind {
    Matches,
    Ignores,
}

impl ExpectKind {
    pub fn key(self) -> &'static str {
        match self {
            ExpectKind::Matches => "matches",
            ExpectKind::Ignores => "ignores",
        }
    }
}

/// One expectation, tested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectationResult {
    pub rule: String,
    pub topic: String,
    pub expect: ExpectKind,
    /// The pattern tested (canonical JSON).
    pub pattern: String,
    /// How many of `samples` sample events the pattern matched.
    pub matched: usize,
    pub samples: usize,
    pub held: bool,
    /// Why it could not be tested (TestEventPattern refused it); it then does not hold.
    pub error: Option<String>,
}

impl ExpectationResult {
    /// One line naming the rule, the topic and, when it does not hold, the pattern.
    pub fn message(&self) -> String {
        let (rule, topic, key) = (&self.rule, &self.topic, self.expect.key());
        let (m, n, pattern) = (self.matched, self.samples, &self.pattern);
        match (&self.error, self.held, self.expect) {
            (Some(e), _, _) => {
                format!("rule {rule}: expect.{key} {topic} could not be tested: {e}")
            }
            (None, true, ExpectKind::Matches) => {
                format!("rule {rule} matches {topic} ({m} of {n} sample events)")
            }
            (None, true, ExpectKind::Ignores) => {
                format!("rule {rule} ignores {topic} (none of {n} sample events match)")
            }
            (None, false, ExpectKind::Matches) => format!(
                "rule {rule}: expect.matches {topic}, but its pattern {pattern} matches {m} of {n} sample events of that topic"
            ),
            (None, false, ExpectKind::Ignores) => format!(
                "rule {rule}: expect.ignores {topic}, but its pattern {pattern} matches {m} of {n} sample events of that topic"
            ),
        }
    }
}

/// What to do about expectations that do not hold.
pub const EXPECT_FIX: &str = "change the rule's event_pattern (or its expect, if the expectation is wrong) in the config file; `gcbridge events sample TOPIC` shows the events tested";

/// Tests each of the rule's expectations against `pattern`, in the order written (matches first).
pub async fn test_expectations(
    aws: &AwsClients,
    rule: &str,
    pattern: &str,
    expect: &Expectations,
    origin: &Origin,
) -> Vec<ExpectationResult> {
    let cases = expect
        .matches
        .iter()
        .map(|t| (t, ExpectKind::Matches))
        .chain(expect.ignores.iter().map(|t| (t, ExpectKind::Ignores)));
    stream::iter(cases)
        .map(|(topic, kind)| test_one(aws, rule, pattern, topic, kind, origin))
        .buffered(IN_FLIGHT)
        .collect()
        .await
}

async fn test_one(
    aws: &AwsClients,
    rule: &str,
    pattern: &str,
    topic: &str,
    expect: ExpectKind,
    origin: &Origin,
) -> ExpectationResult {
    let events = Sampler::seeded(0).events(&[topic.to_string()], EXPECT_SAMPLES, origin);
    let mut matched = 0;
    let mut error = None;
    for event in &events {
        match pattern_matches(aws, pattern, &event.to_string()).await {
            Ok(true) => matched += 1,
            Ok(false) => {}
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    let held = error.is_none()
        && match expect {
            ExpectKind::Matches => matched == events.len(),
            ExpectKind::Ignores => matched == 0,
        };
    ExpectationResult {
        rule: rule.to_string(),
        topic: topic.to_string(),
        expect,
        pattern: pattern.to_string(),
        matched,
        samples: events.len(),
        held,
        error,
    }
}
