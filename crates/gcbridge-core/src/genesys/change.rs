//! One change of a Genesys plan and its API steps: the vocabulary `plan` produces, `twins` adds
//! to, and `apply` carries out.

use serde::Serialize;

use crate::desired::Destination;

/// What happens to one destination (or one unlisted live integration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Create,
    Update,
    /// Same integration, but account, region or suffix changes: Genesys moves to a new partner
    /// event source, and the old one stops receiving events.
    Replace,
    Unchanged,
    Delete,
    /// A second integration of a destination (two runs created it at once): deleted, keeping
    /// the one the keeper order (`TwinKey::keeper_order`) puts first.
    #[serde(rename = "remove-twin")]
    RemoveTwin,
}

/// One API step of carrying out a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// POST /api/v2/integrations.
    Create,
    /// PUT /api/v2/integrations/{id}/config/current.
    PutConfig,
    /// PATCH intendedState ENABLED.
    Enable,
    /// PATCH intendedState DISABLED.
    Disable,
    /// DELETE /api/v2/integrations/{id}.
    Delete,
}

/// A field whose value changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The destination's name (the live name for deletions).
    pub name: String,
    pub kind: ChangeKind,
    /// The live integration concerned, when there is one.
    pub integration_id: Option<String>,
    /// For a [`ChangeKind::RemoveTwin`]: the id of the integration kept for the destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twin_of: Option<String>,
    /// The live integration was created by an earlier run that stopped before configuring it.
    pub resumes_unfinished_create: bool,
    pub field_changes: Vec<FieldChange>,
    pub topics_added: Vec<String>,
    pub topics_removed: Vec<String>,
    pub steps: Vec<Step>,
    /// The desired destination (absent for deletions).
    #[serde(skip)]
    pub desired: Option<Destination>,
}

impl Change {
    pub fn is_change(&self) -> bool {
        self.kind != ChangeKind::Unchanged
    }

    pub fn writes(&self) -> usize {
        self.steps.len()
    }
}
