//! Converging one org: both halves of every destination planned together (`plan`) and carried
//! out in the order the halves depend on each other (`carry_out`). The rules that span the halves
//! live here and nowhere else: destroy removes the AWS half while the integration still names its
//! bus; the AWS half waits for a Genesys half that succeeded; `wait` covers unchanged destinations;
//! a run that writes holds the org's lock from before its plan until after its carry-out.
//!
//! Not here: which orgs, their connections, confirmation and rendering (the binary).

mod carry_out;
mod outcome;
mod plan;

use std::time::Duration;

use crate::aws::{AwsClients, AwsError, AwsPlan};
use crate::desired::{Destination, DestinationSpec};
use crate::expect::PatternTests;
use crate::genesys::{ApplyEvent, Plan, DEFAULT_CONCURRENCY};

pub use carry_out::carry_out;
pub use outcome::{AwsOutcome, DestinationOutcome, Half, SkipReason};
pub use plan::{plan_org, plan_org_locked, plan_org_with, EarlyLive, LockEvent, LockRequest};

/// How long the AWS half waits for Genesys to create the partner event source before
/// associating it, when the caller sets no wait of its own.
pub const DEFAULT_AWS_WAIT: Duration = Duration::from_secs(120);

/// What an org should end up as. The mode travels with its input, so a destroy can never be
/// handed resolved destinations nor a converge bare specs.
#[derive(Debug, Clone, Copy)]
pub enum Desired<'a> {
    /// Create or update these destinations (and, with `prune`, delete the unlisted ones).
    Converge(&'a [Destination]),
    /// Remove exactly what these specs describe, on both halves.
    Destroy(&'a [DestinationSpec]),
}

/// Whether an [`OrgPlan`] builds destinations up or tears them down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Converge,
    Destroy,
}

#[derive(Debug, Clone)]
pub struct ConvergeOptions {
    /// Converge only: delete EventBridge integrations the desired state does not list.
    pub prune: bool,
    /// Wait for every enabled destination to report ACTIVE, at most this long.
    pub wait: Option<Duration>,
    /// Destinations of the org in flight at once (Genesys half).
    pub concurrency: usize,
    /// Where the AWS SDK clients go instead of AWS (moto in tests).
    pub aws_endpoint: Option<String>,
}

impl Default for ConvergeOptions {
    fn default() -> Self {
        ConvergeOptions {
            prune: false,
            wait: None,
            concurrency: DEFAULT_CONCURRENCY,
            aws_endpoint: None,
        }
    }
}

/// Both halves of one org's plan.
#[derive(Debug)]
pub struct OrgPlan {
    pub mode: Mode,
    pub genesys: Plan,
    /// The AWS half of every destination that has a `[destination.aws]`, in the desired order.
    pub aws: Vec<AwsPart>,
    /// The org's lock on this machine ([`plan_org_locked`]), released when the plan is dropped.
    pub lock: Option<crate::lock::OrgLock>,
}

impl OrgPlan {
    pub fn has_changes(&self) -> bool {
        self.genesys.has_changes() || self.aws_action_count() > 0
    }

    /// How many rule expectations of this org's plan do not hold.
    pub fn failed_expectations(&self) -> usize {
        self.aws.iter().map(|a| a.tests.failed().count()).sum()
    }

    pub fn aws_action_count(&self) -> usize {
        self.aws.iter().map(|a| a.plan.actions.len()).sum()
    }

    /// Removes what `tail` or `doctor --probe` left on this org's partner buses (a SIGKILL, a power
    /// loss) and has expired; one line per resource, saying what was removed or could not be.
    pub async fn sweep_expired_temporary(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for part in self.aws.iter().filter(|p| p.plan.bus_exists) {
            lines.extend(crate::aws::sweep::sweep_expired(&part.clients, &part.plan.source).await);
        }
        lines
    }

    /// The Genesys steps a carry-out will take (for progress bars).
    pub fn genesys_step_count(&self) -> usize {
        self.genesys.changes.iter().map(|c| c.steps.len()).sum()
    }
}

/// One destination's AWS plan, with the clients for its account and region.
#[derive(Debug)]
pub struct AwsPart {
    /// The resolved destination (converge), whose rule specs the apply writes; `None` for destroy.
    pub destination: Option<Destination>,
    pub clients: AwsClients,
    pub plan: AwsPlan,
    /// The rules' expectations and coverage (converge only; nothing is tested for a destroy).
    pub tests: PatternTests,
}

/// Progress of a carry-out, for progress bars and logs.
#[derive(Debug, Clone)]
pub enum ConvergeEvent<'a> {
    Genesys(ApplyEvent<'a>),
    AwsStarted {
        destination: &'a str,
        actions: usize,
    },
    AwsActionDone {
        destination: &'a str,
        action: &'a str,
    },
}

/// Why an org could not be planned.
#[derive(Debug, thiserror::Error)]
pub enum ConvergeError {
    #[error(transparent)]
    Genesys(#[from] genesys_client::Error),
    #[error("destination \"{destination}\" (AWS): {source}")]
    Aws {
        destination: String,
        source: AwsError,
    },
}
