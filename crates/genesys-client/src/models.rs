//! The JSON shapes of the Genesys Cloud API calls this crate makes, named as in the official
//! SDKs' models. Unknown fields are ignored, missing ones default, and a `null` where a value is
//! expected reads as the default too (the SDK models declare every field optional), so additions
//! and omissions on the server side never break deserialization.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::notes::notes_text;

/// The integration type that streams events to Amazon EventBridge.
pub const EVENTBRIDGE_TYPE_ID: &str = "amazon-eventbridge-source";

/// A `null` reads as the type's default: the SDK models make every field optional.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `GET /api/v2/organizations/me`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Organization {
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    pub third_party_org_name: Option<String>,
    pub domain: Option<String>,
    pub state: Option<String>,
    pub product_platform: Option<String>,
    pub self_uri: Option<String>,
}

/// An installed integration (`/api/v2/integrations/{id}`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Integration {
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub integration_type: IntegrationTypeRef,
    pub notes: Option<String>,
    /// `ENABLED`, `DISABLED`, `DELETED` or `RESTORED`; kept as text so a new value does not fail parsing.
    pub intended_state: Option<String>,
    pub reported_state: Option<ReportedState>,
    /// Present when listed with `expand=config.current`.
    pub config: Option<IntegrationConfigInfo>,
    pub attributes: Option<Map<String, Value>>,
    pub self_uri: Option<String>,
}

impl Integration {
    /// The current configuration, when the listing or call expanded it.
    pub fn current_config(&self) -> Option<&IntegrationConfiguration> {
        self.config.as_ref().and_then(|c| c.current.as_ref())
    }

    /// Whether the integration's intended state is `ENABLED`.
    pub fn is_enabled(&self) -> bool {
        self.intended_state.as_deref() == Some("ENABLED")
    }

    /// Whether it is deleted but still listed (`intendedState: DELETED`; the API keeps a deleted
    /// integration readable for a while, which is why the Terraform provider polls for a 404).
    /// `RESTORED` is a live integration again.
    pub fn is_deleted(&self) -> bool {
        self.intended_state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("DELETED"))
    }
}

/// A reference to an integration type (an embedded `IntegrationType` in the real API, of which
/// only the id matters to us).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntegrationTypeRef {
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub self_uri: Option<String>,
}

impl IntegrationTypeRef {
    /// A reference by id only, as a create request sends it.
    pub fn new(id: impl Into<String>) -> IntegrationTypeRef {
        IntegrationTypeRef {
            id: id.into(),
            ..Default::default()
        }
    }
}

/// `reportedState`: what Genesys says the integration is doing.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReportedState {
    /// `ACTIVE`, `ACTIVATING`, `INACTIVE`, `DEACTIVATING` or `ERROR`.
    #[serde(deserialize_with = "null_as_default")]
    pub code: String,
    pub effective: Option<String>,
    pub detail: Option<MessageInfo>,
    pub last_updated: Option<String>,
}

/// A human-readable message with its localization key.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageInfo {
    pub localizable_message_code: Option<String>,
    pub message: Option<String>,
    pub message_with_params: Option<String>,
    pub message_params: Option<Map<String, Value>>,
}

/// The `config` of an integration as embedded by `expand=config.current`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntegrationConfigInfo {
    pub current: Option<IntegrationConfiguration>,
}

/// A page of `GET /api/v2/integrations`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntegrationListing {
    #[serde(deserialize_with = "null_as_default")]
    pub entities: Vec<Integration>,
    #[serde(deserialize_with = "null_as_default")]
    pub page_size: u32,
    #[serde(deserialize_with = "null_as_default")]
    pub page_number: u32,
    #[serde(deserialize_with = "null_as_default")]
    pub total: u64,
    #[serde(deserialize_with = "null_as_default")]
    pub page_count: u32,
    pub first_uri: Option<String>,
    pub self_uri: Option<String>,
    pub next_uri: Option<String>,
    pub previous_uri: Option<String>,
    pub last_uri: Option<String>,
}

/// `POST /api/v2/integrations`: `name` and `integrationType` only, as the SDKs'
/// `CreateIntegrationRequest` documents them. Notes and everything else go in the config PUT
/// (as the Terraform provider does), since a real create may ignore or reject other fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateIntegrationRequest {
    pub name: String,
    pub integration_type: IntegrationTypeRef,
}

impl CreateIntegrationRequest {
    /// An Amazon EventBridge Source integration with this name.
    pub fn eventbridge(name: impl Into<String>) -> CreateIntegrationRequest {
        CreateIntegrationRequest {
            name: name.into(),
            integration_type: IntegrationTypeRef::new(EVENTBRIDGE_TYPE_ID),
        }
    }
}

/// The state an integration is asked to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntendedState {
    Enabled,
    Disabled,
}

impl IntendedState {
    pub fn as_str(&self) -> &'static str {
        match self {
            IntendedState::Enabled => "ENABLED",
            IntendedState::Disabled => "DISABLED",
        }
    }
}

impl fmt::Display for IntendedState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `/api/v2/integrations/{id}/config/current`. A PUT must carry the `version` last read.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntegrationConfiguration {
    pub id: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    pub notes: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub version: u64,
    #[serde(deserialize_with = "null_as_default")]
    pub properties: Map<String, Value>,
    #[serde(deserialize_with = "null_as_object")]
    pub advanced: Value,
    #[serde(deserialize_with = "null_as_object")]
    pub credentials: Value,
}

impl IntegrationConfiguration {
    /// The notes, with the API's empty-notes sentinel read as none (see [`notes_text`]).
    pub fn notes_text(&self) -> Option<&str> {
        notes_text(self.notes.as_deref())
    }
}

impl Default for IntegrationConfiguration {
    fn default() -> Self {
        IntegrationConfiguration {
            id: None,
            name: String::new(),
            notes: None,
            version: 0,
            properties: Map::new(),
            advanced: empty_object(),
            credentials: empty_object(),
        }
    }
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

/// The API sends `null` for an empty section; the PUT wants `{}` back.
fn null_as_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(if v.is_null() { empty_object() } else { v })
}

/// `GET /api/v2/integrations/types/{typeId}`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IntegrationType {
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub provider: Option<String>,
    pub category: Option<String>,
    pub config_properties_schema_uri: Option<String>,
    pub config_advanced_schema_uri: Option<String>,
    pub help_uri: Option<String>,
    pub vendor_name: Option<String>,
    pub non_installable: Option<bool>,
    pub max_instances: Option<u32>,
    #[serde(deserialize_with = "null_as_default")]
    pub user_permissions: Vec<String>,
    pub self_uri: Option<String>,
}

/// One notification topic of `GET /api/v2/notifications/availabletopics`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AvailableTopic {
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    pub description: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub transports: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub requires_permissions: Vec<String>,
    pub schema: Option<Value>,
    pub requires_current_user: Option<bool>,
    pub visibility: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub topic_parameters: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct AvailableTopicListing {
    #[serde(deserialize_with = "null_as_default")]
    pub entities: Vec<AvailableTopic>,
}

/// The body of a Genesys error response.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApiErrorBody {
    #[serde(deserialize_with = "null_as_default")]
    pub message: String,
    #[serde(deserialize_with = "null_as_default")]
    pub code: String,
    pub status: Option<u16>,
    pub message_with_params: Option<String>,
    pub message_params: Option<Map<String, Value>>,
    pub context_id: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub details: Vec<Value>,
    #[serde(deserialize_with = "null_as_default")]
    pub errors: Vec<Value>,
    pub entity_id: Option<String>,
    pub entity_name: Option<String>,
    pub limit: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integration_parses_with_unknown_and_missing_fields() {
        let v = json!({
            "id": "abc", "name": "prod", "integrationType": {"id": "amazon-eventbridge-source", "extra": 1},
            "intendedState": "ENABLED",
            "reportedState": {"code": "ERROR", "effective": "x", "detail": {"message": "bad account"}, "lastUpdated": "2024-01-01T00:00:00Z"},
            "config": {"current": {"name": "prod", "version": 3, "properties": {"awsAccountId": "123456789012"}, "advanced": null, "credentials": {}}},
            "brandNewField": [1, 2]
        });
        let i: Integration = serde_json::from_value(v).unwrap();
        assert!(i.is_enabled());
        assert_eq!(i.integration_type.id, EVENTBRIDGE_TYPE_ID);
        let rs = i.reported_state.as_ref().unwrap();
        assert_eq!(rs.code, "ERROR");
        assert_eq!(
            rs.detail.as_ref().unwrap().message.as_deref(),
            Some("bad account")
        );
        let cfg = i.current_config().unwrap();
        assert_eq!(cfg.version, 3);
        assert_eq!(cfg.advanced, json!({}));
        let minimal: Integration = serde_json::from_value(json!({"id": "x"})).unwrap();
        let empty: IntegrationConfiguration =
            serde_json::from_value(json!({"name": "n", "version": 1, "properties": null})).unwrap();
        assert!(empty.properties.is_empty());
        assert_eq!((empty.advanced, empty.credentials), (json!({}), json!({})));
        assert!(minimal.config.is_none());
    }

    #[test]
    fn requests_serialize_as_the_api_expects() {
        let req = CreateIntegrationRequest::eventbridge("n");
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            json!({"name": "n", "integrationType": {"id": "amazon-eventbridge-source"}})
        );
        assert_eq!(
            serde_json::to_value(IntendedState::Enabled).unwrap(),
            json!("ENABLED")
        );
        assert_eq!(IntendedState::Disabled.to_string(), "DISABLED");
        let cfg = IntegrationConfiguration {
            name: "n".into(),
            version: 2,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&cfg).unwrap(),
            json!({"name": "n", "version": 2, "properties": {}, "advanced": {}, "credentials": {}})
        );
    }

    #[test]
    fn listing_and_error_bodies() {
        let l: IntegrationListing = serde_json::from_value(json!({
            "entities": [], "pageSize": 100, "pageNumber": 2, "total": 250, "pageCount": 3,
            "nextUri": "/api/v2/integrations?pageSize=100&pageNumber=3"
        }))
        .unwrap();
        assert_eq!((l.page_count, l.total), (3, 250));
        let e: ApiErrorBody = serde_json::from_value(json!({
            "message": "m", "code": "c", "status": 400, "messageParams": {"a": "b"},
            "contextId": "ctx", "details": [], "errors": []
        }))
        .unwrap();
        assert_eq!(e.context_id.as_deref(), Some("ctx"));
    }
}
