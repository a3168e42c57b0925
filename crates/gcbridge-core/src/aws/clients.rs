//! SDK clients for one AWS region, from the standard credential chain.

use aws_config::{BehaviorVersion, Region, SdkConfig};

use super::error::{is_unreachable, AwsError};
use super::retry::{is_loopback, retry_config};

/// The configuration every AWS client of gcbridge is built from, whatever the service: the
/// standard credential chain, the region (given, else the chain's), the endpoint override,
/// gcbridge's retry setting, and whether the endpoint is this machine (then a refused connection
/// is final: `RefusedLoopback` in retry.rs). One constructor, so that no client misses a rule.
pub(crate) struct SharedConfig {
    pub(crate) sdk: SdkConfig,
    /// Where the requests go, for messages.
    pub(crate) endpoint: String,
    pub(crate) loopback: bool,
}

impl SharedConfig {
    pub(crate) async fn load(region: Option<&str>, endpoint: Option<&str>) -> SharedConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(region) = region {
            loader = loader.region(Region::new(region.to_string()));
        }
        if let Some(url) = endpoint {
            loader = loader.endpoint_url(url);
        }
        if let Some(retry) = retry_config() {
            loader = loader.retry_config(retry);
        }
        let sdk = loader.load().await;
        let shown = endpoint_shown(endpoint, sdk.region().map_or("", |r| r.as_ref()));
        SharedConfig {
            loopback: is_loopback(&shown),
            endpoint: shown,
            sdk,
        }
    }

    /// The region the chain settled on, when there is one.
    pub(crate) fn region(&self) -> Option<String> {
        self.sdk.region().map(ToString::to_string)
    }
}

/// One service's client from a [`SharedConfig`], with the loopback refusal rule when it applies
/// (a retry classifier is set per service config, so this cannot be done once on the shared one).
macro_rules! sdk_client {
    ($sdk:ident, $shared:expr) => {{
        let shared: &$crate::aws::SharedConfig = &$shared;
        let mut b = $sdk::config::Builder::from(&shared.sdk);
        if shared.loopback {
            b = b.retry_classifier($crate::aws::RefusedLoopback);
        }
        $sdk::Client::from_conf(b.build())
    }};
}
pub(crate) use sdk_client;

/// The clients gcbridge uses, sharing one region and credentials: EventBridge, STS, and the
/// services of the targets whose resource policies it manages.
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub region: String,
    /// Where the requests go, for messages: the override, or AWS's endpoint of the region.
    pub endpoint: String,
    pub events: aws_sdk_eventbridge::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sts: aws_sdk_sts::Client,
    pub sns: aws_sdk_sns::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// The delivery roles of Kinesis, Firehose and other-account bus targets.
    pub iam: aws_sdk_iam::Client,
}

impl AwsClients {
    /// Clients for `region`; `endpoint` overrides the endpoint (else `AWS_ENDPOINT_URL` or AWS).
    pub async fn new(region: &str, endpoint: Option<&str>) -> AwsClients {
        let shared = SharedConfig::load(Some(region), endpoint).await;
        AwsClients {
            region: region.to_string(),
            endpoint: shared.endpoint.clone(),
            events: sdk_client!(aws_sdk_eventbridge, shared),
            sqs: sdk_client!(aws_sdk_sqs, shared),
            sts: sdk_client!(aws_sdk_sts, shared),
            sns: sdk_client!(aws_sdk_sns, shared),
            lambda: sdk_client!(aws_sdk_lambda, shared),
            logs: sdk_client!(aws_sdk_cloudwatchlogs, shared),
            iam: sdk_client!(aws_sdk_iam, shared),
        }
    }

    /// The account the credentials belong to.
    pub async fn account(&self) -> Result<String, AwsError> {
        let out = self.sts.get_caller_identity().send().await.map_err(|e| {
            if is_unreachable(&e) {
                return AwsError::unreachable("sts:GetCallerIdentity", &self.endpoint, e);
            }
            let err = AwsError::from_sdk("sts:GetCallerIdentity", e);
            if err.is_transient() {
                // A throttle or a 5xx says nothing about the credentials.
                return err;
            }
            AwsError {
                message: err.message.replacen(
                    "sts:GetCallerIdentity",
                    "reading the AWS identity (sts:GetCallerIdentity) failed; check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)",
                    1,
                ),
                ..err
            }
        })?;
        out.account()
            .map(String::from)
            .ok_or_else(|| AwsError::new("sts:GetCallerIdentity returned no account"))
    }

    /// Fails unless the credentials belong to `expected`: nothing is written in the wrong account.
    pub async fn check_account(&self, expected: &str) -> Result<(), AwsError> {
        let actual = self.account().await?;
        if actual != expected {
            return Err(AwsError::new(format!(
                "the AWS credentials belong to account {actual}, but the destination's aws_account_id is {expected}; use credentials (e.g. AWS_PROFILE) of account {expected}"
            )));
        }
        Ok(())
    }
}

/// Where requests for `region` go, for messages: the override, else `AWS_ENDPOINT_URL`, else AWS's
/// endpoint of the region.
fn endpoint_shown(endpoint: Option<&str>, region: &str) -> String {
    endpoint
        .map(String::from)
        .or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|v| !v.is_empty())
        })
        .unwrap_or_else(|| format!("of region {region}"))
}
