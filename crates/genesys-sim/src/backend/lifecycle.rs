//! The integration lifecycle: how `intendedState` changes and config updates move
//! `reportedState` through ACTIVATING -> ACTIVE (or ERROR) and DEACTIVATING -> INACTIVE.
//!
//! Timed transitions are computed lazily from the stored timestamp when the state is read,
//! so no background task is needed and a restored state file keeps its meaning.
//! [`LifecycleHook`] is the point where activation can do real work (for instance create
//! the partner event source in AWS); its failure turns the state to ERROR. A hook that
//! [gates activation](LifecycleHook::gates_activation) keeps the integration ACTIVATING
//! until it has succeeded, so ACTIVE means the work is done.

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
    /// ACTIVATING waits for the hook of this generation to succeed (see
    /// [`LifecycleHook::gates_activation`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub awaiting_hook: bool,
    /// When the awaited hook succeeded; ACTIVE starts at the later of this and the delay.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub hook_done: Option<OffsetDateTime>,
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

    /// True when ACTIVE must wait for [`LifecycleHook::activate`] to succeed (and not only
    /// for the activation delay). The default hook does no work, so it does not gate.
    fn gates_activation(&self) -> bool {
        false
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
            awaiting_hook: false,
            hook_done: None,
        }
    }

    /// Resolves the timed transitions that `delay` has completed by `now`.
    pub fn observe(&self, now: OffsetDateTime, delay: Duration) -> Observed {
        let mut done = self.since + delay;
        if let Some(t) = self.hook_done {
            done = done.max(t);
        }
        let (phase, last_updated) = match self.phase {
            Phase::Activating if self.awaiting_hook => (Phase::Activating, self.since),
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
        self.awaiting_hook = false;
        self.hook_done = None;
    }

    /// Makes the current activation wait for its hook. Returns false when there is no
    /// activation of `generation` to wait for.
    pub fn await_hook(&mut self, generation: u64) -> bool {
        if generation != self.generation || self.phase != Phase::Activating {
            return false;
        }
        self.awaiting_hook = true;
        true
    }

    /// Records that the awaited hook of `generation` succeeded at `now`; an outdated
    /// verdict is dropped.
    pub fn hook_succeeded(&mut self, generation: u64, now: OffsetDateTime) -> bool {
        if generation != self.generation || self.phase != Phase::Activating || !self.awaiting_hook {
            return false;
        }
        self.awaiting_hook = false;
        self.hook_done = Some(now);
        true
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
    use crate::backend::T0;

    const D: Duration = Duration::from_millis(500);

    /// A lifecycle created and activated at T0 (a complete config), and that activation's
    /// generation: where the hook-verdict tests start.
    fn activated() -> (Lifecycle, u64) {
        let mut l = Lifecycle::new(T0);
        l.activate(Ok(()), T0);
        let g = l.generation;
        (l, g)
    }

    #[test]
    fn activating_becomes_active_after_delay() {
        let mut l = Lifecycle::new(T0);
        assert!(l.activate(Ok(()), T0));
        assert_eq!(l.observe(T0, D).phase, Phase::Activating);
        let o = l.observe(T0 + Duration::from_millis(600), D);
        assert_eq!(o.phase, Phase::Active);
        assert_eq!(o.last_updated, T0 + D);
    }

    #[test]
    fn incomplete_config_errors() {
        let mut l = Lifecycle::new(T0);
        assert!(!l.activate(Err("incomplete".into()), T0));
        let o = l.observe(T0 + D * 3, D);
        assert_eq!(o.phase, Phase::Error);
        assert_eq!(o.error.unwrap().message, "incomplete");
    }

    #[test]
    fn deactivation_and_stale_hook_results() {
        let (mut l, g) = activated();
        let t1 = T0 + D * 2;
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

    #[test]
    fn gated_activation_waits_for_the_hook() {
        let (mut l, g) = activated();
        assert!(l.await_hook(g));
        assert_eq!(l.observe(T0 + D * 10, D).phase, Phase::Activating);
        assert!(!l.hook_succeeded(g + 1, T0));
        let t1 = T0 + D * 3;
        assert!(l.hook_succeeded(g, t1));
        let o = l.observe(t1, D);
        assert_eq!((o.phase, o.last_updated), (Phase::Active, t1));
        // A fast hook still waits for the delay.
        l.activate(Ok(()), t1);
        l.await_hook(l.generation);
        l.hook_succeeded(l.generation, t1);
        assert_eq!(l.observe(t1, D).phase, Phase::Activating);
        assert_eq!(l.observe(t1 + D, D).phase, Phase::Active);
        // Old state files have neither field.
        let old =
            r#"{"phase":"ACTIVATING","since":"2024-01-01T00:00:00Z","error":null,"generation":3}"#;
        let l: Lifecycle = serde_json::from_str(old).unwrap();
        assert!(!l.awaiting_hook && l.hook_done.is_none());
        assert_eq!(l.observe(T0 + D, D).phase, Phase::Active);
    }
}
