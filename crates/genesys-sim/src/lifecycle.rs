//! The integration lifecycle: how `intendedState` changes and config updates move
//! `reportedState` through ACTIVATING -> ACTIVE (or ERROR) and DEACTIVATING -> INACTIVE.
//!
//! Timed transitions are computed lazily from the stored timestamp when the state is read,
//! so no background task is needed and a restored state file keeps its meaning.
//! [`LifecycleHook`] is the point where activation can do real work (for instance create
//! the partner event source in AWS); its failure turns the state to ERROR.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// `reportedState.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    Active,
    Activating,
    Inactive,
    Deactivating,
    Error,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Phase::Active => "ACTIVE",
            Phase::Activating => "ACTIVATING",
            Phase::Inactive => "INACTIVE",
            Phase::Deactivating => "DEACTIVATING",
            Phase::Error => "ERROR",
        }
    }

    /// `reportedState.effective`, the display form.
    pub fn effective(self) -> &'static str {
        match self {
            Phase::Active => "Active",
            Phase::Activating => "Activating",
            Phase::Inactive => "Inactive",
            Phase::Deactivating => "Deactivating",
            Phase::Error => "Error",
        }
    }
}

/// What the integration last recorded. `generation` changes on every transition so a late
/// hook result for an older activation is ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lifecycle {
    pub phase: Phase,
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
    pub error: Option<ErrorDetail>,
    pub generation: u64,
}

/// `reportedState.detail`, present only in ERROR.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

/// The state as a reader sees it at some instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub phase: Phase,
    pub last_updated: OffsetDateTime,
    pub error: Option<ErrorDetail>,
}

/// Sent to the hook when an integration starts activating or deactivating.
#[derive(Debug, Clone, PartialEq)]
pub struct HookRequest {
    pub org_id: String,
    pub integration_id: String,
    pub integration_type: String,
    pub generation: u64,
    pub properties: Map<String, Value>,
}

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Does the real work behind activation. The default does nothing and succeeds; an
/// implementation that creates the partner event source in AWS returns the AWS error
/// message on failure, which the integration then reports as its ERROR detail.
pub trait LifecycleHook: Send + Sync + 'static {
    fn activate(&self, request: HookRequest) -> BoxFuture<Result<(), String>>;

    fn deactivate(&self, request: HookRequest) -> BoxFuture<()> {
        let _ = request;
        Box::pin(async {})
    }
}

/// The hook used unless another is given: activation always succeeds.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoopHook;

impl LifecycleHook for NoopHook {
    fn activate(&self, _request: HookRequest) -> BoxFuture<Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
}

pub const INCOMPLETE_CODE: &str = "INTEGRATION_CONFIGURATION_INCOMPLETE";
pub const ACTIVATION_FAILED_CODE: &str = "INTEGRATION_ACTIVATION_FAILED";

impl Lifecycle {
    pub fn new(now: OffsetDateTime) -> Self {
        Lifecycle {
            phase: Phase::Inactive,
            since: now,
            error: None,
            generation: 0,
        }
    }

    /// Resolves the timed transitions that `delay` has completed by `now`.
    pub fn observe(&self, now: OffsetDateTime, delay: Duration) -> Observed {
        let done = self.since + delay;
        let (phase, last_updated) = match self.phase {
            Phase::Activating if now >= done => (Phase::Active, done),
            Phase::Deactivating if now >= done => (Phase::Inactive, done),
            p => (p, self.since),
        };
        Observed {
            phase,
            last_updated,
            error: self.error.clone(),
        }
    }

    fn go(&mut self, phase: Phase, error: Option<ErrorDetail>, now: OffsetDateTime) {
        self.phase = phase;
        self.since = now;
        self.error = error;
        self.generation += 1;
    }

    /// Starts activation, or records ERROR when the config cannot be activated. Returns
    /// true when activation started (the hook should run).
    pub fn activate(&mut self, complete: Result<(), String>, now: OffsetDateTime) -> bool {
        match complete {
            Ok(()) => {
                self.go(Phase::Activating, None, now);
                true
            }
            Err(message) => {
                let detail = ErrorDetail {
                    code: INCOMPLETE_CODE.into(),
                    message,
                };
                self.go(Phase::Error, Some(detail), now);
                false
            }
        }
    }

    /// Starts deactivation. Returns true when something was active enough to undo.
    pub fn deactivate(&mut self, now: OffsetDateTime, delay: Duration) -> bool {
        match self.observe(now, delay).phase {
            Phase::Inactive => false,
            Phase::Error => {
                self.go(Phase::Inactive, None, now);
                false
            }
            _ => {
                self.go(Phase::Deactivating, None, now);
                true
            }
        }
    }

    /// Records the hook's verdict on the activation numbered `generation`; an outdated
    /// verdict is dropped.
    pub fn hook_failed(&mut self, generation: u64, message: String, now: OffsetDateTime) -> bool {
        if generation != self.generation || self.phase != Phase::Activating {
            return false;
        }
        let detail = ErrorDetail {
            code: ACTIVATION_FAILED_CODE.into(),
            message,
        };
        self.go(Phase::Error, Some(detail), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const D: Duration = Duration::from_millis(500);

    #[test]
    fn activating_becomes_active_after_delay() {
        let t0 = datetime!(2024-01-01 00:00:00 UTC);
        let mut l = Lifecycle::new(t0);
        assert!(l.activate(Ok(()), t0));
        assert_eq!(l.observe(t0, D).phase, Phase::Activating);
        let o = l.observe(t0 + Duration::from_millis(600), D);
        assert_eq!(o.phase, Phase::Active);
        assert_eq!(o.last_updated, t0 + D);
    }

    #[test]
    fn incomplete_config_errors() {
        let t0 = datetime!(2024-01-01 00:00:00 UTC);
        let mut l = Lifecycle::new(t0);
        assert!(!l.activate(Err("incomplete".into()), t0));
        let o = l.observe(t0 + D * 3, D);
        assert_eq!(o.phase, Phase::Error);
        assert_eq!(o.error.unwrap().message, "incomplete");
    }

    #[test]
    fn deactivation_and_stale_hook_results() {
        let t0 = datetime!(2024-01-01 00:00:00 UTC);
        let mut l = Lifecycle::new(t0);
        l.activate(Ok(()), t0);
        let g = l.generation;
        let t1 = t0 + D * 2;
        assert!(l.deactivate(t1, D));
        assert_eq!(l.observe(t1, D).phase, Phase::Deactivating);
        assert_eq!(l.observe(t1 + D, D).phase, Phase::Inactive);
        assert!(!l.hook_failed(g, "late".into(), t1));
        l.activate(Ok(()), t1);
        assert!(l.hook_failed(l.generation, "AccessDenied".into(), t1));
        assert_eq!(l.observe(t1 + D * 9, D).phase, Phase::Error);
        assert!(!l.deactivate(t1, D));
        assert_eq!(l.phase, Phase::Inactive);
    }
}
