//! What carrying out an org's plan did, one entry per destination and half, so a report can say
//! which half failed without guessing from a name.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::aws::AwsError;
use crate::genesys::Outcome;

/// The two halves of a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Half {
    Genesys,
    Aws,
}

/// What happened to one half of one destination.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "half", rename_all = "lowercase")]
pub enum DestinationOutcome {
    Genesys(Outcome),
    Aws(AwsOutcome),
}

impl DestinationOutcome {
    pub fn half(&self) -> Half {
        match self {
            DestinationOutcome::Genesys(_) => Half::Genesys,
            DestinationOutcome::Aws(_) => Half::Aws,
        }
    }

    /// The destination's name, whichever half.
    pub fn destination(&self) -> &str {
        match self {
            DestinationOutcome::Genesys(o) => &o.name,
            DestinationOutcome::Aws(o) => &o.destination,
        }
    }

    /// Done as planned; a skipped half is not.
    pub fn ok(&self) -> bool {
        match self {
            DestinationOutcome::Genesys(o) => o.ok(),
            DestinationOutcome::Aws(o) => o.ok(),
        }
    }

    /// Whether the run changed anything for this half: a write that was done, not one that was
    /// planned (a create that failed changed nothing).
    pub fn changed(&self) -> bool {
        match self {
            DestinationOutcome::Genesys(o) => {
                !o.steps_done.is_empty() || !o.twins_removed.is_empty()
            }
            DestinationOutcome::Aws(o) => !o.actions_done.is_empty(),
        }
    }

    /// Why it is not ok, as a person reads it.
    pub fn problem(&self) -> Option<String> {
        match self {
            DestinationOutcome::Genesys(o) => o.error.clone(),
            DestinationOutcome::Aws(o) => o.problem(),
        }
    }
}

/// The AWS half of one destination: the actions done, then the error that stopped it, or the
/// reason it was not attempted.
#[derive(Debug, Clone, Serialize)]
pub struct AwsOutcome {
    pub destination: String,
    pub actions_done: Vec<String>,
    #[serde(serialize_with = "display_opt")]
    pub error: Option<AwsError>,
    pub skipped: Option<SkipReason>,
}

impl AwsOutcome {
    pub fn ok(&self) -> bool {
        self.error.is_none() && self.skipped.is_none()
    }

    pub fn problem(&self) -> Option<String> {
        match (&self.skipped, &self.error) {
            (Some(reason), _) => Some(format!("skipped: {reason}")),
            (None, Some(e)) => Some(format!("AWS: {e}")),
            (None, None) => None,
        }
    }
}

/// Why a half was not attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Its bus and rules would name a partner event source Genesys is not going to create.
    GenesysHalfFailed,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::GenesysHalfFailed => {
                f.write_str("the Genesys side of this destination failed")
            }
        }
    }
}

fn display_opt<T: fmt::Display, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}
