//! The integrations of one org and the operations the API offers on them, with their
//! rules (type ids, names, config versions, EventBridge properties, lifecycle
//! transitions). One integration's own fields are `model.rs`; what reads see (lingering
//! deleted integrations, list filters) is `listing.rs`. No HTTP here.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::backend::integration_types;
use crate::backend::lifecycle::{HookRequest, Lifecycle};
use crate::backend::model::{HookCall, Integration, IntegrationConfig, Intended};
use crate::backend::validation::{self, OtherSource};
use crate::errors::ApiError;

/// The fields of `POST /api/v2/integrations` the API documents (`CreateIntegrationRequest`
/// has only these two), already type-checked by the routes; any other field is ignored.
#[derive(Debug, Clone, Default)]
pub struct CreateRequest {
    pub name: Option<String>,
    pub type_id: Option<String>,
}

/// The fields of `PUT .../config/current`, already type-checked by the routes; the three
/// maps are required (null or absent is a 400), as the SDK model and the Terraform
/// provider always send them.
#[derive(Debug, Clone, Default)]
pub struct ConfigUpdate {
    pub name: Option<String>,
    pub notes: Option<String>,
    pub version: Option<u64>,
    pub properties: Option<Map<String, Value>>,
    pub advanced: Option<Map<String, Value>>,
    pub credentials: Option<Map<String, Value>>,
}

/// All integrations of one org, in creation order (the order listings use), and the
/// deleted ones that still linger (deleted-linger quirk; empty otherwise).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgIntegrations {
    pub integrations: Vec<Integration>,
    #[serde(default)]
    pub deleted: Vec<Integration>,
}

impl OrgIntegrations {
    /// The lifecycle of an integration a hook verdict is about; gone if it was deleted
    /// meanwhile, and the verdict with it.
    fn lifecycle_of(&mut self, id: &str) -> Option<&mut Lifecycle> {
        self.integrations
            .iter_mut()
            .find(|i| i.id == id)
            .map(|i| &mut i.lifecycle)
    }

    fn find(&self, id: &str) -> Result<usize, ApiError> {
        self.integrations
            .iter()
            .position(|i| i.id == id)
            .ok_or_else(|| ApiError::not_found("integration", id))
    }

    pub fn get(&self, id: &str) -> Result<&Integration, ApiError> {
        self.find(id).map(|i| &self.integrations[i])
    }

    pub fn create(
        &mut self,
        req: CreateRequest,
        now: OffsetDateTime,
    ) -> Result<Integration, ApiError> {
        let type_id = req.type_id.unwrap_or_default();
        let Some(integration_type) = integration_types::find(&type_id) else {
            return Err(ApiError::bad_field(
                "integrationType.id",
                format!(
                    "The field integrationType.id must name a known integration type ({}); got '{type_id}'.",
                    integration_types::known_ids().join(", ")
                ),
            ));
        };
        // Without a name the integration is named after its type, as the SDK model says.
        let name = req
            .name
            .unwrap_or_else(|| integration_type.name.to_string());
        if name.trim().is_empty() {
            return Err(ApiError::bad_field(
                "name",
                "The field name must not be blank; leave it out to get the type's name.",
            ));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let integration = Integration {
            config: IntegrationConfig {
                name: name.clone(),
                notes: String::new(),
                version: 1,
                properties: Map::new(),
                advanced: Map::new(),
                credentials: Map::new(),
            },
            id,
            name,
            type_id,
            notes: String::new(),
            intended: Intended::Disabled,
            lifecycle: Lifecycle::new(now),
            attributes: Map::new(),
            date_created: now,
            date_modified: now,
            deleted_at: None,
        };
        self.integrations.push(integration.clone());
        Ok(integration)
    }

    /// Deletes an integration; with `linger` it stays readable that long (see `listing.rs`).
    pub fn delete(
        &mut self,
        org_id: &str,
        id: &str,
        now: OffsetDateTime,
        delay: Duration,
        linger: Option<Duration>,
    ) -> Result<(Integration, Option<HookCall>), ApiError> {
        let i = self.find(id)?;
        let mut gone = self.integrations.remove(i);
        let hook = (gone.intended == Intended::Enabled && gone.lifecycle.deactivate(now, delay))
            .then(|| HookCall::Deactivate(gone.hook_request(org_id)));
        self.linger(&gone, now, linger);
        Ok((gone, hook))
    }

    pub fn set_intended(
        &mut self,
        org_id: &str,
        id: &str,
        intended: Intended,
        now: OffsetDateTime,
        delay: Duration,
    ) -> Result<(Integration, Option<HookCall>), ApiError> {
        let i = self.find(id)?;
        let it = &mut self.integrations[i];
        let observed = it.lifecycle.observe(now, delay).phase;
        let hook = match (intended, it.intended) {
            // Re-enabling retries an integration stuck in ERROR; otherwise nothing changes.
            (Intended::Enabled, Intended::Enabled)
                if observed != crate::backend::lifecycle::Phase::Error =>
            {
                None
            }
            (Intended::Enabled, _) => it.start_activation(org_id, now),
            // A deleted integration is never written to (see listing.rs); a PATCH cannot ask for DELETED.
            (Intended::Disabled, Intended::Disabled | Intended::Deleted)
            | (Intended::Deleted, _) => None,
            (Intended::Disabled, Intended::Enabled) => it
                .lifecycle
                .deactivate(now, delay)
                .then(|| HookCall::Deactivate(it.hook_request(org_id))),
        };
        if it.intended != intended || hook.is_some() {
            it.date_modified = now;
        }
        it.intended = intended;
        Ok((it.clone(), hook))
    }

    /// Replaces the config under optimistic concurrency; with `lag` (consistency-lag
    /// quirk) a PUT that soon after the create sees a stale version and is a 409.
    pub fn put_config(
        &mut self,
        org_id: &str,
        id: &str,
        update: ConfigUpdate,
        now: OffsetDateTime,
        lag: Option<Duration>,
    ) -> Result<(Integration, Option<HookCall>), ApiError> {
        let i = self.find(id)?;
        let Some(version) = update.version else {
            return Err(ApiError::bad_field(
                "version",
                "The field version is required: send the version of the configuration being replaced.",
            ));
        };
        let [properties, advanced, credentials] = [
            ("properties", update.properties),
            ("advanced", update.advanced),
            ("credentials", update.credentials),
        ]
        .map(|(field, map)| {
            map.ok_or_else(|| {
                ApiError::bad_field(
                    field,
                    format!("The field {field} is required and must be an object ({{}} for none); got nothing or null."),
                )
            })
        });
        let (properties, advanced, credentials) = (properties?, advanced?, credentials?);
        let current = self.integrations[i].config.version;
        let age = now - self.integrations[i].date_created;
        if lag.is_some_and(|lag| age < lag) {
            return Err(ApiError::conflict(format!(
                "The version ({version}) does not match the current version of the integration configuration (it is still being created; retry shortly)."
            )));
        }
        if version != current {
            return Err(ApiError::conflict(format!(
                "The version ({version}) does not match the current version ({current}) of the integration configuration."
            )));
        }
        if self.integrations[i].is_eventbridge() {
            let others: Vec<OtherSource<'_>> = self
                .integrations
                .iter()
                .filter(|o| o.id != id && o.is_eventbridge())
                .map(|o| OtherSource {
                    id: &o.id,
                    name: &o.name,
                    properties: &o.config.properties,
                })
                .collect();
            validation::validate_eventbridge(&properties, &others)?;
        }
        let it = &mut self.integrations[i];
        // The config name is the integration's name: a non-empty one renames both.
        if let Some(name) = update.name.filter(|n| !n.trim().is_empty()) {
            it.name = name;
        }
        let notes = update.notes.unwrap_or_default();
        it.notes = notes.clone();
        it.config = IntegrationConfig {
            name: it.name.clone(),
            notes,
            version: current + 1,
            properties,
            advanced,
            credentials,
        };
        it.date_modified = now;
        let hook = if it.intended == Intended::Enabled {
            it.start_activation(org_id, now)
        } else {
            None
        };
        Ok((it.clone(), hook))
    }

    /// What the concurrent-edit fault does: someone else edits the config (its notes)
    /// and so moves its version on. Returns the new version.
    pub fn concurrent_edit(&mut self, id: &str, now: OffsetDateTime) -> Result<u64, ApiError> {
        let i = self.find(id)?;
        let it = &mut self.integrations[i];
        it.config.version += 1;
        it.config.notes = format!(
            "Edited by another administrator (genesys-sim concurrent-edit fault, version {}).",
            it.config.version
        );
        it.notes = it.config.notes.clone();
        it.date_modified = now;
        Ok(it.config.version)
    }

    /// Makes the activation numbered `generation` wait for its hook (a gating hook).
    pub fn await_hook(&mut self, id: &str, generation: u64) -> bool {
        self.lifecycle_of(id)
            .is_some_and(|l| l.await_hook(generation))
    }

    pub fn hook_succeeded(&mut self, id: &str, generation: u64, now: OffsetDateTime) -> bool {
        self.lifecycle_of(id)
            .is_some_and(|l| l.hook_succeeded(generation, now))
    }

    /// The activations to redo after a restart: enabled integrations that are ACTIVATING
    /// or ACTIVE (the hook's own record of what it did does not survive a restart).
    pub fn resumable(&self, org_id: &str) -> Vec<HookRequest> {
        self.integrations
            .iter()
            .filter(|i| {
                i.intended == Intended::Enabled
                    && i.lifecycle.phase == crate::backend::lifecycle::Phase::Activating
            })
            .map(|i| i.hook_request(org_id))
            .collect()
    }

    pub fn hook_failed(
        &mut self,
        id: &str,
        generation: u64,
        message: String,
        now: OffsetDateTime,
    ) -> bool {
        self.lifecycle_of(id)
            .is_some_and(|l| l.hook_failed(generation, message, now))
    }
}

#[cfg(test)]
mod tests;
