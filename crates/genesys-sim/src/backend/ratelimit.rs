//! The per-OAuth-client rate limit: a fixed window of `rate_limit_window` allowing a set
//! number of requests, reported in the `inin-ratelimit-*` headers Genesys sends.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// The allowance per window (`inin-ratelimit-allowed`).
    pub limit: u32,
    /// Requests counted in this window, this one included (`inin-ratelimit-count`).
    pub count: u32,
    /// Whole seconds until the window resets, at least 1 (`inin-ratelimit-reset`,
    /// and `Retry-After` on a 429).
    pub reset_secs: u64,
    /// The same countdown rounded down, 0 in the last second (the `reset-rounds-down` quirk).
    pub reset_floor_secs: u64,
}

struct Window {
    started: Instant,
    count: u32,
}

/// One window per client id; bounded by the configured clients.
#[derive(Default)]
pub struct RateLimiter {
    windows: HashMap<String, Window>,
}

impl RateLimiter {
    /// Counts a request of `client` and says whether it may proceed. Rejected requests
    /// count too, as a client hammering through its 429s keeps spending its allowance.
    pub fn check(&mut self, client: &str, limit: u32, window: Duration, now: Instant) -> Decision {
        let w = self.windows.entry(client.to_string()).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(w.started) >= window {
            w.started = now;
            w.count = 0;
        }
        w.count = w.count.saturating_add(1);
        let remaining = window.saturating_sub(now.duration_since(w.started));
        let reset_secs = remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0);
        Decision {
            allowed: w.count <= limit,
            limit,
            count: w.count,
            reset_secs: reset_secs.max(1),
            reset_floor_secs: remaining.as_secs(),
        }
    }

    pub fn clear(&mut self) {
        self.windows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_window() {
        let mut r = RateLimiter::default();
        let w = Duration::from_secs(60);
        let t0 = Instant::now();
        assert!(r.check("a", 2, w, t0).allowed);
        let d = r.check("a", 2, w, t0 + Duration::from_millis(1500));
        assert!(d.allowed);
        assert_eq!(d.count, 2);
        assert_eq!(d.reset_secs, 59);
        let d = r.check("a", 2, w, t0 + Duration::from_secs(2));
        assert!(!d.allowed);
        assert_eq!(d.reset_secs, 58);
        assert!(r.check("b", 2, w, t0).allowed, "windows are per client");
        let d = r.check("a", 2, w, t0 + w);
        assert!(d.allowed);
        assert_eq!(d.count, 1);
        let d = r.check("a", 2, w, t0 + w + w - Duration::from_millis(1));
        assert_eq!(d.reset_secs, 1);
    }
}
