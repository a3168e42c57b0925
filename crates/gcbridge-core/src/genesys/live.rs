//! The live side: EventBridge integrations as read from an org, reduced to what gcbridge compares.
//! Every command reads the org through [`read_live`], the one place where the API's variants are
//! absorbed: deleted integrations still listed are dropped, the empty-notes sentinel reads as no
//! notes, and an entity listed without its config has its config read.

use std::collections::BTreeSet;

use crate::source_id::SourceId;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use genesys_client::{
    notes_text, Error as ClientError, GenesysClient, Integration, IntegrationConfiguration,
    EVENTBRIDGE_TYPE_ID,
};
use serde_json::{Map, Value};

/// Property names of the `amazon-eventbridge-source` integration's config.
pub mod props {
    pub const ACCOUNT: &str = "awsAccountId";
    pub const REGION: &str = "awsAccountRegion";
    pub const SUFFIX: &str = "eventSourceSuffix";
    pub const FILTER: &str = "eventFilter";
}

/// One live EventBridge integration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveIntegration {
    pub id: String,
    pub name: String,
    pub notes: Option<String>,
    /// `intendedState == ENABLED`.
    pub enabled: bool,
    pub reported_code: Option<String>,
    pub reported_detail: Option<String>,
    pub config_version: Option<u64>,
    pub aws_account_id: Option<String>,
    pub aws_region: Option<String>,
    pub event_source_suffix: Option<String>,
    pub topics: BTreeSet<String>,
}

impl LiveIntegration {
    /// Reads an integration listed with `expand=config.current`; `None` for other integration
    /// types and for a deleted integration that is still listed (`intendedState: DELETED`), which
    /// is never matched, adopted, pruned or reported.
    pub fn from_api(i: &Integration) -> Option<LiveIntegration> {
        if i.integration_type.id != EVENTBRIDGE_TYPE_ID || i.is_deleted() {
            return None;
        }
        let current = i.config.as_ref().and_then(|c| c.current.as_ref());
        let mut live = LiveIntegration {
            id: i.id.clone(),
            name: i.name.clone(),
            notes: notes_text(i.notes.as_deref()).map(String::from),
            enabled: i.intended_state.as_deref() == Some("ENABLED"),
            reported_code: i.reported_state.as_ref().map(|r| r.code.clone()),
            reported_detail: i
                .reported_state
                .as_ref()
                .and_then(|r| r.detail.as_ref())
                .and_then(|d| d.message.clone().or_else(|| d.message_with_params.clone())),
            config_version: None,
            aws_account_id: None,
            aws_region: None,
            event_source_suffix: None,
            topics: BTreeSet::new(),
        };
        if let Some(cfg) = current {
            live.apply_config(cfg);
        }
        Some(live)
    }

    /// Takes the config values (a fresh read replaces what the listing said).
    pub fn apply_config(&mut self, cfg: &IntegrationConfiguration) {
        let text = |key: &str| {
            cfg.properties
                .get(key)
                .and_then(Value::as_str)
                .map(String::from)
        };
        self.config_version = Some(cfg.version);
        self.aws_account_id = text(props::ACCOUNT);
        self.aws_region = text(props::REGION);
        self.event_source_suffix = text(props::SUFFIX);
        self.topics = cfg
            .properties
            .get(props::FILTER)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        // The config's notes are what the PUT sets, so they are the truth once a config exists.
        self.notes = cfg.notes_text().map(String::from);
    }

    /// Created but never configured: what a run that died after the create leaves behind.
    pub fn is_unconfigured(&self) -> bool {
        self.aws_account_id.is_none()
            && self.aws_region.is_none()
            && self.event_source_suffix.is_none()
    }
}

/// The config properties for a destination, in the integration's vocabulary.
pub fn properties_for(
    account: &str,
    region: &str,
    suffix: &str,
    topics: &BTreeSet<String>,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(props::ACCOUNT.into(), Value::String(account.into()));
    m.insert(props::REGION.into(), Value::String(region.into()));
    m.insert(props::SUFFIX.into(), Value::String(suffix.into()));
    m.insert(
        props::FILTER.into(),
        Value::Array(topics.iter().cloned().map(Value::String).collect()),
    );
    m
}

/// Config reads in flight at once when a listing came without configs; the client paces them
/// under the rate limit, so this only bounds the burst.
const CONFIG_READS_IN_FLIGHT: usize = 4;

/// Reads the org's EventBridge integrations with their configs. The list asks for
/// `expand=config.current`; an entity that comes back without it (a server that does not honour
/// the expand) has its config read with `GET .../config/current`, so an existing integration is
/// never taken for an unconfigured one. One deleted in the meantime (404) is left out.
pub async fn read_live(client: &GenesysClient) -> Result<Vec<LiveIntegration>, ClientError> {
    let all = client
        .list_integrations_of_type(EVENTBRIDGE_TYPE_ID, true)
        .await?;
    let read = stream::iter(all.iter().filter_map(|i| {
        let live = LiveIntegration::from_api(i)?;
        Some(async move {
            if i.current_config().is_some() {
                return Ok(Some(live));
            }
            complete(client, live).await
        })
    }))
    .buffered(CONFIG_READS_IN_FLIGHT)
    .try_collect::<Vec<_>>()
    .await?;
    Ok(read.into_iter().flatten().collect())
}

/// Reads the config of an integration listed without one.
async fn complete(
    client: &GenesysClient,
    mut live: LiveIntegration,
) -> Result<Option<LiveIntegration>, ClientError> {
    match client.get_integration_config(&live.id).await {
        Ok(cfg) => {
            live.apply_config(&cfg);
            Ok(Some(live))
        }
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

impl LiveIntegration {
    /// The identity of a configured integration: all three properties set.
    pub fn source_id(&self) -> Option<SourceId> {
        Some(SourceId::new(
            self.aws_account_id.as_deref()?,
            self.aws_region.as_deref()?,
            self.event_source_suffix.as_deref()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn listed(v: serde_json::Value) -> Option<LiveIntegration> {
        LiveIntegration::from_api(&serde_json::from_value(v).unwrap())
    }

    #[test]
    fn the_empty_notes_sentinel_reads_as_no_notes() {
        let l = listed(
            json!({"id": "a", "name": "n", "notes": "node_dynamodb_empty_string",
            "integrationType": {"id": EVENTBRIDGE_TYPE_ID},
            "config": {"current": {"name": "n", "notes": "node_dynamodb_empty_string", "version": 2,
                "properties": {"awsAccountId": "123456789012"}}}}),
        )
        .unwrap();
        assert_eq!(l.notes, None);
        let l = listed(
            json!({"id": "a", "name": "n", "notes": "node_dynamodb_empty_string",
            "integrationType": {"id": EVENTBRIDGE_TYPE_ID}}),
        )
        .unwrap();
        assert_eq!(l.notes, None);
        let l = listed(
            json!({"id": "a", "integrationType": {"id": EVENTBRIDGE_TYPE_ID},
            "config": {"current": {"notes": "real notes"}}}),
        )
        .unwrap();
        assert_eq!(l.notes.as_deref(), Some("real notes"));
    }

    #[test]
    fn deleted_integrations_are_not_live_and_restored_ones_are() {
        let of = |state: &str| {
            listed(json!({"id": "a", "name": "n", "intendedState": state,
                "integrationType": {"id": EVENTBRIDGE_TYPE_ID}}))
        };
        assert!(of("DELETED").is_none());
        assert!(of("RESTORED").is_some_and(|l| !l.enabled));
        assert!(of("ENABLED").is_some_and(|l| l.enabled));
    }
}
