//! Rule expectations and pattern coverage: the rules of a destination's `[destination.aws]` tested
//! with EventBridge's TestEventPattern and synthetic events of its topics, as they would arrive on
//! the partner bus. `plan` gets both ([`test_plan`]): a failed expectation is an error, coverage
//! gives warnings; `doctor` tests a rule's expectations against the pattern on the bus.
//!
//! Its own module, not part of `aws`: it needs the events' sampler, and `events` needs `aws`.

mod coverage;
mod rule;

use serde::Serialize;

pub use coverage::{PlanWarning, WarningKind};
pub(crate) use rule::test_expectations;
pub use rule::{ExpectKind, ExpectationResult, EXPECT_FIX, EXPECT_SAMPLES};

use crate::aws::rules::{list_rules, LiveRule};
use crate::aws::temporary::is_temporary_name;
use crate::aws::{AwsClients, AwsPlan};
use crate::desired::Destination;
use crate::events::Origin;
use coverage::{coverage, unsubscribed_expectations, CoverageRule};

/// What the pattern tests of one destination's plan found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PatternTests {
    /// Every rule expectation of the file, tested against the pattern the plan writes.
    pub expectations: Vec<ExpectationResult>,
    /// Rules matching no subscribed topic, subscribed topics reaching no rule, expected topics
    /// not subscribed: shown, but they do not change the exit code.
    pub warnings: Vec<PlanWarning>,
}

impl PatternTests {
    /// The expectations that do not hold: the plan is an error then.
    pub fn failed(&self) -> impl Iterator<Item = &ExpectationResult> {
        self.expectations.iter().filter(|e| !e.held)
    }
}

/// The destination's rules (as the plan will write them) tested with sample events from its
/// partner event source: their expectations, and their coverage of the subscribed topics, with
/// the unmanaged rules that apply leaves on the bus counted as routes.
pub async fn test_plan(aws: &AwsClients, dest: &Destination, plan: &AwsPlan) -> PatternTests {
    let Some(spec) = &dest.aws else {
        return PatternTests::default();
    };
    let origin = Origin {
        source: plan.source.clone(),
        account: dest.aws_account_id.clone(),
        region: dest.aws_region.clone(),
    };
    let mut expectations = Vec::new();
    for r in &spec.rules {
        let tested = test_expectations(aws, &r.name, &r.event_pattern, &r.expect, &origin).await;
        expectations.extend(tested);
    }
    let mut rules: Vec<CoverageRule> = spec
        .rules
        .iter()
        .map(|r| CoverageRule {
            name: r.name.clone(),
            pattern: r.event_pattern.clone(),
            enabled: r.enabled,
            managed: true,
        })
        .collect();
    let mut warnings = match unmanaged_rules(aws, plan, dest).await {
        Ok(others) => {
            rules.extend(others);
            coverage(aws, &rules, &dest.topics, &origin).await
        }
        Err(w) => vec![w],
    };
    warnings.extend(unsubscribed_expectations(spec, &dest.topics));
    PatternTests {
        expectations,
        warnings,
    }
}

/// The rules on the bus that the file does not list (gcbridge's temporary ones aside), with an
/// event pattern: apply leaves them there, so they route events too.
async fn unmanaged_rules(
    aws: &AwsClients,
    plan: &AwsPlan,
    dest: &Destination,
) -> Result<Vec<CoverageRule>, PlanWarning> {
    if !plan.bus_exists {
        return Ok(Vec::new());
    }
    let managed = |l: &LiveRule| {
        dest.aws
            .as_ref()
            .is_some_and(|a| a.rules.iter().any(|r| r.name == l.name))
    };
    let mut live = list_rules(aws, &plan.source)
        .await
        .map_err(|e| coverage::not_tested(&e))?;
    live.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(live
        .into_iter()
        .filter(|l| !managed(l) && !is_temporary_name(&l.name))
        .filter_map(|l| {
            Some(CoverageRule {
                pattern: l.event_pattern?,
                name: l.name,
                enabled: l.enabled,
                managed: false,
            })
        })
        .collect())
}
