//! SDK clients for one AWS region, from the standard credential chain.

use aws_config::{BehaviorVersion, Region};

use super::error::{is_unreachable, AwsError};

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
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_string()));
        if let Some(url) = endpoint {
            loader = loader.endpoint_url(url);
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
        AwsClients {
            region: region.to_string(),
            endpoint: shown,
            events: aws_sdk_eventbridge::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            sns: aws_sdk_sns::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            iam: aws_sdk_iam::Client::new(&config),
        }
    }

    /// The account the credentials belong to.
    pub async fn account(&self) -> Result<String, AwsError> {
        let out = self.sts.get_caller_identity().send().await.map_err(|e| {
            if is_unreachable(&e) {
                return AwsError::unreachable("sts:GetCallerIdentity", &self.endpoint, e);
            }
            AwsError::from_sdk(
                "reading the AWS identity (sts:GetCallerIdentity) failed; check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)",
                e,
            )
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
