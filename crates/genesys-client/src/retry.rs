//! When to try a request again and how long to wait first. Pure decisions (no I/O) so the rules
//! can be tested exactly: which failures are safe to repeat for which methods, jittered
//! exponential backoff, `Retry-After`, and the elapsed-time and attempt budgets.

use std::time::{Duration, SystemTime};

use rand::Rng;

use crate::policy::HttpPolicy;

/// What happened to one attempt, reduced to what matters for retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// 429: the request was not processed, so even a POST may be repeated.
    TooManyRequests { retry_after: Option<Duration> },
    /// 500, 502, 503 or 504: the request may or may not have been processed (so only an
    /// idempotent request is repeated).
    Unavailable {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// The connection could not be established: nothing was sent.
    ConnectBeforeSend,
    /// This machine refused the connection: nothing listens there, and waiting seconds will
    /// rarely change that, so it is tried again once, quickly.
    RefusedLocally,
    /// Timed out, or the connection broke after the request may have been sent.
    AfterSend,
}

/// The verdict for one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    RetryAfter(Duration),
    GiveUp(GiveUpReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GiveUpReason {
    /// Repeating could apply a write twice.
    NotIdempotent,
    /// The server asked for a longer wait than `max_retry_after`.
    RetryAfterTooLong,
    /// `max_attempts` reached.
    Attempts,
    /// Waiting would pass `max_retry_elapsed`.
    Elapsed,
    /// Waiting would pass the call's deadline.
    Deadline,
}

/// Attempts for a connection refused by this machine, the first one included.
const LOCAL_REFUSED_ATTEMPTS: u32 = 2;

/// Decides whether attempt number `attempt` (1-based) that ended in `failure` is retried.
pub(crate) fn decide(
    policy: &HttpPolicy,
    idempotent: bool,
    failure: Failure,
    attempt: u32,
    elapsed: Duration,
) -> Decision {
    let delay = match failure {
        Failure::TooManyRequests { retry_after } => match retry_after {
            Some(d) if d > policy.max_retry_after => {
                return Decision::GiveUp(GiveUpReason::RetryAfterTooLong)
            }
            Some(d) => d,
            None => backoff(policy, attempt),
        },
        Failure::Unavailable { retry_after, .. } => {
            if !idempotent {
                return Decision::GiveUp(GiveUpReason::NotIdempotent);
            }
            match retry_after {
                Some(d) if d > policy.max_retry_after => {
                    return Decision::GiveUp(GiveUpReason::RetryAfterTooLong)
                }
                Some(d) => d,
                None => backoff(policy, attempt),
            }
        }
        Failure::ConnectBeforeSend => backoff(policy, attempt),
        Failure::RefusedLocally if attempt >= LOCAL_REFUSED_ATTEMPTS => {
            return Decision::GiveUp(GiveUpReason::Attempts)
        }
        Failure::RefusedLocally => backoff(policy, 1),
        Failure::AfterSend => {
            if !idempotent {
                return Decision::GiveUp(GiveUpReason::NotIdempotent);
            }
            backoff(policy, attempt)
        }
    };
    if attempt >= policy.max_attempts {
        return Decision::GiveUp(GiveUpReason::Attempts);
    }
    if elapsed + delay > policy.max_retry_elapsed {
        return Decision::GiveUp(GiveUpReason::Elapsed);
    }
    if elapsed + delay >= policy.deadline {
        return Decision::GiveUp(GiveUpReason::Deadline);
    }
    Decision::RetryAfter(delay)
}

/// The delay before retry number `attempt` (1 = first retry): "equal jitter", i.e. a random
/// point in the upper half of `min(max_backoff, initial * 2^(attempt-1))`. The random half
/// keeps many clients that failed together from retrying together; the fixed half keeps the
/// delay from collapsing to zero.
pub(crate) fn backoff(policy: &HttpPolicy, attempt: u32) -> Duration {
    let ceiling = backoff_ceiling(policy, attempt);
    let half = ceiling / 2;
    let jitter_ns = rand::rng().random_range(0..=half.as_nanos().min(u64::MAX as u128) as u64);
    half + Duration::from_nanos(jitter_ns)
}

fn backoff_ceiling(policy: &HttpPolicy, attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(30);
    policy
        .initial_backoff
        .saturating_mul(1u32 << exp)
        .min(policy.max_backoff)
}

/// The `Retry-After` of a response, when it carries one we can read.
pub(crate) fn retry_after_of(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?;
    parse_retry_after(value.to_str().ok()?)
}

/// Parses `Retry-After`: either delay-seconds or an HTTP date (RFC 9110 allows both).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Some(Duration::from_secs_f64(secs));
        }
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> HttpPolicy {
        HttpPolicy::default()
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let p = policy();
        for attempt in 1..=40 {
            let ceiling = backoff_ceiling(&p, attempt);
            assert!(ceiling <= p.max_backoff);
            for _ in 0..50 {
                let d = backoff(&p, attempt);
                assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
            }
        }
        assert_eq!(backoff_ceiling(&p, 1), Duration::from_millis(250));
        assert_eq!(backoff_ceiling(&p, 2), Duration::from_millis(500));
        assert_eq!(backoff_ceiling(&p, 4), Duration::from_secs(2));
        assert_eq!(backoff_ceiling(&p, 6), Duration::from_secs(8));
        assert_eq!(backoff_ceiling(&p, 100), Duration::from_secs(8));
    }

    #[test]
    fn post_is_not_retried_after_send() {
        let p = policy();
        let unavailable = Failure::Unavailable {
            status: 503,
            retry_after: None,
        };
        assert_eq!(
            decide(&p, false, unavailable, 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::NotIdempotent)
        );
        assert_eq!(
            decide(&p, false, Failure::AfterSend, 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::NotIdempotent)
        );
        assert!(matches!(
            decide(&p, true, unavailable, 1, Duration::ZERO),
            Decision::RetryAfter(_)
        ));
        // Nothing reached the server, or the server said it did not process it.
        assert!(matches!(
            decide(&p, false, Failure::ConnectBeforeSend, 1, Duration::ZERO),
            Decision::RetryAfter(_)
        ));
        assert!(matches!(
            decide(
                &p,
                false,
                Failure::TooManyRequests { retry_after: None },
                1,
                Duration::ZERO
            ),
            Decision::RetryAfter(_)
        ));
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_limit() {
        let p = HttpPolicy {
            deadline: Duration::from_secs(600),
            ..policy()
        };
        let f = |s| Failure::TooManyRequests {
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(
            decide(&p, true, f(7), 1, Duration::ZERO),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(
            decide(&p, true, f(180), 1, Duration::ZERO),
            Decision::RetryAfter(Duration::from_secs(180))
        );
        assert_eq!(
            decide(&p, true, f(181), 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::RetryAfterTooLong)
        );
    }

    #[test]
    fn budgets_stop_retries() {
        let p = HttpPolicy {
            deadline: Duration::from_secs(600),
            ..policy()
        };
        let f = Failure::ConnectBeforeSend;
        assert_eq!(
            decide(&p, true, f, p.max_attempts, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::Attempts)
        );
        assert_eq!(
            decide(&p, true, f, 1, p.max_retry_elapsed),
            Decision::GiveUp(GiveUpReason::Elapsed)
        );
        let f = Failure::TooManyRequests {
            retry_after: Some(Duration::from_secs(60)),
        };
        assert_eq!(
            decide(&p, true, f, 1, Duration::from_secs(250)),
            Decision::GiveUp(GiveUpReason::Elapsed)
        );
    }

    #[test]
    fn a_local_refusal_is_tried_twice_and_the_deadline_bounds_every_wait() {
        let p = policy();
        let f = Failure::RefusedLocally;
        assert!(matches!(
            decide(&p, false, f, 1, Duration::ZERO),
            Decision::RetryAfter(d) if d <= p.initial_backoff
        ));
        assert_eq!(
            decide(&p, true, f, 2, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::Attempts)
        );
        let short = HttpPolicy {
            deadline: Duration::from_secs(1),
            ..policy()
        };
        assert_eq!(
            decide(
                &short,
                true,
                Failure::ConnectBeforeSend,
                1,
                Duration::from_millis(900)
            ),
            Decision::GiveUp(GiveUpReason::Deadline)
        );
        let f = Failure::TooManyRequests {
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(
            decide(&short, true, f, 1, Duration::ZERO),
            Decision::GiveUp(GiveUpReason::Deadline)
        );
        assert_eq!(short.attempt_timeout(Duration::from_secs(1)), None);
        assert_eq!(
            short.attempt_timeout(Duration::from_millis(250)),
            Some(Duration::from_millis(750))
        );
        assert_eq!(
            policy().attempt_timeout(Duration::ZERO),
            Some(p.request_timeout)
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5"), Some(Duration::from_millis(1500)));
        let future = SystemTime::now() + Duration::from_secs(30);
        let d = parse_retry_after(&httpdate::fmt_http_date(future)).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
