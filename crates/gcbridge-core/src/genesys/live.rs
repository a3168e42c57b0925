//! The live side: EventBridge integrations as read from an org, reduced to what gcbridge compares.

use std::collections::BTreeSet;

use genesys_client::{
    Error as ClientError, GenesysClient, Integration, IntegrationConfiguration, EVENTBRIDGE_TYPE_ID,
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
    /// Reads an integration listed with `expand=config.current`; `None` for other integration types.
    pub fn from_api(i: &Integration) -> Option<LiveIntegration> {
        if i.integration_type.id != EVENTBRIDGE_TYPE_ID {
            return None;
        }
        let current = i.config.as_ref().and_then(|c| c.current.as_ref());
        let mut live = LiveIntegration {
            id: i.id.clone(),
            name: i.name.clone(),
            notes: i.notes.clone().filter(|n| !n.is_empty()),
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
        self.notes = cfg.notes.clone().filter(|n| !n.is_empty());
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

/// Reads the org's EventBridge integrations with their configs.
pub async fn read_live(client: &GenesysClient) -> Result<Vec<LiveIntegration>, ClientError> {
    let all = client.list_integrations(true).await?;
    Ok(all.iter().filter_map(LiveIntegration::from_api).collect())
}
