//! One integration as the backend stores it (its fields, intended state and lifecycle,
//! `config.current`) and what it can say about itself: whether it is an EventBridge one,
//! whether its config is complete, and the hook request of its activation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::backend::integration_types::EVENTBRIDGE_TYPE_ID;
use crate::backend::lifecycle::{HookRequest, Lifecycle};
use crate::backend::validation;

/// `intendedState`: what the admin asked for. `Deleted` only ever shows on a deleted
/// integration that lingers (deleted-linger quirk); a PATCH cannot ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Intended {
    Enabled,
    Disabled,
    Deleted,
}

impl Intended {
    pub fn as_str(self) -> &'static str {
        match self {
            Intended::Enabled => "ENABLED",
            Intended::Disabled => "DISABLED",
            Intended::Deleted => "DELETED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ENABLED" => Some(Intended::Enabled),
            "DISABLED" => Some(Intended::Disabled),
            _ => None,
        }
    }
}

/// One integration as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    pub id: String,
    pub name: String,
    pub type_id: String,
    pub notes: String,
    pub intended: Intended,
    pub lifecycle: Lifecycle,
    #[serde(default)]
    pub attributes: Map<String, Value>,
    #[serde(with = "time::serde::rfc3339")]
    pub date_created: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub date_modified: OffsetDateTime,
    /// When it was deleted, for a deleted integration that lingers; None otherwise.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub deleted_at: Option<OffsetDateTime>,
    pub config: IntegrationConfig,
}

/// `config.current`. `credentials` holds references to credential objects, never secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntegrationConfig {
    pub name: String,
    pub notes: String,
    pub version: u64,
    pub properties: Map<String, Value>,
    pub advanced: Map<String, Value>,
    pub credentials: Map<String, Value>,
}

/// Work a change leaves for the lifecycle hook, done outside the state lock.
#[derive(Debug, Clone, PartialEq)]
pub enum HookCall {
    Activate(HookRequest),
    Deactivate(HookRequest),
}

impl Integration {
    pub fn is_eventbridge(&self) -> bool {
        self.type_id == EVENTBRIDGE_TYPE_ID
    }

    /// Whether the current config is enough to activate.
    pub(crate) fn completeness(&self) -> Result<(), String> {
        if self.is_eventbridge() {
            validation::completeness(&self.config.properties)
        } else {
            Ok(())
        }
    }

    pub(crate) fn hook_request(&self, org_id: &str) -> HookRequest {
        HookRequest {
            org_id: org_id.to_string(),
            integration_id: self.id.clone(),
            integration_type: self.type_id.clone(),
            generation: self.lifecycle.generation,
            properties: self.config.properties.clone(),
        }
    }

    /// (Re)starts activation and says whether the hook should run.
    pub(crate) fn start_activation(
        &mut self,
        org_id: &str,
        now: OffsetDateTime,
    ) -> Option<HookCall> {
        let complete = self.completeness();
        self.lifecycle
            .activate(complete, now)
            .then(|| HookCall::Activate(self.hook_request(org_id)))
    }
}
