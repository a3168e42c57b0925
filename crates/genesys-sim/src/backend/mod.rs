//! The emulator's state machine, kept apart from HTTP the way a moto backend is: the
//! submodules hold one concern each (clients and tokens, rate-limit windows, lifecycle,
//! validation, topic catalogue, permissions, integration types, one integration, an
//! org's integrations), and [`Backend`] every org's integrations. Routes call into it
//! with typed arguments and render what it returns; persistence serializes it whole.

pub mod auth;
pub mod catalogue;
pub mod integration_types;
pub mod integrations;
pub mod lifecycle;
pub mod listing;
pub mod model;
pub mod permissions;
pub mod quirks;
pub mod ratelimit;
pub mod validation;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::errors::ApiError;
use integrations::OrgIntegrations;

/// The instant the backend's unit tests start their clocks at.
#[cfg(test)]
pub(crate) const T0: time::OffsetDateTime = time::macros::datetime!(2024-01-01 00:00:00 UTC);

/// Every org's integrations, keyed by org id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Backend {
    pub orgs: BTreeMap<String, OrgIntegrations>,
}

impl Backend {
    /// An empty backend holding the given orgs.
    pub fn new<'a>(org_ids: impl IntoIterator<Item = &'a str>) -> Self {
        Backend {
            orgs: org_ids
                .into_iter()
                .map(|id| (id.to_string(), OrgIntegrations::default()))
                .collect(),
        }
    }

    /// Takes over the integrations a state file held for orgs that still exist; orgs the
    /// config no longer names are dropped.
    pub fn restore(&mut self, saved: Backend) {
        for (id, org) in saved.orgs {
            if let Some(slot) = self.orgs.get_mut(&id) {
                *slot = org;
            }
        }
    }

    /// Forgets every integration, keeping the orgs.
    pub fn clear(&mut self) {
        for org in self.orgs.values_mut() {
            org.integrations.clear();
            org.deleted.clear();
        }
    }

    pub fn org(&self, org_id: &str) -> Result<&OrgIntegrations, ApiError> {
        self.orgs
            .get(org_id)
            .ok_or_else(|| ApiError::not_found("organization", org_id))
    }

    pub fn org_mut(&mut self, org_id: &str) -> Result<&mut OrgIntegrations, ApiError> {
        self.orgs
            .get_mut(org_id)
            .ok_or_else(|| ApiError::not_found("organization", org_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use integrations::CreateRequest;

    #[test]
    fn orgs_are_isolated_and_restore_drops_unknown_orgs() {
        let mut b = Backend::new(["a", "b"]);
        let now = crate::clock::now();
        let req = CreateRequest {
            name: Some("x".into()),
            type_id: Some("webhooks".into()),
        };
        let i = b.org_mut("a").unwrap().create(req, now).unwrap();
        assert!(b.org("b").unwrap().get(&i.id).is_err());
        let mut saved = b.clone();
        saved.orgs.insert("gone".into(), OrgIntegrations::default());
        let mut fresh = Backend::new(["a", "b"]);
        fresh.restore(saved);
        assert_eq!(fresh, b);
        fresh.clear();
        assert!(fresh.org("a").unwrap().integrations.is_empty());
    }
}
