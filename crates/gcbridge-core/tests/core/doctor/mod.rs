//! `doctor::diagnose` against the emulator (playing Genesys and, with `eventbridge_endpoint`, the
//! EventBridge partner) and moto (the customer's EventBridge and SQS): a healthy destination is all
//! green, and each broken link fails at its own check id with its fix while the links after it are
//! skipped or not run. The permission probe is checked against the emulator's clients.
//!
//! The moto tests run under scripts/with-moto (GCBRIDGE_TEST_MOTO_ENDPOINT); without it they say so
//! loudly and return, unless CI or GCBRIDGE_REQUIRE_MOTO demands them. Everything is on loopback,
//! with static AWS test keys; where no AWS is wanted, the AWS endpoint is a closed loopback port.

mod delivery;
mod expectations;
mod roles;
mod settings;
pub(crate) mod world;

use gcbridge_core::doctor::{self, CheckId, Grant, IntegrationReport, Report, Status};
use gcbridge_core::{read_live, DEFAULT_PATTERN};
use gcbridge_testkit::sqs::set_policy as set_queue_policy;
use genesys_client::CreateIntegrationRequest;
use genesys_sim::SimConfig;
use world::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_permission_probe_agrees_with_the_emulators_viewer_and_admin() {
    let w = World::new(SimConfig::default(), NO_AWS).await;
    let viewer = client(&w.sim.base_url(), genesys_sim::VIEWER_CLIENT_ID);
    let grants = |probes: Vec<doctor::PermissionProbe>| -> Vec<(&'static str, Grant)> {
        probes
            .into_iter()
            .map(|p| (p.permission, p.status))
            .collect()
    };
    assert_eq!(
        grants(doctor::probe_permissions(&viewer).await),
        vec![
            ("integrations:integration:view", Grant::Granted),
            ("integrations:integration:add", Grant::Missing),
            ("integrations:integration:edit", Grant::Missing),
            ("integrations:integration:delete", Grant::Missing),
        ]
    );
    let admin = grants(doctor::probe_permissions(&w.client).await);
    assert_eq!(admin.len(), 4);
    assert!(admin.iter().all(|(_, g)| *g == Grant::Granted), "{admin:?}");
    assert!(
        read_live(&w.client).await.unwrap().is_empty(),
        "the probe changed nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn doctors_permissions_check_is_the_same_probe() {
    let w = World::new(SimConfig::default(), NO_AWS).await;
    let url = w.sim.base_url();
    let status = |reports: &[IntegrationReport]| reports[0].get(CheckId::Permissions).cloned();

    let admin = w.diagnose_as(&w.client, None, None).await;
    assert_eq!(status(&admin).unwrap().status, Status::Pass, "{admin:#?}");

    let viewer = client(&url, genesys_sim::VIEWER_CLIENT_ID);
    let reports = w.diagnose_as(&viewer, None, None).await;
    let check = status(&reports).unwrap();
    assert_eq!(check.status, Status::Warn, "{reports:#?}");
    for p in ["add", "edit", "delete"] {
        assert!(check
            .detail
            .contains(&format!("integrations:integration:{p} (missing)")));
    }

    let nobody = client(&url, genesys_sim::NOBODY_CLIENT_ID);
    let reports = w.diagnose_as(&nobody, None, None).await;
    assert_eq!(reports.len(), 1, "the chain stops: {reports:#?}");
    assert_eq!(status(&reports).unwrap().status, Status::Fail);
    assert!(!has(&reports[0], CheckId::IntegrationExists));
}

#[tokio::test(flavor = "multi_thread")]
async fn no_integration_of_that_name_fails_integration_exists_naming_the_others() {
    let w = World::new(SimConfig::default(), NO_AWS).await;
    let empty = w.diagnose("prod", None).await;
    assert_eq!(empty.len(), 1, "{empty:#?}");
    let check = empty[0].get(CheckId::IntegrationExists).unwrap();
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.fix.as_deref(), Some("create one with gcbridge apply"));

    w.apply(&destination("other", false, None)).await;
    let reports = w.diagnose("prod", None).await;
    assert_eq!(
        fix_of(&reports[0], CheckId::IntegrationExists),
        "the org has: other"
    );
    assert!(!doctor::all_ok(&reports));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unconfigured_integration_stops_before_aws() {
    let w = World::new(SimConfig::default(), NO_AWS).await;
    w.client
        .create_integration(&CreateIntegrationRequest::eventbridge("half"))
        .await
        .unwrap();
    let reports = w.diagnose("half", Some(1)).await;
    let r = only_integration(&reports);
    let failed = with_status(r, Status::Fail);
    assert!(failed.contains(&CheckId::IntegrationConfigured), "{r:#?}");
    assert!(fix_of(r, CheckId::IntegrationConfigured).contains("gcbridge apply"));
    assert!(!has(r, CheckId::AwsCredentials), "no AWS checks: {r:#?}");
    assert!(!has(r, CheckId::Probe), "no probe either: {r:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disabled_integration_fails_enabled_and_active_and_aws_is_still_walked() {
    let w = World::new(SimConfig::default(), NO_AWS).await;
    w.apply(&destination("off", false, None)).await;
    let reports = w.diagnose("off", None).await;
    let r = only_integration(&reports);
    assert_eq!(
        with_status(r, Status::Fail),
        [
            CheckId::IntegrationEnabled,
            CheckId::IntegrationActive,
            CheckId::AwsCredentials
        ],
        "{r:#?}"
    );
    assert!(fix_of(r, CheckId::IntegrationEnabled).contains("enabled = true"));
    assert_eq!(
        fix_of(r, CheckId::IntegrationActive),
        "enable the integration first"
    );
    assert_eq!(with_status(r, Status::Skip), [CheckId::PartnerEventSource]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_integration_in_error_fails_active_with_genesys_message() {
    // The partner side cannot reach EventBridge, so activation ends in ERROR.
    let config = SimConfig {
        eventbridge_endpoint: Some(NO_AWS.to_string()),
        ..SimConfig::default()
    };
    let w = World::new(config, NO_AWS).await;
    w.apply(&destination("broken", true, None)).await;
    let reports = w.diagnose("broken", None).await;
    let r = only_integration(&reports);
    let active = r.get(CheckId::IntegrationActive).unwrap();
    assert_eq!(active.status, Status::Fail, "{r:#?}");
    assert!(
        active.detail.starts_with("reportedState ERROR: "),
        "{active:?}"
    );
    assert!(fix_of(r, CheckId::IntegrationActive).contains("fix what the error names"));
    assert_eq!(
        r.get(CheckId::IntegrationEnabled).unwrap().status,
        Status::Pass
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_healthy_destination_is_all_green_and_the_probe_counts_its_events() {
    let Some(Routed { w, suffix, .. }) = routed_world(DEFAULT_PATTERN, 4.0).await else {
        return;
    };
    let reports = w.diagnose(&suffix, Some(3)).await;
    assert!(doctor::all_ok(&reports), "{reports:#?}");
    let r = only_integration(&reports);
    let mut chain = UP_TO_THE_BUS.to_vec();
    chain.extend([
        CheckId::Rules,
        CheckId::RulePattern,
        CheckId::Target,
        CheckId::TemporaryResources,
        CheckId::Probe,
    ]);
    assert_eq!(with_status(r, Status::Pass), chain, "{r:#?}");
    assert_eq!(
        with_status(r, Status::Warn),
        [CheckId::DeadLetter],
        "a rule without a dead-letter queue is a warning: {r:#?}"
    );
    assert_eq!(r.checks.len(), chain.len() + 1, "{r:#?}");
    let rule = r.get(CheckId::RulePattern).unwrap();
    assert_eq!(rule.label(), "rule to-queue");
    assert_eq!(
        serde_json::to_value(rule).unwrap()["check"],
        "rule to-queue",
        "the JSON keeps the label"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unassociated_source_fails_source_and_bus_and_skips_rules_and_probe() {
    let Some((w, suffix)) = unrouted_world(false).await else {
        return;
    };
    let reports = w.diagnose(&suffix, Some(1)).await;
    let r = only_integration(&reports);
    assert_eq!(
        with_status(r, Status::Fail),
        [CheckId::PartnerEventSource, CheckId::EventBusAssociated],
        "{r:#?}"
    );
    let source = r.get(CheckId::PartnerEventSource).unwrap();
    assert!(source.detail.contains("PENDING"), "{source:?}");
    // A PENDING source says when AWS deletes it (moto's patch (s): 14 days after it became PENDING).
    assert!(
        source
            .detail
            .contains("AWS deletes it at its ExpirationTime")
            && source.detail.contains("(in 13 day(s))"),
        "{source:?}"
    );
    assert!(fix_of(r, CheckId::PartnerEventSource).contains("associate = true"));
    assert!(fix_of(r, CheckId::EventBusAssociated).contains("associate"));
    assert_eq!(
        with_status(r, Status::Skip),
        [CheckId::Rules, CheckId::Probe]
    );
    assert!(!has(r, CheckId::RulePattern) && !has(r, CheckId::Target));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bus_without_rules_fails_rules_and_checks_no_rule() {
    let Some((w, suffix)) = unrouted_world(true).await else {
        return;
    };
    let reports = w.diagnose(&suffix, None).await;
    let r = only_integration(&reports);
    assert_eq!(with_status(r, Status::Fail), [CheckId::Rules], "{r:#?}");
    assert!(fix_of(r, CheckId::Rules).contains("[[destination.aws.rule]]"));
    let mut passed = UP_TO_THE_BUS.to_vec();
    passed.push(CheckId::TemporaryResources);
    assert_eq!(with_status(r, Status::Pass), passed, "{r:#?}");
    assert!(!has(r, CheckId::RulePattern) && !has(r, CheckId::Target));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_without_the_policy_fails_its_target_with_apply_as_the_fix() {
    let Some(d) = routed_world(DEFAULT_PATTERN, 0.0).await else {
        return;
    };
    set_queue_policy(&d.w.aws().await.sqs, &d.queue_url, "").await;
    let reports = d.w.diagnose(&d.suffix, None).await;
    let r = only_integration(&reports);
    assert_eq!(with_status(r, Status::Fail), [CheckId::Target], "{r:#?}");
    let target = r.get(CheckId::Target).unwrap();
    assert_eq!(target.subject.as_deref(), Some(d.queue_arn.as_str()));
    assert!(target.detail.contains("policy"), "{target:?}");
    assert!(fix_of(r, CheckId::Target).starts_with("run gcbridge apply"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pattern_that_matches_nothing_fails_its_rule_and_its_targets_are_still_checked() {
    let nothing = r#"{"detail-type": ["v2.nothing"]}"#;
    let Some(Routed { w, suffix, .. }) = routed_world(nothing, 0.0).await else {
        return;
    };
    let reports = w.diagnose(&suffix, None).await;
    let r = only_integration(&reports);
    assert_eq!(
        with_status(r, Status::Fail),
        [CheckId::RulePattern],
        "{r:#?}"
    );
    let rule = r.get(CheckId::RulePattern).unwrap();
    assert!(rule.detail.contains("matches none"), "{rule:?}");
    assert!(fix_of(r, CheckId::RulePattern).starts_with("fix the pattern"));
    assert_eq!(r.get(CheckId::Target).unwrap().status, Status::Pass);
}

#[test]
fn labels_are_todays_strings_and_a_report_without_failures_is_ok() {
    assert_eq!(CheckId::EventBusAssociated.as_str(), "event bus associated");
    assert_eq!(CheckId::GenesysCredentials.as_str(), "Genesys credentials");
    assert_eq!(
        CheckId::RuleTargets.on("to-queue").label(),
        "rule to-queue targets"
    );
    assert_eq!(CheckId::Target.on("arn:x").label(), "target arn:x");
    assert_eq!(
        serde_json::to_value(CheckId::ProbeCleanup).unwrap(),
        "probe cleanup"
    );
    let mut report = Report::default();
    report.pass(CheckId::Rules, "1 rule(s) on the bus");
    report.warn(CheckId::Target.on("arn:x"), "not an SQS queue", None);
    assert!(report.ok() && report.passed(CheckId::Rules));
    report.skip(CheckId::Probe, "no bus");
    assert!(!report.ok());
}
