//! The AWS half's world of the CLI suite, wired once: the emulator playing Genesys's partner side
//! against moto, a [`World`] whose env reaches both ([`super::moto_env`]), the test's own SDK
//! clients of moto's default account in one region, and gcbridge runs pointed at moto with
//! `--aws-endpoint`; with the names and reads those suites share (the partner bus of a suffix,
//! gcbridge's temporary rules on it, the correlation ids of delivered events).

use serde_json::Value;

use super::{doctor_checks, moto_env, sim_with_moto, Output, World};

/// The partner event source (and the bus associated with it) of the default org's destination
/// with event source suffix `suffix`.
pub fn partner_bus(suffix: &str) -> String {
    format!(
        "aws.partner/genesys.com/cloud/{}/{suffix}",
        genesys_sim::DEFAULT_ORG_ID
    )
}

/// The sorted correlation ids of delivered events: two deliveries hold the same events when
/// these are equal.
pub fn correlation_ids(events: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = events
        .iter()
        .map(|e| e["detail"]["metadata"]["CorrelationId"].to_string())
        .collect();
    ids.sort();
    ids
}

/// Now in RFC 3339, the form `replay --from` / `--to` take.
pub fn replay_time_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// The names of the rules on `bus` that start with `prefix` (gcbridge's temporary ones are
/// `gcbridge-...`, those of tail, probe and replay `gcbridge-tmp-...`).
pub async fn rules_named(
    events: &aws_sdk_eventbridge::Client,
    bus: &str,
    prefix: &str,
) -> Vec<String> {
    let rules = events
        .list_rules()
        .event_bus_name(bus)
        .send()
        .await
        .unwrap();
    rules
        .rules()
        .iter()
        .filter_map(|r| r.name())
        .filter(|n| n.starts_with(prefix))
        .map(String::from)
        .collect()
}

/// doctor's failed checks name a PENDING partner event source, its fix saying `fix`, and a bus no
/// longer associated with it: the bus deleted by hand, or left behind when the integration was
/// disabled and enabled again.
pub fn assert_source_pending_without_its_bus(failed: &[String], fix: &str) {
    assert!(
        failed.iter().any(|f| f.starts_with("partner event source")
            && f.contains("PENDING")
            && f.contains(fix)),
        "{failed:#?}"
    );
    assert!(
        failed.iter().any(|f| f.starts_with("event bus associated")),
        "{failed:#?}"
    );
}

/// Creates the SNS topic `name` (in the client's account and region); its ARN.
pub async fn sns_topic(sns: &aws_sdk_sns::Client, name: &str) -> String {
    sns.create_topic()
        .name(name)
        .send()
        .await
        .unwrap()
        .topic_arn()
        .unwrap()
        .to_string()
}

/// The emulator against moto, a working directory with moto's env, moto's endpoint and SDK
/// clients of moto's default account in the test's region.
pub struct AwsWorld {
    pub w: World,
    /// Where gcbridge's AWS calls go: every run here adds `--aws-endpoint` with it.
    pub moto: String,
    /// The test's own SDK config (static test keys, the region of [`AwsWorld::start`]).
    pub config: aws_config::SdkConfig,
    pub events: aws_sdk_eventbridge::Client,
    pub sqs: aws_sdk_sqs::Client,
}

impl AwsWorld {
    /// The emulator playing the partner side against `moto`, an empty working directory, and
    /// clients in `region`.
    pub async fn start(moto: &str, region: &str) -> AwsWorld {
        let sim = sim_with_moto(moto).await;
        let env = moto_env(&sim.base_url());
        let config = gcbridge_testkit::moto::sdk_config(moto, region).await;
        AwsWorld {
            w: World::new(sim, env),
            moto: moto.to_string(),
            events: aws_sdk_eventbridge::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            config,
        }
    }

    /// `args` followed by `--aws-endpoint MOTO`.
    pub fn with_aws<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.extend(["--aws-endpoint", self.moto.as_str()]);
        all
    }

    /// gcbridge with `args` against moto, in the working directory with the world's env.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.w.run(&self.with_aws(args)).await
    }

    /// gcbridge with `args` against moto in the background ([`World::spawn`]).
    pub fn spawn(&self, args: &[&str]) -> tokio::task::JoinHandle<Output> {
        self.w.spawn(&self.with_aws(args))
    }

    /// `doctor NAME -f gcbridge.toml -o json` against moto, `extra` last.
    pub fn doctor<'a>(&'a self, name: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = self.with_aws(&["doctor", name, "-f", "gcbridge.toml", "-o", "json"]);
        args.extend(extra);
        args
    }

    /// `apply -f FILE --auto-approve EXTRA... --aws-endpoint MOTO`.
    pub async fn apply(&self, file: &str, extra: &[&str]) -> Output {
        self.w.apply(file, &self.with_aws(extra)).await
    }

    /// `plan -f FILE --detailed-exitcode EXTRA... --aws-endpoint MOTO` (exit 0: nothing to do).
    pub async fn plan(&self, file: &str, extra: &[&str]) -> Output {
        self.w.plan(file, &self.with_aws(extra)).await
    }

    /// [`AwsWorld::doctor`] of `name` is all green (exit 0; the failed checks shown otherwise).
    pub async fn doctor_passes(&self, name: &str) {
        let out = self.w.run(&self.doctor(name, &[])).await;
        assert_eq!(out.code, 0, "{out:?}\n{:#?}", doctor_checks(&out, "fail"));
    }

    /// [`AwsWorld::doctor`] of `name` fails (exit 1); its failed checks.
    pub async fn doctor_fails(&self, name: &str) -> Vec<String> {
        let out = self.w.run(&self.doctor(name, &[])).await;
        assert_eq!(out.code, 1, "{out:?}");
        doctor_checks(&out, "fail")
    }

    /// [`AwsWorld::doctor_fails`] with exactly one failed check (all of them shown otherwise):
    /// the check a broken link names, alone.
    pub async fn doctor_fails_one(&self, name: &str) -> String {
        let failed = self.doctor_fails(name).await;
        assert_eq!(failed.len(), 1, "exactly one failed check: {failed:#?}");
        failed.into_iter().next().unwrap()
    }

    /// `apply -f FILE` succeeds and the plan after it has nothing left to change.
    pub async fn apply_converges(&self, file: &str) {
        let out = self.apply(file, &[]).await;
        assert_eq!(out.code, 0, "{out:?}");
        let out = self.plan(file, &[]).await;
        assert_eq!(out.code, 0, "nothing left to change: {out:?}");
    }
}
