//! Pattern coverage for `plan`: whether each rule of the file can match some subscribed topic, and
//! whether each subscribed topic reaches some enabled rule (else its events are dropped on the
//! bus), tested with TestEventPattern and one sample event per topic, as doctor tests patterns.
//!
//! Only what answers those two questions is asked: a topic stops being tested once it reached a
//! rule, unless a rule still waits for its first match.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use serde::Serialize;

use super::rule::IN_FLIGHT;
use crate::aws::rules::pattern_matches;
use crate::aws::{AwsClients, AwsError};
use crate::desired::AwsSpec;
use crate::events::{Origin, Sampler};

/// A rule as coverage sees it.
#[derive(Debug, Clone)]
pub struct CoverageRule {
    pub name: String,
    pub pattern: String,
    /// Only an enabled rule takes events, so only it makes a topic reached.
    pub enabled: bool,
    /// A rule of the file: warned about when it matches nothing. A rule on the bus that the file
    /// does not list (unmanaged, and left there by apply) counts for the topics only.
    pub managed: bool,
}

/// What a plan warns about; warnings do not change its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A rule of the file matches the sample event of none of the subscribed topics.
    RuleMatchesNoTopic,
    /// A subscribed topic whose sample event no enabled rule matches.
    TopicReachesNoRule,
    /// A topic of a rule's `expect.matches` that the destination does not subscribe.
    ExpectedTopicNotSubscribed,
    /// The patterns could not be tested (TestEventPattern refused).
    PatternsNotTested,
}

/// One warning of a destination's AWS plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanWarning {
    pub kind: WarningKind,
    pub rule: Option<String>,
    pub topic: Option<String>,
    pub pattern: Option<String>,
    pub message: String,
}

/// The warnings about `rules` (the file's and the unmanaged ones on the bus) and the subscribed
/// `topics`: rules of the file that match none, topics no enabled rule matches.
pub async fn coverage(
    aws: &AwsClients,
    rules: &[CoverageRule],
    topics: &BTreeSet<String>,
    origin: &Origin,
) -> Vec<PlanWarning> {
    let topics: Vec<&String> = topics.iter().collect();
    let mut matched = vec![false; rules.len()];
    let mut unreached = Vec::new();
    if rules.is_empty() {
        // No rule at all: nothing to ask AWS, every event is dropped.
        unreached.extend(topics.iter().map(|t| (*t).clone()));
    }
    for chunk in topics.chunks(IN_FLIGHT).filter(|_| !rules.is_empty()) {
        let known = matched.clone();
        let tested = join_all(
            chunk
                .iter()
                .map(|t| topic_hits(aws, rules, t, &known, origin)),
        )
        .await;
        for (topic, hits) in chunk.iter().zip(tested) {
            let hits = match hits {
                Ok(h) => h,
                Err(e) => return vec![not_tested(&e)],
            };
            matched.iter_mut().zip(&hits).for_each(|(m, h)| *m |= *h);
            if !rules.iter().zip(&hits).any(|(r, h)| *h && r.enabled) {
                unreached.push((*topic).clone());
            }
        }
    }
    let mut warnings: Vec<PlanWarning> = rules
        .iter()
        .zip(&matched)
        .filter(|(r, m)| r.managed && !**m)
        .map(|(r, _)| PlanWarning {
            kind: WarningKind::RuleMatchesNoTopic,
            rule: Some(r.name.clone()),
            topic: None,
            pattern: Some(r.pattern.clone()),
            message: format!(
                "rule {} matches none of the {} subscribed topic(s): its pattern {} matches no sample event of them",
                r.name,
                topics.len(),
                r.pattern
            ),
        })
        .collect();
    warnings.extend(unreached.into_iter().map(|t| PlanWarning {
        kind: WarningKind::TopicReachesNoRule,
        message: format!(
            "subscribed topic {t} reaches no enabled rule: its events are dropped on the bus"
        ),
        rule: None,
        topic: Some(t),
        pattern: None,
    }));
    warnings
}

/// Which rules the sample event of `topic` matches; rules skipped once the topic reached one
/// are reported as not matched (`known` says they already matched another topic).
async fn topic_hits(
    aws: &AwsClients,
    rules: &[CoverageRule],
    topic: &str,
    known: &[bool],
    origin: &Origin,
) -> Result<Vec<bool>, AwsError> {
    let event = Sampler::seeded(0).event(topic, origin).to_string();
    let mut hits = vec![false; rules.len()];
    let mut reached = false;
    for (i, r) in rules.iter().enumerate() {
        let needed = (!known[i] && r.managed) || (!reached && r.enabled);
        if needed && pattern_matches(aws, &r.pattern, &event).await? {
            hits[i] = true;
            reached |= r.enabled;
        }
    }
    Ok(hits)
}

pub(super) fn not_tested(e: &AwsError) -> PlanWarning {
    PlanWarning {
        kind: WarningKind::PatternsNotTested,
        rule: None,
        topic: None,
        pattern: None,
        message: format!("could not test the rules' patterns against the subscribed topics: {e}"),
    }
}

/// A topic a rule expects to match that Genesys will not send: the expectation holds in the test
/// but means nothing on the bus.
pub fn unsubscribed_expectations(spec: &AwsSpec, topics: &BTreeSet<String>) -> Vec<PlanWarning> {
    spec.rules
        .iter()
        .flat_map(|r| r.expect.matches.iter().map(move |t| (r, t)))
        .filter(|(_, t)| !topics.contains(*t))
        .map(|(r, t)| PlanWarning {
            kind: WarningKind::ExpectedTopicNotSubscribed,
            rule: Some(r.name.clone()),
            topic: Some(t.clone()),
            pattern: None,
            message: format!(
                "rule {}: expect.matches {t}, but the destination does not subscribe that topic, so no such event arrives",
                r.name
            ),
        })
        .collect()
}
