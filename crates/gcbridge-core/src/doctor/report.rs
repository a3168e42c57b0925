//! The results of a diagnosis: one [`Check`] per link, collected in a [`Report`] per integration.
//! The serialized form is what `gcbridge doctor -o json` prints, so its field names are pinned.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::check_id::{At, CheckId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// Not checked because an earlier link is broken.
    Skip,
}

impl Status {
    /// Pass and warn do not break the chain; fail and skip do.
    pub fn ok(self) -> bool {
        matches!(self, Status::Pass | Status::Warn)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub id: CheckId,
    /// The rule or target of a per-rule or per-target check.
    pub subject: Option<String>,
    pub status: Status,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    /// The printed name of the check (`rule to-queue`, `target arn:...`, `event bus associated`).
    pub fn label(&self) -> String {
        At {
            id: self.id,
            subject: self.subject.clone(),
        }
        .label()
    }
}

/// As before the ids existed: `{check: label, status, detail, fix}`, so scripts keep working.
impl Serialize for Check {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Check", 4)?;
        st.serialize_field("check", &self.label())?;
        st.serialize_field("status", &self.status)?;
        st.serialize_field("detail", &self.detail)?;
        st.serialize_field("fix", &self.fix)?;
        st.end()
    }
}

/// Collects checks; the chain stops at the first broken link that makes later checks meaningless.
#[derive(Debug, Default)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn pass(&mut self, at: impl Into<At>, detail: impl Into<String>) {
        self.push(at.into(), Status::Pass, detail.into(), None);
    }

    pub fn fail(&mut self, at: impl Into<At>, detail: impl Into<String>, fix: impl Into<String>) {
        self.push(at.into(), Status::Fail, detail.into(), Some(fix.into()));
    }

    pub fn warn(&mut self, at: impl Into<At>, detail: impl Into<String>, fix: Option<String>) {
        self.push(at.into(), Status::Warn, detail.into(), fix);
    }

    pub fn skip(&mut self, at: impl Into<At>, why: &str) {
        self.push(at.into(), Status::Skip, why.into(), None);
    }

    fn push(&mut self, at: At, status: Status, detail: String, fix: Option<String>) {
        self.checks.push(Check {
            id: at.id,
            subject: at.subject,
            status,
            detail,
            fix,
        });
    }

    /// The first check with this id, if it ran (or was skipped).
    pub fn get(&self, id: CheckId) -> Option<&Check> {
        first(&self.checks, id)
    }

    /// Whether the check with this id ran and passed.
    pub fn passed(&self, id: CheckId) -> bool {
        self.get(id).is_some_and(|c| c.status == Status::Pass)
    }

    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status.ok())
    }
}

/// The checks of one integration; `integration` is None for the org-wide checks (credentials,
/// permissions, which integrations exist) that come first.
#[derive(Debug, Clone, Serialize)]
pub struct IntegrationReport {
    /// `NAME (ID)`.
    pub integration: Option<String>,
    pub checks: Vec<Check>,
}

impl IntegrationReport {
    pub(super) fn org_wide(report: Report) -> IntegrationReport {
        IntegrationReport {
            integration: None,
            checks: report.checks,
        }
    }

    /// The first check with this id, if it ran (or was skipped).
    pub fn get(&self, id: CheckId) -> Option<&Check> {
        first(&self.checks, id)
    }
}

fn first(checks: &[Check], id: CheckId) -> Option<&Check> {
    checks.iter().find(|c| c.id == id)
}

/// Whether every check of every report passed or only warned: the exit code of `doctor`.
pub fn all_ok(reports: &[IntegrationReport]) -> bool {
    reports
        .iter()
        .flat_map(|r| &r.checks)
        .all(|c| c.status.ok())
}

/// How many checks failed (skips are not counted: they follow from a failure).
pub fn failed_count(reports: &[IntegrationReport]) -> usize {
    reports
        .iter()
        .flat_map(|r| &r.checks)
        .filter(|c| c.status == Status::Fail)
        .count()
}
