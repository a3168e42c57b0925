//! How AWS calls are retried: the SDK's standard retry mode with [`DEFAULT_MAX_ATTEMPTS`] unless
//! the environment chooses, and no retry of a refused connection to a loopback endpoint (nothing
//! listens there: a mistyped `--aws-endpoint` or a moto not started, which waiting cannot fix, as
//! the Genesys client does for a refused loopback API).

use std::error::Error as StdError;

use aws_config::retry::RetryConfig;
use aws_sdk_sts::config::interceptors::InterceptorContext;
use aws_sdk_sts::config::retry::{ClassifyRetry, RetryAction};

/// Attempts per AWS call (the first and its retries) unless `AWS_MAX_ATTEMPTS` or `AWS_RETRY_MODE`
/// says otherwise: the SDK's default of 3 (about 1.5 s of backoff on average) gives up on a throttle
/// burst of a few seconds, and AWS throttles control-plane calls per account, shared with every
/// other tool in it. gcbridge's calls are safe to repeat: puts are idempotent, and a create repeated
/// after a lost answer fails and the next run finds what it made.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 6;

/// The SDK's standard retry mode with [`DEFAULT_MAX_ATTEMPTS`], unless the user chose the retries
/// through the environment (then the SDK reads them itself). A profile's `max_attempts` is
/// overridden: the environment is the one way to choose.
pub(super) fn retry_config() -> Option<RetryConfig> {
    let set = |v: &str| std::env::var_os(v).is_some_and(|x| !x.is_empty());
    if set("AWS_MAX_ATTEMPTS") || set("AWS_RETRY_MODE") {
        return None;
    }
    Some(RetryConfig::standard().with_max_attempts(DEFAULT_MAX_ATTEMPTS))
}

/// Forbids retrying a refused connection; installed only for a loopback endpoint, where a refusal
/// is final (a remote endpoint's refusal may be a load balancer between instances).
#[derive(Debug)]
pub(crate) struct RefusedLoopback;

impl ClassifyRetry for RefusedLoopback {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let refused = ctx
            .output_or_error()
            .and_then(|r| r.err())
            .and_then(|e| e.as_connector_error())
            .is_some_and(|e| is_refused(e));
        if refused {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "gcbridge: a refused loopback connection is final"
    }
}

fn is_refused(err: &(dyn StdError + 'static)) -> bool {
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = next {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return true;
            }
        }
        next = e.source();
    }
    false
}

/// Whether `endpoint` (a URL) names this machine: `localhost`, `127.x.y.z` or `[::1]`.
pub(super) fn is_loopback(endpoint: &str) -> bool {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_endpoints() {
        for e in [
            "http://127.0.0.1:4566",
            "http://localhost:5000/",
            "http://[::1]:9000",
            "http://127.1.2.3",
        ] {
            assert!(is_loopback(e), "{e}");
        }
        for e in [
            "https://events.us-east-1.amazonaws.com",
            "http://10.0.0.1:4566",
            "of region us-east-1",
        ] {
            assert!(!is_loopback(e), "{e}");
        }
    }
}
