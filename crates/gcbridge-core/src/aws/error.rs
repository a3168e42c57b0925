//! AWS failures as one readable message: the SDK's top-level Display says only "service error",
//! so the whole chain of sources is rendered, and the AWS error code is kept (SDK error metadata)
//! so that a throttle or a 500 that outlived the SDK's retries is named as what it is, a transient
//! fault, and never advised as a missing permission ([`AwsError::advice`]).

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

pub use super::denied::MissingPermission;

#[derive(Debug, Clone)]
pub struct AwsError {
    pub message: String,
    /// The request never got an answer (refused, DNS, timeout, proxy): no AWS service judged the
    /// credentials, so the advice is the endpoint and the network, not the credentials.
    pub unreachable: bool,
    /// The AWS error code (`ThrottlingException`, `AccessDeniedException`, ...), when AWS answered.
    pub code: Option<String>,
    /// What kind of failure it is, for the advice.
    pub kind: AwsFailure,
    /// The IAM action a refusal names (AWS's message, else the call's own), for the fix.
    pub missing: Option<MissingPermission>,
}

/// The kinds of AWS failure whose advice differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwsFailure {
    /// AWS throttled the call (a throttling code, or HTTP 429) until the SDK gave up retrying.
    Throttled,
    /// AWS failed the call (HTTP 5xx such as `InternalFailure`) until the SDK gave up retrying.
    ServerError,
    /// The connection was lost or timed out (after retries): no answer, or a cut one.
    NoAnswer,
    /// AWS refused the credentials or the call (`AccessDenied...`, `UnauthorizedOperation`, ...).
    AccessDenied,
    /// Anything else: the message says what.
    Other,
}

/// A read's answer, `None` when AWS says the resource is not there (`missing` recognises that
/// error among the call's own); any other failure is the call's, named `what`.
pub(crate) fn unless_missing<T, E>(
    sent: Result<T, SdkError<E, HttpResponse>>,
    missing: impl FnOnce(&E) -> bool,
    what: impl FnOnce() -> String,
) -> Result<Option<T>, AwsError>
where
    E: StdError + ProvideErrorMetadata + 'static,
{
    match sent {
        Ok(out) => Ok(Some(out)),
        Err(e) if e.as_service_error().is_some_and(missing) => Ok(None),
        Err(e) => Err(AwsError::from_sdk(&what(), e)),
    }
}

impl AwsError {
    /// `what` failed, with the SDK error's full context and its AWS error code.
    pub fn from_sdk<E>(what: &str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: StdError + ProvideErrorMetadata + 'static,
    {
        let code = err.code().map(String::from);
        let status = err.raw_response().map(|r| r.status().as_u16());
        let kind = classify(&err, code.as_deref(), status);
        let mut message = format!("{what}: {}", render(&err));
        if let Some(c) = code.as_deref().filter(|c| !message.contains(*c)) {
            message.push_str(&format!(" ({c})"));
        }
        match kind {
            AwsFailure::Throttled => message.push_str(&format!(
                " [AWS throttled {what} (HTTP {}) through every retry: a transient fault, nothing in the account needs changing]",
                status.unwrap_or(400)
            )),
            AwsFailure::ServerError => message.push_str(&format!(
                " [AWS failed {what} with HTTP {} through every retry: a transient fault on AWS's side, nothing in the account needs changing]",
                status.unwrap_or(500)
            )),
            AwsFailure::NoAnswer => message.push_str(&format!(
                " [no answer to {what} through every retry: the connection was closed or timed out before AWS answered]"
            )),
            _ => {}
        }
        let missing = match kind {
            AwsFailure::AccessDenied | AwsFailure::Other => super::denied::missing_permission(
                code.as_deref(),
                err.message().unwrap_or(&message),
                what,
            ),
            _ => None,
        };
        if let Some(m) = &missing {
            message.push_str(&format!(" [missing permission: {}]", m.fix()));
        }
        AwsError {
            message,
            unreachable: false,
            code,
            kind,
            missing,
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        AwsError {
            message: message.into(),
            unreachable: false,
            code: None,
            kind: AwsFailure::Other,
            missing: None,
        }
    }

    /// Whether running the same command later may succeed as it is (a throttle, a 5xx, a lost
    /// connection): nothing about the account or the credentials is wrong.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            AwsFailure::Throttled | AwsFailure::ServerError | AwsFailure::NoAnswer
        )
    }

    /// What to do about it: `otherwise` (the caller's advice, often the permissions a call needs)
    /// unless the failure is transient or unreachable, whose advice is never a permission.
    pub fn advice(&self, otherwise: impl Into<String>) -> String {
        if self.unreachable {
            return "point --aws-endpoint (or AWS_ENDPOINT_URL) at a reachable endpoint, or fix the proxy or network".into();
        }
        match self.kind {
            AwsFailure::Throttled => format!(
                "AWS is throttling these calls ({}): run the command again in a minute, lower the request rate of other tools in the account, or allow more retries (a higher AWS_MAX_ATTEMPTS)",
                self.code.as_deref().unwrap_or("throttled"),
            ),
            AwsFailure::ServerError => format!(
                "AWS answered a server error ({}): run the command again; if it persists, check the AWS Health Dashboard for the region",
                self.code.as_deref().unwrap_or("HTTP 5xx")
            ),
            AwsFailure::NoAnswer => "the connection to AWS was lost or timed out: run the command again, and check the network or proxy if it persists".into(),
            AwsFailure::AccessDenied | AwsFailure::Other => match &self.missing {
                Some(m) => m.fix(),
                None => otherwise.into(),
            },
        }
    }

    /// `call` got no answer from `endpoint` (an SDK dispatch failure or timeout): says so, and
    /// what to check, instead of blaming the credentials.
    ///
    /// When a proxy variable applies to the endpoint, the proxy is what could not be reached (or
    /// failed the tunnel), so it is named with its variable.
    pub fn unreachable<E: StdError>(call: &str, endpoint: &str, err: E) -> Self {
        let proxy = super::proxy::proxy_for(&request_url(call, endpoint));
        AwsError {
            message: unreachable_message(call, endpoint, proxy.as_ref(), &render(&err)),
            unreachable: true,
            code: None,
            kind: AwsFailure::NoAnswer,
            missing: None,
        }
    }
}

/// The URL a `call` is sent to: the endpoint override, or AWS's host of the service in the region
/// (`endpoint` is then "of region R"), for matching the proxy variables as the SDK does.
fn request_url(call: &str, endpoint: &str) -> String {
    match endpoint.strip_prefix("of region ") {
        Some(region) => {
            let service = call.split(':').next().unwrap_or("sts");
            format!("https://{service}.{region}.amazonaws.com")
        }
        None => endpoint.to_string(),
    }
}

fn unreachable_message(
    call: &str,
    endpoint: &str,
    proxy: Option<&super::proxy::AwsProxy>,
    cause: &str,
) -> String {
    match proxy {
        Some(p) => format!(
            "cannot reach the proxy {} (from {}) for the AWS endpoint {endpoint} ({call}): \
             {cause}; check that proxy and the network, or exempt the endpoint's host with NO_PROXY",
            p.url, p.var
        ),
        None => format!(
            "cannot reach the AWS endpoint {endpoint} ({call}): {cause}; check --aws-endpoint or \
             AWS_ENDPOINT_URL, any proxy (HTTPS_PROXY, HTTP_PROXY) and the network"
        ),
    }
}

/// The AWS error codes of a refusal: the credentials or their policies, not the service's state.
const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
    "AuthorizationError",
    "AuthFailure",
];

fn classify<E, R>(err: &SdkError<E, R>, code: Option<&str>, status: Option<u16>) -> AwsFailure {
    match err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            return AwsFailure::NoAnswer
        }
        SdkError::ConstructionFailure(_) => return AwsFailure::Other,
        _ => {}
    }
    // The SDK's own list of throttling codes (aws-runtime's retry classifier), and HTTP 429.
    const THROTTLING: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
    ];
    match (code, status) {
        (Some(c), _) if THROTTLING.contains(&c) => AwsFailure::Throttled,
        (_, Some(429)) => AwsFailure::Throttled,
        (Some(c), _) if ACCESS_DENIED.contains(&c) => AwsFailure::AccessDenied,
        (_, Some(s)) if s >= 500 => AwsFailure::ServerError,
        (Some("InternalFailure" | "InternalError" | "ServiceUnavailable"), _) => {
            AwsFailure::ServerError
        }
        _ => AwsFailure::Other,
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

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::error::ErrorMetadata;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;

    fn answered(status: u16, code: &str) -> AwsError {
        let meta = ErrorMetadata::builder().code(code).message("m").build();
        let raw = HttpResponse::new(status.try_into().unwrap(), "".into());
        let err = SdkError::service_error(GetCallerIdentityError::generic(meta), raw);
        AwsError::from_sdk("sts:GetCallerIdentity", err)
    }

    #[test]
    fn a_throttle_or_a_500_is_transient_and_never_advised_as_a_permission() {
        for (status, code, kind) in [
            (400, "ThrottlingException", AwsFailure::Throttled),
            (400, "Throttling", AwsFailure::Throttled),
            (429, "TooManyRequestsException", AwsFailure::Throttled),
            (500, "InternalFailure", AwsFailure::ServerError),
            (503, "ServiceUnavailable", AwsFailure::ServerError),
        ] {
            let e = answered(status, code);
            assert_eq!((e.kind, e.code.as_deref()), (kind, Some(code)), "{e}");
            assert!(e.is_transient(), "{e}");
            assert!(
                e.message.contains(code) && e.message.contains("GetCallerIdentity"),
                "{e}"
            );
            let advice = e.advice("check the AWS permissions sts:GetCallerIdentity");
            assert!(
                !advice.contains("permission") && advice.contains("again"),
                "{advice}"
            );
            assert!(!e.message.contains("permission"), "{e}");
        }
    }

    #[test]
    fn an_unreachable_proxy_is_named_with_its_variable_for_a_remote_endpoint() {
        let endpoint = "of region eu-west-1";
        assert_eq!(
            request_url("sts:GetCallerIdentity", endpoint),
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            request_url("events:ListRules", "https://events.example:8443"),
            "https://events.example:8443"
        );
        let proxy = super::super::proxy::AwsProxy {
            var: "HTTPS_PROXY",
            url: "http://10.1.2.3:3128".into(),
        };
        let cause = "dispatch failure: io error: Connection refused";
        let m = unreachable_message("sts:GetCallerIdentity", endpoint, Some(&proxy), cause);
        assert!(
            m.starts_with(
                "cannot reach the proxy http://10.1.2.3:3128 (from HTTPS_PROXY) for the AWS \
                 endpoint of region eu-west-1 (sts:GetCallerIdentity): dispatch failure"
            ),
            "{m}"
        );
        assert!(m.contains("NO_PROXY") && !m.contains("credentials"), "{m}");
        let m = unreachable_message("sts:GetCallerIdentity", endpoint, None, cause);
        assert!(
            m.starts_with("cannot reach the AWS endpoint of region eu-west-1"),
            "{m}"
        );
        assert!(!m.contains("credentials"), "{m}");
    }

    #[test]
    fn a_refusal_names_the_missing_action_and_bad_credentials_keep_the_callers_advice() {
        for code in ["AccessDenied", "AccessDeniedException"] {
            let e = answered(403, code);
            assert_eq!(e.kind, AwsFailure::AccessDenied, "{e}");
            assert!(!e.is_transient());
            let fix =
                "add sts:GetCallerIdentity to the policy of the AWS identity gcbridge runs as \
                       -- `gcbridge iam-policy -f FILE` prints the whole policy";
            assert_eq!(e.advice("check the AWS permissions"), fix);
            assert!(
                e.message.contains(&format!("[missing permission: {fix}]")),
                "{e}"
            );
        }
        for code in ["ExpiredToken", "InvalidClientTokenId"] {
            let e = answered(403, code);
            assert_eq!(
                (e.kind, e.missing.clone()),
                (AwsFailure::AccessDenied, None),
                "{e}"
            );
            assert_eq!(
                e.advice("check the AWS permissions"),
                "check the AWS permissions"
            );
        }
        let e = answered(400, "ValidationException");
        assert_eq!(e.kind, AwsFailure::Other);
        assert_eq!(e.advice("fix it"), "fix it");
        // A quota is not a throttle: waiting does not lift it.
        assert_eq!(
            answered(400, "LimitExceededException").kind,
            AwsFailure::Other
        );
    }
}
