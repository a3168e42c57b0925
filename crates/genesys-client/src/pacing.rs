//! Client-side pacing from Genesys's rate-limit headers, shared by every request of one client, so
//! that a long run spreads its requests over the window instead of bursting into 429s.
//!
//! Every response carries `inin-ratelimit-allowed` (requests per window), `inin-ratelimit-count`
//! (used so far) and `inin-ratelimit-reset` (seconds until the window resets). A request goes when
//! the remaining budget exceeds the requests already in flight plus a margin of one; otherwise it
//! waits for the reset. While the count is unknown after a reset (until a response tells the new
//! count) requests go one at a time, so a crowd of waiters cannot overrun a window; before the
//! first response ever, [`START_PROBES`] may go together, so the reads a run starts with (who we
//! are, the catalogue, the listing) take one round trip rather than three. If responses carry no headers (a proxy stripped
//! them) nothing is paced: 429 handling in the retry loop still applies.
//!
//! The reset header has whole-second resolution. Read as a countdown rounded up (what "seconds
//! until the reset" means, and what the emulator sends), every response bounds the reset from
//! above: it is no later than the response's arrival plus the header. The earliest of those
//! bounds is the estimate, which is within a round trip of the real reset when the window started
//! with our own first request; taking the latest instead cost up to a second per window. A server
//! that rounds down would make that estimate early by up to a second: the first request after it
//! meets a 429, and from then on every estimate gets [`ROUNDING_SLACK`] more (docs/REAL-API.md).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use tokio::sync::Notify;

/// Requests kept in reserve in each window, for clock skew and other users of the same client.
const MARGIN: u32 = 1;

/// Requests in flight before the first response: far under any window the API grants (300 a
/// minute by default), so at worst they meet a window another user of the client nearly spent.
const START_PROBES: u32 = 3;

/// Two windows whose reset times differ by less than this are the same window seen twice
/// (the header has whole-second resolution).
const SAME_WINDOW_TOLERANCE: Duration = Duration::from_millis(1000);

/// Added to every reset estimate once a 429 showed that an estimate was early.
const ROUNDING_SLACK: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
pub(crate) struct Pacer {
    state: Mutex<State>,
    changed: Notify,
    waits: AtomicU64,
    /// The last `inin-ratelimit-allowed` seen, 0 before any.
    last_allowed: AtomicU32,
}

#[derive(Debug, Default)]
struct State {
    window: Option<Window>,
    in_flight: u32,
    mode: Mode,
    /// Zero until a 429 arrives; then [`ROUNDING_SLACK`].
    slack: Duration,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// No response yet.
    #[default]
    Unknown,
    /// The server sends rate-limit headers.
    Paced,
    /// The server's responses carry no rate-limit headers.
    Unpaced,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    allowed: u32,
    count: u32,
    reset_at: Instant,
}

/// What a request should do now.
#[derive(Debug, PartialEq, Eq)]
enum Gate {
    Go,
    /// Wait until this instant, or until something changes.
    WaitUntil(Option<Instant>),
}

impl State {
    fn gate(&mut self, now: Instant) -> Gate {
        if let Some(w) = self.window {
            if w.reset_at <= now {
                self.window = None;
            }
        }
        match self.window {
            Some(w) => {
                let remaining = w.allowed.saturating_sub(w.count);
                if remaining > self.in_flight + MARGIN {
                    Gate::Go
                } else {
                    Gate::WaitUntil(Some(w.reset_at))
                }
            }
            None if self.mode == Mode::Unpaced => Gate::Go,
            None if self.mode == Mode::Unknown && self.in_flight < START_PROBES => Gate::Go,
            None if self.in_flight == 0 => Gate::Go,
            None => Gate::WaitUntil(None),
        }
    }

    fn observe(&mut self, allowed: u32, count: u32, reset_in: Duration, now: Instant) {
        self.mode = Mode::Paced;
        let fresh = Window {
            allowed,
            count,
            reset_at: now + reset_in + self.slack,
        };
        self.window = Some(match self.window {
            // A late answer from a window that has since reset: it says nothing of this one.
            Some(old)
                if old.reset_at > now && fresh.reset_at + SAME_WINDOW_TOLERANCE < old.reset_at =>
            {
                old
            }
            Some(old)
                if old.reset_at > now && fresh.reset_at < old.reset_at + SAME_WINDOW_TOLERANCE =>
            {
                // Same window: responses may arrive out of order, so the highest count is the
                // truest, and each reset reading bounds the reset from above, so the earliest is
                // the tightest.
                Window {
                    allowed,
                    count: old.count.max(count),
                    reset_at: old.reset_at.min(fresh.reset_at),
                }
            }
            _ => fresh,
        });
    }
}

/// Held while a request is in flight.
pub(crate) struct Permit<'a> {
    pacer: &'a Pacer,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut s = self.pacer.state.lock().expect("pacer lock");
        s.in_flight = s.in_flight.saturating_sub(1);
        drop(s);
        self.pacer.changed.notify_waiters();
    }
}

impl Pacer {
    /// Waits until a request may be sent, and counts it in flight until the permit drops.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        let mut waited = false;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            // Registered before the state is read, so a change between the read and the await
            // still wakes us.
            notified.as_mut().enable();
            let gate = {
                let mut s = self.state.lock().expect("pacer lock");
                let gate = s.gate(Instant::now());
                if gate == Gate::Go {
                    s.in_flight += 1;
                }
                gate
            };
            match gate {
                Gate::Go => {
                    if waited {
                        self.waits.fetch_add(1, Ordering::Relaxed);
                    }
                    return Permit { pacer: self };
                }
                Gate::WaitUntil(until) => {
                    if !waited {
                        tracing::debug!(
                            wait_ms = until
                                .map(|u| u.saturating_duration_since(Instant::now()).as_millis())
                                .unwrap_or(0) as u64,
                            "pacing: rate-limit budget spent, waiting for the window to reset"
                        );
                    }
                    waited = true;
                    match until {
                        Some(t) => {
                            tokio::select! {
                                _ = tokio::time::sleep_until(t.into()) => {}
                                _ = &mut notified => {}
                            }
                        }
                        None => notified.await,
                    }
                }
            }
        }
    }

    /// Learns from a response's rate-limit headers.
    pub(crate) fn observe(&self, headers: &HeaderMap) {
        let mut s = self.state.lock().expect("pacer lock");
        match parse_headers(headers) {
            Some((allowed, count, reset_in)) => {
                self.last_allowed.store(allowed, Ordering::Relaxed);
                s.observe(allowed, count, reset_in, Instant::now())
            }
            None if s.mode == Mode::Unknown => s.mode = Mode::Unpaced,
            None => {}
        }
        drop(s);
        self.changed.notify_waiters();
    }

    /// A 429 says the budget is spent whatever we believed: hold everyone until `retry_after`.
    pub(crate) fn rate_limited(&self, retry_after: Duration) {
        let mut s = self.state.lock().expect("pacer lock");
        let allowed = s.window.map(|w| w.allowed).unwrap_or(1);
        s.mode = Mode::Paced;
        s.slack = ROUNDING_SLACK;
        s.window = Some(Window {
            allowed,
            count: allowed,
            reset_at: Instant::now() + retry_after,
        });
    }

    /// The last `inin-ratelimit-allowed` a response carried, if any did.
    pub(crate) fn allowed_seen(&self) -> Option<u32> {
        Some(self.last_allowed.load(Ordering::Relaxed)).filter(|n| *n > 0)
    }

    /// How many requests had to wait for a window reset.
    pub(crate) fn waits(&self) -> u64 {
        self.waits.load(Ordering::Relaxed)
    }
}

/// A response's `inin-ratelimit-allowed`, if it carries one.
pub(crate) fn allowed_of(headers: &HeaderMap) -> Option<u32> {
    let v: f64 = headers
        .get("inin-ratelimit-allowed")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (v.is_finite() && v >= 0.0).then_some(v as u32)
}

fn parse_headers(headers: &HeaderMap) -> Option<(u32, u32, Duration)> {
    let num = |name: &str| -> Option<f64> {
        let v: f64 = headers.get(name)?.to_str().ok()?.trim().parse().ok()?;
        (v.is_finite() && v >= 0.0).then_some(v)
    };
    let allowed = num("inin-ratelimit-allowed")? as u32;
    let count = num("inin-ratelimit-count")? as u32;
    let reset = num("inin-ratelimit-reset")?;
    Some((allowed, count, Duration::from_secs_f64(reset.min(3600.0))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(allowed: &str, count: &str, reset: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "inin-ratelimit-allowed",
            HeaderValue::from_str(allowed).unwrap(),
        );
        h.insert(
            "inin-ratelimit-count",
            HeaderValue::from_str(count).unwrap(),
        );
        h.insert(
            "inin-ratelimit-reset",
            HeaderValue::from_str(reset).unwrap(),
        );
        h
    }

    #[test]
    fn header_parsing() {
        assert_eq!(
            parse_headers(&headers("300", "12", "42")),
            Some((300, 12, Duration::from_secs(42)))
        );
        assert_eq!(parse_headers(&headers("300", "x", "42")), None);
        assert_eq!(parse_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn gate_rules() {
        let now = Instant::now();
        let mut s = State::default();
        // Nothing known yet: a few probes at once.
        assert_eq!(s.gate(now), Gate::Go);
        s.in_flight = START_PROBES - 1;
        assert_eq!(s.gate(now), Gate::Go);
        s.in_flight = START_PROBES;
        assert_eq!(s.gate(now), Gate::WaitUntil(None));
        s.in_flight = 0;

        s.observe(5, 2, Duration::from_secs(2), now);
        assert_eq!(s.gate(now), Gate::Go); // 3 left > 0 in flight + 1
        s.in_flight = 2;
        assert_eq!(
            s.gate(now),
            Gate::WaitUntil(Some(now + Duration::from_secs(2)))
        );
        s.in_flight = 1;
        assert_eq!(s.gate(now), Gate::Go);

        // An out-of-order response in the same window does not lower the count, and its reset
        // reading, an upper bound like every other, tightens the estimate.
        s.observe(5, 1, Duration::from_millis(1500), now);
        s.in_flight = 2;
        assert_eq!(
            s.gate(now),
            Gate::WaitUntil(Some(now + Duration::from_millis(1500)))
        );

        // After the reset: one probe at a time until the new count is known.
        let later = now + Duration::from_secs(3);
        s.in_flight = 0;
        assert_eq!(s.gate(later), Gate::Go);
        s.in_flight = 1;
        assert_eq!(s.gate(later), Gate::WaitUntil(None));

        // A new window replaces the old one.
        s.observe(5, 1, Duration::from_secs(2), later);
        assert_eq!(s.gate(later), Gate::Go);
        s.in_flight = 3;
        assert_eq!(
            s.gate(later),
            Gate::WaitUntil(Some(later + Duration::from_secs(2)))
        );
    }

    /// A fresh state fed these readings of a 200-request limit, each `(count, reset in, received
    /// this long after t0)`, and that t0: the window tests differ only in their readings.
    fn after_readings(readings: &[(u32, Duration, Duration)]) -> (State, Instant) {
        let t0 = Instant::now();
        let mut s = State::default();
        for &(count, reset_in, received_after) in readings {
            s.observe(200, count, reset_in, t0 + received_after);
        }
        (s, t0)
    }

    #[test]
    fn the_earliest_reset_reading_of_a_window_is_the_estimate() {
        // A 10 s window that began just before t0, read as whole seconds rounded up.
        let (s, t0) = after_readings(&[
            (1, Duration::from_secs(10), Duration::ZERO),
            (2, Duration::from_secs(10), Duration::from_millis(300)),
            (3, Duration::from_secs(9), Duration::from_millis(1200)),
        ]);
        assert_eq!(s.window.unwrap().reset_at, t0 + Duration::from_secs(10));
        assert_eq!(s.window.unwrap().count, 3);
    }

    #[test]
    fn a_late_answer_from_a_window_that_reset_is_ignored() {
        // The second was sent just before the previous window's reset and answered after it:
        // count near the limit, reset a second away, while the new window has nine seconds to go.
        let (s, t0) = after_readings(&[
            (1, Duration::from_secs(10), Duration::ZERO),
            (199, Duration::from_secs(1), Duration::from_millis(100)),
        ]);
        let w = s.window.unwrap();
        assert_eq!((w.count, w.reset_at), (1, t0 + Duration::from_secs(10)));
    }

    #[test]
    fn after_a_429_every_estimate_allows_for_rounding_down() {
        let p = Pacer::default();
        p.rate_limited(Duration::from_millis(1));
        let t0 = Instant::now();
        let mut s = p.state.lock().unwrap();
        s.observe(200, 1, Duration::from_secs(10), t0);
        assert_eq!(
            s.window.unwrap().reset_at,
            t0 + Duration::from_secs(10) + ROUNDING_SLACK
        );
    }

    #[tokio::test]
    async fn waits_for_reset_then_goes() {
        let p = Pacer::default();
        p.observe(&headers("3", "2", "0.3"));
        let start = Instant::now();
        let permit = p.acquire().await;
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(250), "{waited:?}");
        assert_eq!(p.waits(), 1);
        drop(permit);
        // Unknown window after the reset: a second permit waits for the first to finish.
        let first = p.acquire().await;
        let p2 = &p;
        let second = async move { p2.acquire().await };
        tokio::pin!(second);
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut second)
                .await
                .is_err(),
            "second request must wait for the probe"
        );
        p.observe(&headers("3", "0", "10"));
        drop(first);
        let _second = tokio::time::timeout(Duration::from_millis(500), second)
            .await
            .expect("released once the window is known");
    }

    #[test]
    fn no_headers_means_no_pacing() {
        let p = Pacer::default();
        p.observe(&HeaderMap::new());
        let mut s = p.state.lock().unwrap();
        s.in_flight = 50;
        assert_eq!(s.gate(Instant::now()), Gate::Go);
    }

    #[tokio::test]
    async fn rate_limited_holds_everyone() {
        let p = Pacer::default();
        p.observe(&headers("300", "10", "60"));
        p.rate_limited(Duration::from_millis(200));
        let start = Instant::now();
        let _permit = p.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(150));
    }
}
