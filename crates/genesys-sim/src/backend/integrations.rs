//! The integrations of one org and the operations the API offers on them, with their
//! rules (type ids, names, config versions, EventBridge properties, lifecycle
//! transitions). One integration's own fields are `model.rs`. No HTTP here.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::backend::integration_types;
use crate::backend::lifecycle::{HookRequest, Lifecycle};
use crate::backend::model::{HookCall, Integration, IntegrationConfig, Intended};
use crate::backend::validation::{self, OtherSource};
use crate::errors::ApiError;

/// The fields of `POST /api/v2/integrations`, already type-checked by the routes.
#[derive(Debug, Clone, Default)]
pub struct CreateRequest {
    pub name: Option<String>,
    pub type_id: Option<String>,
    pub notes: Option<String>,
}

/// The fields of `PUT .../config/current`, already type-checked by the routes.
#[derive(Debug, Clone, Default)]
pub struct ConfigUpdate {
    pub name: Option<String>,
    pub notes: Option<String>,
    pub version: Option<u64>,
    pub properties: Option<Map<String, Value>>,
    pub advanced: Option<Map<String, Value>>,
    pub credentials: Option<Map<String, Value>>,
}

/// All integrations of one org, in creation order (the order listings use).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgIntegrations {
    pub integrations: Vec<Integration>,
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
        let name = req.name.unwrap_or_default();
        if name.trim().is_empty() {
            return Err(ApiError::bad_field(
                "name",
                "The field name is required and must not be empty.",
            ));
        }
        let type_id = req.type_id.unwrap_or_default();
        if integration_types::find(&type_id).is_none() {
            return Err(ApiError::bad_field(
                "integrationType.id",
                format!(
                    "The field integrationType.id must name a known integration type ({}); got '{type_id}'.",
                    integration_types::known_ids().join(", ")
                ),
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
            notes: req.notes.unwrap_or_default(),
            intended: Intended::Disabled,
            lifecycle: Lifecycle::new(now),
            attributes: Map::new(),
            date_created: now,
            date_modified: now,
        };
        self.integrations.push(integration.clone());
        Ok(integration)
    }

    pub fn delete(
        &mut self,
        org_id: &str,
        id: &str,
        now: OffsetDateTime,
        delay: Duration,
    ) -> Result<(Integration, Option<HookCall>), ApiError> {
        let i = self.find(id)?;
        let mut gone = self.integrations.remove(i);
        let hook = (gone.intended == Intended::Enabled && gone.lifecycle.deactivate(now, delay))
            .then(|| HookCall::Deactivate(gone.hook_request(org_id)));
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
            (Intended::Disabled, Intended::Disabled) => None,
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

    pub fn put_config(
        &mut self,
        org_id: &str,
        id: &str,
        update: ConfigUpdate,
        now: OffsetDateTime,
    ) -> Result<(Integration, Option<HookCall>), ApiError> {
        let i = self.find(id)?;
        let Some(version) = update.version else {
            return Err(ApiError::bad_field(
                "version",
                "The field version is required: send the version of the configuration being replaced.",
            ));
        };
        let current = self.integrations[i].config.version;
        if version != current {
            return Err(ApiError::conflict(format!(
                "The version ({version}) does not match the current version ({current}) of the integration configuration."
            )));
        }
        let properties = update.properties.unwrap_or_default();
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
            advanced: update.advanced.unwrap_or_default(),
            credentials: update.credentials.unwrap_or_default(),
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
mod tests {
    use super::*;
    use crate::backend::integration_types::EVENTBRIDGE_TYPE_ID;
    use crate::backend::lifecycle::Phase;
    use serde_json::json;
    use time::macros::datetime;

    const ORG: &str = "org";
    const D: Duration = Duration::from_millis(100);

    fn t0() -> OffsetDateTime {
        datetime!(2024-01-01 00:00:00 UTC)
    }

    fn create(o: &mut OrgIntegrations, name: &str) -> Integration {
        o.create(
            CreateRequest {
                name: Some(name.into()),
                type_id: Some(EVENTBRIDGE_TYPE_ID.into()),
                notes: None,
            },
            t0(),
        )
        .unwrap()
    }

    fn props(suffix: &str) -> Map<String, Value> {
        json!({
            "awsAccountId": "123456789012",
            "awsAccountRegion": "eu-west-1",
            "eventSourceSuffix": suffix,
            "eventFilter": ["v2.detail.events.conversation.{id}.customer.start"]
        })
        .as_object()
        .unwrap()
        .clone()
    }

    fn put(
        o: &mut OrgIntegrations,
        id: &str,
        version: u64,
        suffix: &str,
    ) -> Result<Integration, ApiError> {
        o.put_config(
            ORG,
            id,
            ConfigUpdate {
                version: Some(version),
                properties: Some(props(suffix)),
                ..Default::default()
            },
            t0(),
        )
        .map(|(i, _)| i)
    }

    #[test]
    fn create_validates_name_and_type() {
        let mut o = OrgIntegrations::default();
        let e = o
            .create(
                CreateRequest {
                    name: Some(" ".into()),
                    type_id: Some(EVENTBRIDGE_TYPE_ID.into()),
                    notes: None,
                },
                t0(),
            )
            .unwrap_err();
        assert_eq!(e.message_params["field"], "name");
        let e = o
            .create(
                CreateRequest {
                    name: Some("x".into()),
                    type_id: Some("nope".into()),
                    notes: None,
                },
                t0(),
            )
            .unwrap_err();
        assert!(e.message.contains("integrationType.id"));
        let i = create(&mut o, "a");
        assert_eq!(i.intended, Intended::Disabled);
        assert_eq!(i.config.version, 1);
        assert_eq!(i.lifecycle.phase, Phase::Inactive);
    }

    #[test]
    fn put_config_versions_and_conflicts() {
        let mut o = OrgIntegrations::default();
        let i = create(&mut o, "a");
        let e = o
            .put_config(ORG, &i.id, ConfigUpdate::default(), t0())
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 400);
        let updated = put(&mut o, &i.id, 1, "s1").unwrap();
        assert_eq!(updated.config.version, 2);
        assert_eq!(updated.config.name, "a");
        let e = put(&mut o, &i.id, 1, "s1").unwrap_err();
        assert_eq!(e.status.as_u16(), 409);
        assert_eq!(e.message, "The version (1) does not match the current version (2) of the integration configuration.");
        // Same suffix on the same account as another integration.
        let j = create(&mut o, "b");
        let e = put(&mut o, &j.id, 1, "s1").unwrap_err();
        assert!(e.message.contains("'a'"));
        // Re-putting its own suffix is fine.
        put(&mut o, &i.id, 2, "s1").unwrap();
    }

    #[test]
    fn enable_incomplete_errors_then_config_activates() {
        let mut o = OrgIntegrations::default();
        let i = create(&mut o, "a");
        let (it, hook) = o
            .set_intended(ORG, &i.id, Intended::Enabled, t0(), D)
            .unwrap();
        assert!(hook.is_none());
        let obs = it.lifecycle.observe(t0() + D, D);
        assert_eq!(obs.phase, Phase::Error);
        assert_eq!(
            obs.error.unwrap().message,
            "Integration configuration is incomplete: awsAccountId is required"
        );
        let (it, hook) = o
            .put_config(
                ORG,
                &i.id,
                ConfigUpdate {
                    version: Some(1),
                    properties: Some(props("s")),
                    ..Default::default()
                },
                t0(),
            )
            .unwrap();
        assert!(matches!(hook, Some(HookCall::Activate(_))));
        assert_eq!(it.lifecycle.observe(t0(), D).phase, Phase::Activating);
        assert_eq!(it.lifecycle.observe(t0() + D, D).phase, Phase::Active);
        let (it, hook) = o
            .set_intended(ORG, &i.id, Intended::Disabled, t0() + D, D)
            .unwrap();
        assert!(matches!(hook, Some(HookCall::Deactivate(_))));
        assert_eq!(it.lifecycle.observe(t0() + D, D).phase, Phase::Deactivating);
        assert_eq!(it.lifecycle.observe(t0() + D * 2, D).phase, Phase::Inactive);
    }

    #[test]
    fn hook_failure_sets_error() {
        let mut o = OrgIntegrations::default();
        let i = create(&mut o, "a");
        put(&mut o, &i.id, 1, "s").unwrap();
        let (_, hook) = o
            .set_intended(ORG, &i.id, Intended::Enabled, t0(), D)
            .unwrap();
        let Some(HookCall::Activate(req)) = hook else {
            panic!("expected activation")
        };
        assert!(o.hook_failed(&i.id, req.generation, "AccessDenied".into(), t0()));
        let obs = o.get(&i.id).unwrap().lifecycle.observe(t0() + D, D);
        assert_eq!(obs.phase, Phase::Error);
    }

    #[test]
    fn delete_and_not_found() {
        let mut o = OrgIntegrations::default();
        let i = create(&mut o, "a");
        assert_eq!(o.delete(ORG, &i.id, t0(), D).unwrap().0.id, i.id);
        assert_eq!(o.get(&i.id).unwrap_err().code, "not.found");
        assert_eq!(
            o.delete(ORG, &i.id, t0(), D).unwrap_err().status.as_u16(),
            404
        );
    }
}
