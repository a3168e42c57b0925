//! What the AWS fault proxy injects and where: a [`FaultRule`] names a fault, the AWS action it
//! applies to (or every action), and which of its matching requests (the Nth to the Mth, every
//! one, or a seeded fraction). Each rule counts its own matching requests, so "the first 3
//! PutRule" means the first 3 after the rule was installed.

use std::time::Duration;

/// One fault, answered in the protocol of the request it replaces (see `protocol.rs`).
#[derive(Debug, Clone, PartialEq)]
pub enum AwsFault {
    /// The service's throttling error: `ThrottlingException` (HTTP 400) in the JSON protocols,
    /// `Throttling` (HTTP 400) in the query protocols' XML, Lambda's `TooManyRequestsException`
    /// (HTTP 429) in rest-JSON.
    Throttle,
    /// HTTP 500 `InternalFailure`, the error every AWS service may answer.
    InternalFailure,
    /// The connection is closed after the request was read, without an answer.
    Drop,
    /// The request is forwarded and its answer sent after this delay.
    Delay(Duration),
    /// A given error instead of the answer: `code` and `message` at HTTP `status`, in the
    /// request's protocol (what a real service says where moto cannot, e.g. PutTargets refusing
    /// a role IAM has not propagated yet).
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// This JSON body at HTTP `status` instead of the answer, in the request's JSON protocol
    /// version (a 200 whose `FailedEntries` refuse a target, where a service may answer that
    /// instead of an error).
    Answer { status: u16, body: String },
}

impl AwsFault {
    /// A short label for counters and reports.
    pub fn label(&self) -> String {
        match self {
            AwsFault::Throttle => "throttle".into(),
            AwsFault::InternalFailure => "500 InternalFailure".into(),
            AwsFault::Drop => "dropped connection".into(),
            AwsFault::Delay(d) => format!("delay {} ms", d.as_millis()),
            AwsFault::Error { status, code, .. } => format!("{status} {code}"),
            AwsFault::Answer { status, .. } => format!("{status} answer"),
        }
    }
}

/// Which of a rule's matching requests get the fault (numbered from 1).
#[derive(Debug, Clone, PartialEq)]
pub enum Which {
    Every,
    /// The `first`th to the `last`th matching request, both included.
    Range {
        first: u64,
        last: u64,
    },
    /// Each matching request with this probability, drawn from the proxy's seeded generator.
    Fraction(f64),
}

/// A fault, the action it applies to, and which of its requests.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub fault: AwsFault,
    /// `PutRule` (any service) or `events:PutRule`; `None` matches every request.
    pub action: Option<String>,
    pub which: Which,
}

impl FaultRule {
    /// `fault` on every request of every action.
    pub fn new(fault: AwsFault) -> Self {
        FaultRule {
            fault,
            action: None,
            which: Which::Every,
        }
    }

    /// Only requests of `action`: `PutRule`, or `events:PutRule` to name the service too.
    pub fn action(mut self, action: &str) -> Self {
        self.action = Some(action.to_string());
        self
    }

    /// Only the `first`th to the `last`th matching request (from 1, both included).
    pub fn requests(mut self, first: u64, last: u64) -> Self {
        self.which = Which::Range { first, last };
        self
    }

    /// Only the first `n` matching requests: a transient fault.
    pub fn first(self, n: u64) -> Self {
        self.requests(1, n)
    }

    /// Each matching request with probability `rate` (seeded: see `AwsFaultProxy::start`).
    pub fn fraction(mut self, rate: f64) -> Self {
        self.which = Which::Fraction(rate);
        self
    }

    /// Whether the rule applies to a request of `key` (`service:Action`).
    pub(super) fn matches(&self, key: &str) -> bool {
        match &self.action {
            None => true,
            Some(a) if a.contains(':') => a.eq_ignore_ascii_case(key),
            Some(a) => key
                .rsplit_once(':')
                .map_or(key, |(_, action)| action)
                .eq_ignore_ascii_case(a),
        }
    }

    /// Whether the `n`th matching request (from 1) gets the fault; `draw` is a uniform [0, 1).
    pub(super) fn hits(&self, n: u64, draw: impl FnOnce() -> f64) -> bool {
        match self.which {
            Which::Every => true,
            Which::Range { first, last } => (first..=last).contains(&n),
            Which::Fraction(rate) => draw() < rate,
        }
    }
}

/// splitmix64: a tiny seeded generator, so a fraction rule injects the same sequence each run.
#[derive(Debug)]
pub(super) struct Draws(u64);

impl Draws {
    pub(super) fn new(seed: u64) -> Self {
        Draws(seed)
    }

    pub(super) fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_with_or_without_the_service() {
        let r = FaultRule::new(AwsFault::Throttle).action("PutRule");
        assert!(r.matches("events:PutRule"));
        assert!(!r.matches("events:PutTargets"));
        let r = FaultRule::new(AwsFault::Throttle).action("sqs:TagQueue");
        assert!(r.matches("sqs:TagQueue"));
        assert!(!r.matches("lambda:TagQueue"));
        assert!(FaultRule::new(AwsFault::Drop).matches("sts:GetCallerIdentity"));
    }

    #[test]
    fn ranges_and_fractions() {
        let r = FaultRule::new(AwsFault::Throttle).requests(2, 3);
        let hit: Vec<u64> = (1..=5).filter(|n| r.hits(*n, || 0.0)).collect();
        assert_eq!(hit, [2, 3]);
        let mut d = Draws::new(7);
        let r = FaultRule::new(AwsFault::Throttle).fraction(0.3);
        let n = (1..=10_000).filter(|n| r.hits(*n, || d.next())).count();
        assert!((2_700..3_300).contains(&n), "{n}");
        let (mut a, mut b) = (Draws::new(1), Draws::new(1));
        assert!((0..10).all(|_| a.next() == b.next()), "seeded");
    }
}
