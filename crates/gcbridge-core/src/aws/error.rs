//! AWS failures as one readable message: the SDK's top-level Display says only "service error",
//! so the whole chain of sources is rendered.

use std::error::Error as StdError;
use std::fmt;

#[derive(Debug, Clone)]
pub struct AwsError {
    pub message: String,
    /// The request never got an answer (refused, DNS, timeout, proxy): no AWS service judged the
    /// credentials, so the advice is the endpoint and the network, not the credentials.
    pub unreachable: bool,
}

impl AwsError {
    /// `what` failed, with the SDK error's full context.
    pub fn from_sdk<E: StdError>(what: &str, err: E) -> Self {
        AwsError {
            message: format!("{what}: {}", render(&err)),
            unreachable: false,
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        AwsError {
            message: message.into(),
            unreachable: false,
        }
    }

    /// `call` got no answer from `endpoint` (an SDK dispatch failure or timeout): says so, and
    /// what to check, instead of blaming the credentials.
    pub fn unreachable<E: StdError>(call: &str, endpoint: &str, err: E) -> Self {
        AwsError {
            message: format!(
                "cannot reach the AWS endpoint {endpoint} ({call}): {}; check --aws-endpoint or \
                 AWS_ENDPOINT_URL, any proxy (HTTPS_PROXY, HTTP_PROXY) and the network",
                render(&err)
            ),
            unreachable: true,
        }
    }
}

/// Whether the SDK sent nothing that got an answer: the connection, DNS, a proxy or a timeout
/// failed before any service replied.
pub fn is_unreachable<E, R>(err: &aws_sdk_sts::error::SdkError<E, R>) -> bool {
    use aws_sdk_sts::error::SdkError;
    match err {
        SdkError::DispatchFailure(d) => d.is_io() || d.is_timeout() || d.is_other(),
        SdkError::TimeoutError(_) => true,
        _ => false,
    }
}

fn render(err: &dyn StdError) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for AwsError {}
