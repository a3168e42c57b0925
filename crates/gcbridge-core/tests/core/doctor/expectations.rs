//! doctor with the file's rules (`-f`): a rule's `expect` is tested against the pattern on the
//! bus, passing when every expectation holds and failing with the rule, the topic and the pattern
//! when one does not; without the file, or without `expect`, there is no such check.

use std::collections::HashMap;

use gcbridge_core::doctor::{CheckId, DiagnoseOptions, IntegrationReport, Status};
use gcbridge_core::{AwsSpec, Expectations};

use super::world::{only_integration, routed, routed_world, Routed, TOPICS};

const PRESENCE_ONLY: &str = r#"{"detail-type": ["v2.users.{id}.presence"]}"#;

/// The applied rule `to-queue` as the file describes it, with `expect`.
fn file_with(queue_arn: &str, matches: &[&str], ignores: &[&str]) -> AwsSpec {
    let mut spec = routed(PRESENCE_ONLY, queue_arn);
    spec.rules[0].expect = Expectations {
        matches: matches.iter().map(|t| t.to_string()).collect(),
        ignores: ignores.iter().map(|t| t.to_string()).collect(),
    };
    spec
}

async fn diagnose(r: &Routed, managed: Option<AwsSpec>) -> Vec<IntegrationReport> {
    let options = DiagnoseOptions {
        name: Some(r.suffix.clone()),
        managed: managed.map(|m| HashMap::from([(r.suffix.clone(), m)])),
        ..DiagnoseOptions::default()
    };
    r.w.diagnose_with(&r.w.client, &options).await
}

#[tokio::test(flavor = "multi_thread")]
async fn expectations_of_the_file_pass_or_fail_against_the_rule_on_the_bus() {
    let Some(r) = routed_world(PRESENCE_ONLY, 0.0).await else {
        return;
    };
    let [presence, start] = TOPICS;

    let reports = diagnose(&r, Some(file_with(&r.queue_arn, &[presence], &[start]))).await;
    let report = only_integration(&reports);
    let check = report.get(CheckId::RuleExpectations).expect("checked");
    assert_eq!(check.status, Status::Pass, "{report:#?}");
    assert_eq!(check.label(), "rule to-queue expectations");
    assert!(
        check
            .detail
            .contains("rule to-queue matches v2.users.{id}.presence (3 of 3"),
        "{check:?}"
    );
    assert!(
        check
            .detail
            .contains(&format!("rule to-queue ignores {start}")),
        "{check:?}"
    );

    // The file expects what the rule on the bus does not do, both ways.
    let reports = diagnose(&r, Some(file_with(&r.queue_arn, &[start], &[presence]))).await;
    let report = only_integration(&reports);
    let check = report.get(CheckId::RuleExpectations).unwrap();
    assert_eq!(check.status, Status::Fail, "{report:#?}");
    assert!(
        check
            .detail
            .starts_with("2 of 2 expectation(s) do not hold"),
        "{check:?}"
    );
    assert!(
        check.detail.contains(&format!("rule to-queue: expect.matches {start}, but its pattern {{\"detail-type\":[\"v2.users.{{id}}.presence\"]}} matches 0 of 3")),
        "{check:?}"
    );
    assert!(
        check
            .detail
            .contains("expect.ignores v2.users.{id}.presence, but its pattern"),
        "{check:?}"
    );
    assert!(
        check.fix.as_deref().unwrap().contains("event_pattern"),
        "{check:?}"
    );
    // The other checks of the rule are unaffected.
    assert_eq!(
        report.get(CheckId::RulePattern).unwrap().status,
        Status::Pass
    );

    // No file, or a file without expect: no expectation check.
    for managed in [None, Some(routed(PRESENCE_ONLY, &r.queue_arn))] {
        let reports = diagnose(&r, managed).await;
        assert!(
            only_integration(&reports)
                .get(CheckId::RuleExpectations)
                .is_none(),
            "{reports:#?}"
        );
    }
}
