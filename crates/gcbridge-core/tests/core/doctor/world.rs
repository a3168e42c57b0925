//! The harness of the doctor suite: an emulator (with its EventBridge partner on moto when there is
//! one), an admin client to it, destinations applied with core's own plan and apply, and helpers
//! that select checks by id. Moto is found, or the test skipped or failed, as the file says.

use std::convert::Infallible;
use std::time::Duration;

use gcbridge_core::config::Origin;
use gcbridge_core::doctor::{self, CheckId, DiagnoseOptions, IntegrationReport, Status};
use gcbridge_core::topics::Catalogue;
use gcbridge_core::{
    apply_aws, apply_plan, plan, plan_aws, read_live, topic_set, ApplyOptions, AwsClients, AwsSpec,
    Destination,
};
use genesys_client::{GenesysClient, Organization};
use genesys_sim::{RunningSim, SimConfig};

pub use crate::common::{client_as as client, moto, routed, static_aws_env, ACCOUNT, REGION};
pub use gcbridge_testkit::moto::unique;

pub const TOPICS: [&str; 2] = [
    "v2.users.{id}.presence",
    "v2.detail.events.conversation.{id}.customer.start",
];
/// Nothing listens here: AWS calls fail fast and never leave the machine.
pub const NO_AWS: &str = "http://127.0.0.1:9";

pub struct World {
    pub sim: RunningSim,
    pub client: GenesysClient,
    pub org: Organization,
    /// Where doctor's AWS calls go: moto, or [`NO_AWS`].
    pub aws_endpoint: String,
}

impl World {
    pub async fn new(config: SimConfig, aws_endpoint: &str) -> World {
        static_aws_env();
        let sim = gcbridge_testkit::sim::start(SimConfig {
            activation_delay: Duration::from_millis(50),
            ..config
        })
        .await;
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
    pub async fn with_moto(moto: &str, events_per_second: f64) -> World {
        let config = SimConfig {
            eventbridge_endpoint: Some(moto.to_string()),
            events_per_second,
            ..SimConfig::default()
        };
        World::new(config, moto).await
    }

    pub async fn aws(&self) -> AwsClients {
        AwsClients::new(REGION, Some(&self.aws_endpoint)).await
    }

    pub async fn diagnose_as(
        &self,
        client: &GenesysClient,
        name: Option<&str>,
        probe: Option<u64>,
    ) -> Vec<IntegrationReport> {
        let options = DiagnoseOptions {
            name: name.map(String::from),
            aws_endpoint: Some(self.aws_endpoint.clone()),
            probe_seconds: probe,
            ..DiagnoseOptions::default()
        };
        self.diagnose_with(client, &options).await
    }

    /// doctor with `options` as given (its AWS endpoint is the world's).
    pub async fn diagnose_with(
        &self,
        client: &GenesysClient,
        options: &DiagnoseOptions,
    ) -> Vec<IntegrationReport> {
        let options = DiagnoseOptions {
            aws_endpoint: Some(self.aws_endpoint.clone()),
            ..options.clone()
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

    pub async fn diagnose(&self, name: &str, probe: Option<u64>) -> Vec<IntegrationReport> {
        self.diagnose_as(&self.client, Some(name), probe).await
    }

    /// Both halves, as `gcbridge apply --wait` does them.
    pub async fn apply(&self, dest: &Destination) {
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
    pub async fn queue(&self) -> (String, String) {
        let q =
            gcbridge_testkit::sqs::create_queue(&self.aws().await.sqs, &unique("doctor-q")).await;
        (q.url, q.arn)
    }
}

/// A world on moto, or None when the test is skipped.
pub async fn moto_world(events_per_second: f64) -> Option<World> {
    Some(World::with_moto(&moto()?, events_per_second).await)
}

/// An applied destination whose rule `to-queue` with `pattern` sends to a new queue.
pub struct Routed {
    pub w: World,
    pub suffix: String,
    pub queue_url: String,
    pub queue_arn: String,
}

pub async fn routed_world(pattern: &str, events_per_second: f64) -> Option<Routed> {
    let w = moto_world(events_per_second).await?;
    let (queue_url, queue_arn) = w.queue().await;
    let suffix = unique("routed");
    let aws = routed(pattern, &queue_arn);
    w.apply(&destination(&suffix, true, Some(aws))).await;
    Some(Routed {
        w,
        suffix,
        queue_url,
        queue_arn,
    })
}

/// An applied destination without rules, associated or not.
pub async fn unrouted_world(associate: bool) -> Option<(World, String)> {
    let w = moto_world(0.0).await?;
    let suffix = unique("unrouted");
    let aws = AwsSpec {
        associate,
        rules: Vec::new(),
        archive: None,
    };
    w.apply(&destination(&suffix, true, Some(aws))).await;
    Some((w, suffix))
}

/// The checks of a configured, enabled integration up to and including its bus.
pub const UP_TO_THE_BUS: [CheckId; 7] = [
    CheckId::IntegrationExists,
    CheckId::IntegrationEnabled,
    CheckId::IntegrationActive,
    CheckId::TopicsValid,
    CheckId::AwsCredentials,
    CheckId::PartnerEventSource,
    CheckId::EventBusAssociated,
];

pub fn destination(suffix: &str, enabled: bool, aws: Option<AwsSpec>) -> Destination {
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

/// The report of the one integration (after the org-wide one), with every check printed on failure.
pub fn only_integration(reports: &[IntegrationReport]) -> &IntegrationReport {
    assert_eq!(reports.len(), 2, "{reports:#?}");
    &reports[1]
}

pub fn with_status(r: &IntegrationReport, status: Status) -> Vec<CheckId> {
    r.checks
        .iter()
        .filter(|c| c.status == status)
        .map(|c| c.id)
        .collect()
}

pub fn has(r: &IntegrationReport, id: CheckId) -> bool {
    r.get(id).is_some()
}

pub fn fix_of(r: &IntegrationReport, id: CheckId) -> String {
    r.get(id)
        .and_then(|c| c.fix.clone())
        .unwrap_or_else(|| panic!("{id:?} has no fix: {r:#?}"))
}
