//! `doctor::diagnose` against the emulator (playing Genesys and, with `eventbridge_endpoint`, the
//! EventBridge partner) and moto (the customer's EventBridge and SQS): a healthy destination is all
//! green, and each broken link fails at its own check id with its fix while the links after it are
//! skipped or not run. The permission probe is checked against the emulator's clients.
//!
//! The moto tests run under scripts/with-moto (GCBRIDGE_TEST_MOTO_ENDPOINT); without it they say so
//! loudly and return, unless CI or GCBRIDGE_REQUIRE_MOTO demands them. Everything is on loopback,
//! with static AWS test keys; where no AWS is wanted, the AWS endpoint is a closed loopback port.

use std::convert::Infallible;
use std::sync::Once;
use std::time::Duration;

use gcbridge_core::config::Origin;
use gcbridge_core::doctor::{
    self, CheckId, DiagnoseOptions, Grant, IntegrationReport, Report, Status,
};
use gcbridge_core::topics::Catalogue;
use gcbridge_core::{
    apply_aws, apply_plan, canonical_pattern, parse_target, plan, plan_aws, read_live, topic_set,
    ApplyOptions, AwsClients, AwsSpec, Destination, RuleSpec, DEFAULT_PATTERN,
};
use genesys_client::{
    ClientConfig, CreateIntegrationRequest, CredentialSource, Credentials, Endpoint, GenesysClient,
    IntegrationTypeRef, Organization, Secret,
};
use genesys_sim::{RunningSim, SimConfig};

/// moto's account for plain credentials: the customer.
const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const TOPICS: [&str; 2] = [
    "v2.users.{id}.presence",
    "v2.detail.events.conversation.{id}.customer.start",
];
/// Nothing listens here: AWS calls fail fast and never leave the machine.
const NO_AWS: &str = "http://127.0.0.1:9";

fn static_aws_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_MAX_ATTEMPTS", "2");
    });
}

/// The moto endpoint, or None after one loud line (a panic where moto is required).
fn moto(test: &str) -> Option<String> {
    static_aws_env();
    match std::env::var("GCBRIDGE_TEST_MOTO_ENDPOINT") {
        Ok(v) if !v.is_empty() => Some(v),
        _ if std::env::var_os("CI").is_some()
            || std::env::var_os("GCBRIDGE_REQUIRE_MOTO").is_some() =>
        {
            panic!("{test} needs moto: run it under scripts/with-moto (GCBRIDGE_TEST_MOTO_ENDPOINT is not set)")
        }
        _ => {
            eprintln!("SKIPPED (no moto; run scripts/test): {test}");
            None
        }
    }
}

fn unique(prefix: &str) -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{:x}", n % 0xffff_ffff)
}

fn client(base: &str, id: &str) -> GenesysClient {
    GenesysClient::new(ClientConfig::new(
        Endpoint::from_api_url(base, None).unwrap(),
        Credentials {
            client_id: id.into(),
            client_secret: Secret::new(genesys_sim::DEFAULT_SECRET.to_string()),
            source: CredentialSource::Flags,
        },
    ))
    .unwrap()
}

struct World {
    sim: RunningSim,
    client: GenesysClient,
    org: Organization,
    /// Where doctor's AWS calls go: moto, or [`NO_AWS`].
    aws_endpoint: String,
}

impl World {
    async fn new(config: SimConfig, aws_endpoint: &str) -> World {
        static_aws_env();
        let sim = genesys_sim::start(
            SimConfig {
                activation_delay: Duration::from_millis(50),
                ..config
            },
            "127.0.0.1:0".parse().unwrap(),
        )
        .await
        .unwrap();
        let client = client(&sim.base_url(), genesys_sim::ADMIN_CLIENT_ID);
        let org = client.organization_me().await.unwrap();
        World {
            sim,
            client,
            org,
            aws_endpoint: aws_endpoint.to_string(),
        }
    }

    /// The emulator's EventBridge partner talking to moto, and doctor's AWS calls going there too.
    async fn with_moto(moto: &str, events_per_second: f64) -> World {
        let config = SimConfig {
            eventbridge_endpoint: Some(moto.to_string()),
            events_per_second,
            ..SimConfig::default()
        };
        World::new(config, moto).await
    }

    async fn aws(&self) -> AwsClients {
        AwsClients::new(REGION, Some(&self.aws_endpoint)).await
    }

    async fn diagnose_as(
        &self,
        client: &GenesysClient,
        name: Option<&str>,
        probe: Option<u64>,
    ) -> Vec<IntegrationReport> {
        let options = DiagnoseOptions {
            name: name.map(String::from),
            aws_endpoint: Some(self.aws_endpoint.clone()),
            probe_seconds: probe,
        };
        let catalogue = async {
            let topics = client.available_topics_brief().await.unwrap();
            Ok::<_, Infallible>(Catalogue::from_live(topics.iter().map(|t| {
                (
                    t.id.as_str(),
                    t.description.as_deref(),
                    t.transports.as_slice(),
                )
            })))
        };
        let target = self.sim.base_url();
        doctor::diagnose(client, &self.org, &target, catalogue, &options)
            .await
            .unwrap()
    }

    async fn diagnose(&self, name: &str, probe: Option<u64>) -> Vec<IntegrationReport> {
        self.diagnose_as(&self.client, Some(name), probe).await
    }

    /// Both halves, as `gcbridge apply --wait` does them.
    async fn apply(&self, dest: &Destination) {
        let live = read_live(&self.client).await.unwrap();
        let p = plan(std::slice::from_ref(dest), &live, false);
        let options = ApplyOptions {
            wait: Some(Duration::from_secs(30)),
            ..ApplyOptions::default()
        };
        // An integration that ends in ERROR is a test's subject, not a setup failure.
        let _ = apply_plan(&self.client, &p, &options, &|_| {}).await;
        if dest.aws.is_some() {
            let aws = self.aws().await;
            let ap = plan_aws(&aws, dest, &self.org.id).await.unwrap();
            apply_aws(&aws, &ap, Some(dest), Duration::from_secs(30))
                .await
                .unwrap();
        }
    }

    /// A new SQS queue: its URL and ARN.
    async fn queue(&self) -> (String, String) {
        let name = unique("doctor-q");
        let url = self
            .aws()
            .await
            .sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .unwrap()
            .queue_url()
            .unwrap()
            .to_string();
        (url, format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"))
    }
}

fn destination(suffix: &str, enabled: bool, aws: Option<AwsSpec>) -> Destination {
    Destination {
        name: suffix.into(),
        description: None,
        enabled,
        aws_account_id: ACCOUNT.into(),
        aws_region: REGION.into(),
        event_source_suffix: suffix.into(),
        topics: topic_set(TOPICS),
        origin: Origin::Flag,
        aws,
    }
}

fn routed(pattern: &str, queue_arn: &str) -> AwsSpec {
    let pattern: serde_json::Value = serde_json::from_str(pattern).unwrap();
    AwsSpec {
        associate: true,
        rules: vec![RuleSpec {
            name: "to-queue".into(),
            description: None,
            enabled: true,
            event_pattern: canonical_pattern(&pattern).unwrap(),
            targets: vec![parse_target(queue_arn, REGION).unwrap()],
        }],
    }
}

/// The report of the one integration (after the org-wide one), with every check printed on failure.
fn only_integration(reports: &[IntegrationReport]) -> &IntegrationReport {
    assert_eq!(reports.len(), 2, "{reports:#?}");
    &reports[1]
}

fn with_status(r: &IntegrationReport, status: Status) -> Vec<CheckId> {
    r.checks
        .iter()
        .filter(|c| c.status == status)
        .map(|c| c.id)
        .collect()
}

fn has(r: &IntegrationReport, id: CheckId) -> bool {
    r.get(id).is_some()
}

fn fix_of(r: &IntegrationReport, id: CheckId) -> String {
    r.get(id)
        .and_then(|c| c.fix.clone())
        .unwrap_or_else(|| panic!("{id:?} has no fix: {r:#?}"))
}

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
        .create_integration(&CreateIntegrationRequest {
            name: "half".into(),
            integration_type: IntegrationTypeRef {
                id: "amazon-eventbridge-source".into(),
                ..Default::default()
            },
            notes: None,
        })
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
    let test = "a_healthy_destination_is_all_green_and_the_probe_counts_its_events";
    let Some(moto) = moto(test) else { return };
    let w = World::with_moto(&moto, 4.0).await;
    let (_, queue) = w.queue().await;
    let suffix = unique("healthy");
    w.apply(&destination(
        &suffix,
        true,
        Some(routed(DEFAULT_PATTERN, &queue)),
    ))
    .await;
    let reports = w.diagnose(&suffix, Some(3)).await;
    assert!(doctor::all_ok(&reports), "{reports:#?}");
    let r = only_integration(&reports);
    let ids: Vec<CheckId> = r.checks.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            CheckId::IntegrationExists,
            CheckId::IntegrationEnabled,
            CheckId::IntegrationActive,
            CheckId::TopicsValid,
            CheckId::AwsCredentials,
            CheckId::PartnerEventSource,
            CheckId::EventBusAssociated,
            CheckId::Rules,
            CheckId::RulePattern,
            CheckId::Target,
            CheckId::Probe,
        ],
        "{r:#?}"
    );
    assert_eq!(with_status(r, Status::Pass).len(), ids.len(), "{r:#?}");
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
    let test = "an_unassociated_source_fails_source_and_bus_and_skips_rules_and_probe";
    let Some(moto) = moto(test) else { return };
    let w = World::with_moto(&moto, 0.0).await;
    let suffix = unique("pending");
    let unassociated = AwsSpec {
        associate: false,
        rules: Vec::new(),
    };
    w.apply(&destination(&suffix, true, Some(unassociated)))
        .await;
    let reports = w.diagnose(&suffix, Some(1)).await;
    let r = only_integration(&reports);
    assert_eq!(
        with_status(r, Status::Fail),
        [CheckId::PartnerEventSource, CheckId::EventBusAssociated],
        "{r:#?}"
    );
    let source = r.get(CheckId::PartnerEventSource).unwrap();
    assert!(source.detail.contains("PENDING"), "{source:?}");
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
    let test = "a_bus_without_rules_fails_rules_and_checks_no_rule";
    let Some(moto) = moto(test) else { return };
    let w = World::with_moto(&moto, 0.0).await;
    let suffix = unique("norules");
    let associated = AwsSpec {
        associate: true,
        rules: Vec::new(),
    };
    w.apply(&destination(&suffix, true, Some(associated))).await;
    let reports = w.diagnose(&suffix, None).await;
    let r = only_integration(&reports);
    assert_eq!(with_status(r, Status::Fail), [CheckId::Rules], "{r:#?}");
    assert!(fix_of(r, CheckId::Rules).contains("[[destination.aws.rule]]"));
    assert_eq!(
        with_status(r, Status::Pass),
        [
            CheckId::IntegrationExists,
            CheckId::IntegrationEnabled,
            CheckId::IntegrationActive,
            CheckId::TopicsValid,
            CheckId::AwsCredentials,
            CheckId::PartnerEventSource,
            CheckId::EventBusAssociated,
        ],
        "{r:#?}"
    );
    assert!(!has(r, CheckId::RulePattern) && !has(r, CheckId::Target));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_without_the_policy_fails_its_target_with_apply_as_the_fix() {
    let test = "a_queue_without_the_policy_fails_its_target_with_apply_as_the_fix";
    let Some(moto) = moto(test) else { return };
    let w = World::with_moto(&moto, 0.0).await;
    let (url, queue) = w.queue().await;
    let suffix = unique("nopolicy");
    w.apply(&destination(
        &suffix,
        true,
        Some(routed(DEFAULT_PATTERN, &queue)),
    ))
    .await;
    w.aws()
        .await
        .sqs
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, "")
        .send()
        .await
        .unwrap();
    let reports = w.diagnose(&suffix, None).await;
    let r = only_integration(&reports);
    assert_eq!(with_status(r, Status::Fail), [CheckId::Target], "{r:#?}");
    let target = r.get(CheckId::Target).unwrap();
    assert_eq!(target.subject.as_deref(), Some(queue.as_str()));
    assert!(target.detail.contains("policy"), "{target:?}");
    assert!(fix_of(r, CheckId::Target).starts_with("run gcbridge apply"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pattern_that_matches_nothing_fails_its_rule_and_its_targets_are_still_checked() {
    let test = "a_pattern_that_matches_nothing_fails_its_rule_and_its_targets_are_still_checked";
    let Some(moto) = moto(test) else { return };
    let w = World::with_moto(&moto, 0.0).await;
    let (_, queue) = w.queue().await;
    let suffix = unique("nomatch");
    let nothing = routed(r#"{"detail-type": ["v2.nothing"]}"#, &queue);
    w.apply(&destination(&suffix, true, Some(nothing))).await;
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
