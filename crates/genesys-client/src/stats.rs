//! Counters of what a client did, for progress output, `--verbose` summaries and tests that
//! check retries and token renewals actually happened.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of a client's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestStats {
    /// API request attempts sent (retries included; token calls excluded).
    pub requests: u64,
    /// Attempts repeated after a 429, 5xx, connection failure or a 401 that renewed the token.
    pub retries: u64,
    /// 429 responses received (API and token calls).
    pub rate_limited_429: u64,
    /// Successful OAuth token fetches.
    pub token_fetches: u64,
    /// POST/PUT/PATCH/DELETE attempts sent.
    pub writes: u64,
    /// Requests that waited for the rate-limit window to reset before being sent.
    pub paced_waits: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub rate_limited_429: AtomicU64,
    pub token_fetches: AtomicU64,
    pub writes: AtomicU64,
}

impl Stats {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self, paced_waits: u64) -> RequestStats {
        RequestStats {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited_429: self.rate_limited_429.load(Ordering::Relaxed),
            token_fetches: self.token_fetches.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            paced_waits,
        }
    }
}
