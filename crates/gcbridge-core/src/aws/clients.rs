//! SDK clients for one AWS region, from the standard credential chain.

use aws_config::{BehaviorVersion, Region};

use super::error::{is_unreachable, AwsError};
use super::retry::{is_loopback, retry_config, RefusedLoopback};

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
}

impl AwsClients {
    /// Clients for `region`; `endpoint` overrides the endpoint (else `AWS_ENDPOINT_URL` or AWS).
    pub async fn new(region: &str, endpoint: Option<&str>) -> AwsClients {
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_string()));
        if let Some(url) = endpoint {
            loader = loader.endpoint_url(url);
        }
        if let Some(retry) = retry_config() {
            loader = loader.retry_config(retry);
        }
        let config = loader.load().await;
        let shown = endpoint
            .map(String::from)
            .or_else(|| {
                std::env::var("AWS_ENDPOINT_URL")
                    .ok()
                    .filter(|v| !v.is_empty())
            })
            .unwrap_or_else(|| format!("of region {region}"));
        let loopback = is_loopback(&shown);
        // Each service's client from the shared config, with the loopback refusal rule when it applies.
        macro_rules! client {
            ($sdk:ident) => {{
                let mut b = $sdk::config::Builder::from(&config);
                if loopback {
                    b = b.retry_classifier(RefusedLoopback);
                }
                $sdk::Client::from_conf(b.build())
            }};
        }
        AwsClients {
            region: region.to_string(),
            endpoint: shown,
            events: client!(aws_sdk_eventbridge),
            sqs: client!(aws_sdk_sqs),
            sts: client!(aws_sdk_sts),
            sns: client!(aws_sdk_sns),
            lambda: client!(aws_sdk_lambda),
            logs: client!(aws_sdk_cloudwatchlogs),
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
