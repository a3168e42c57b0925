//! Timeouts and retry limits, in one value so a caller (or a test) can tighten them all at once.
//! The defaults follow the official Genesys SDKs: retry 429 and 502/503/504, honour
//! `Retry-After`, give up when it asks for more than 180 s. A 500 is retried too, for idempotent
//! requests only (a transient internal error on a GET should not fail a whole apply).

use std::time::Duration;

use url::{Host, Url};

/// The overall deadline of one call unless the caller sets another.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// How patient the client is with the network and the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpPolicy {
    /// Time allowed to establish a TCP + TLS connection.
    pub connect_timeout: Duration,
    /// Time allowed for one whole request, response body included.
    pub request_timeout: Duration,
    /// No retry is started once this much time has passed since the first attempt.
    pub max_retry_elapsed: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails with `RateLimited`.
    pub max_retry_after: Duration,
    /// The first backoff delay (before jitter).
    pub initial_backoff: Duration,
    /// The largest backoff delay (before jitter).
    pub max_backoff: Duration,
    /// Attempts per call, the first one included.
    pub max_attempts: u32,
    /// The whole call, every attempt and wait included, ends within this: no attempt outlives
    /// it and no retry starts that would pass it.
    pub deadline: Duration,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_retry_elapsed: Duration::from_secs(300),
            max_retry_after: Duration::from_secs(180),
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_attempts: 8,
            deadline: DEFAULT_DEADLINE,
        }
    }
}

impl HttpPolicy {
    /// The time one attempt may take when `elapsed` of the call's deadline is spent: the
    /// per-request timeout, cut to what is left; `None` once nothing is left.
    pub(crate) fn attempt_timeout(&self, elapsed: Duration) -> Option<Duration> {
        let left = self
            .deadline
            .checked_sub(elapsed)
            .filter(|d| !d.is_zero())?;
        Some(left.min(self.request_timeout))
    }
}

/// Whether a URL names this machine (127.0.0.0/8, ::1, localhost): the only hosts plain HTTP
/// may carry credentials to, and the ones never reached through a proxy.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.');
            d.eq_ignore_ascii_case("localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
