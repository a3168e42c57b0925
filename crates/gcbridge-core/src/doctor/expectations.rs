//! One rule's expectations (its `expect` in the config file doctor was given with `-f`), tested
//! against the pattern on the bus with sample events from the integration's source: a failed
//! check names each expectation that does not hold, with the topic and the pattern.

use crate::aws::rules::LiveRule;
use crate::events::Origin;
use crate::expect::{test_expectations, EXPECT_FIX};

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;

/// Nothing to report when the file gives the rule no expectations (or doctor has no file).
pub(super) async fn rule_expectations(report: &mut Report, d: &Destination<'_>, rule: &LiveRule) {
    let Some(spec) = d
        .managed
        .and_then(|m| m.rules.iter().find(|r| r.name == rule.name))
        .filter(|r| !r.expect.is_empty())
    else {
        return;
    };
    let at = || CheckId::RuleExpectations.on(&rule.name);
    let Some(pattern) = &rule.event_pattern else {
        report.skip(at(), "a scheduled rule has no event pattern to test");
        return;
    };
    let origin = Origin {
        source: d.source.clone(),
        account: d.account.to_string(),
        region: d.region.to_string(),
    };
    let results = test_expectations(d.aws, &rule.name, pattern, &spec.expect, &origin).await;
    let failed: Vec<String> = results
        .iter()
        .filter(|r| !r.held)
        .map(|r| r.message())
        .collect();
    if failed.is_empty() {
        let held: Vec<String> = results.iter().map(|r| r.message()).collect();
        report.pass(at(), held.join("; "));
    } else {
        report.fail(
            at(),
            format!(
                "{} of {} expectation(s) do not hold: {}",
                failed.len(),
                results.len(),
                failed.join("; ")
            ),
            format!("{EXPECT_FIX}, then run gcbridge apply"),
        );
    }
}
