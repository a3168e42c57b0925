//! The Integration and IntegrationConfiguration documents as typed views that borrow from
//! the backend's model. A listing serialises 25 to 999 of them per request straight from
//! these (no `serde_json::Value` tree per entity), which is most of what a page costs.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::backend::integration_types::{self, IntegrationType};
use crate::backend::lifecycle::Phase;
use crate::backend::model::Integration;
use crate::clock::iso;

/// What the real API returns for empty config notes: the Genesys Terraform provider maps
/// it back to empty in two resources and a unit test.
const EMPTY_NOTES_SENTINEL: &str = "node_dynamodb_empty_string";

fn integration_uri(id: &str) -> String {
    format!("/api/v2/integrations/{id}")
}

/// An Integration; `config.current` only when the caller expanded it.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationView<'a> {
    id: &'a str,
    name: &'a str,
    integration_type: TypeSummary<'a>,
    notes: &'a str,
    intended_state: &'static str,
    reported_state: ReportedState,
    attributes: &'a Map<String, Value>,
    date_created: String,
    date_modified: String,
    self_uri: String,
    config: Option<Expanded<'a>>,
}

/// The short reference to its type every Integration embeds.
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TypeSummary<'a> {
    id: &'a str,
    name: Option<&'static str>,
    description: Option<&'static str>,
    provider: Option<&'static str>,
    category: Option<&'static str>,
    self_uri: String,
}

impl<'a> TypeSummary<'a> {
    fn of(type_id: &'a str) -> Self {
        let known = integration_types::find(type_id);
        let field = |f: fn(&IntegrationType) -> &'static str| known.map(f);
        TypeSummary {
            id: type_id,
            name: field(|t| t.name),
            description: field(|t| t.description),
            provider: field(|t| t.provider),
            category: field(|t| t.category),
            self_uri: integration_types::self_uri(type_id),
        }
    }
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportedState {
    code: &'static str,
    effective: &'static str,
    last_updated: String,
    detail: Option<ErrorDetailView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorDetailView {
    localizable_message_code: String,
    message: String,
    message_with_params: String,
    message_params: Map<String, Value>,
}

#[derive(Serialize)]
struct Expanded<'a> {
    current: ConfigView<'a>,
}

/// An IntegrationConfiguration (`config/current`); empty notes read as the sentinel.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigView<'a> {
    id: &'a str,
    name: &'a str,
    version: u64,
    properties: &'a Map<String, Value>,
    advanced: &'a Map<String, Value>,
    notes: &'a str,
    credentials: &'a Map<String, Value>,
    self_uri: String,
}

impl<'a> IntegrationView<'a> {
    pub fn of(i: &'a Integration, now: OffsetDateTime, delay: Duration, expand: bool) -> Self {
        let observed = i.lifecycle.observe(now, delay);
        let detail = match (observed.phase, observed.error) {
            (Phase::Error, Some(d)) => Some(ErrorDetailView {
                localizable_message_code: d.code,
                message_with_params: d.message.clone(),
                message: d.message,
                message_params: Map::new(),
            }),
            _ => None,
        };
        IntegrationView {
            id: &i.id,
            name: &i.name,
            integration_type: TypeSummary::of(&i.type_id),
            notes: &i.notes,
            intended_state: i.intended.as_str(),
            reported_state: ReportedState {
                code: observed.phase.code(),
                effective: observed.phase.effective(),
                last_updated: iso(observed.last_updated),
                detail,
            },
            attributes: &i.attributes,
            date_created: iso(i.date_created),
            date_modified: iso(i.date_modified),
            self_uri: integration_uri(&i.id),
            config: expand.then(|| Expanded {
                current: ConfigView::of(i),
            }),
        }
    }
}

impl<'a> ConfigView<'a> {
    pub fn of(i: &'a Integration) -> Self {
        let c = &i.config;
        ConfigView {
            id: &i.id,
            name: &c.name,
            version: c.version,
            properties: &c.properties,
            advanced: &c.advanced,
            notes: if c.notes.is_empty() {
                EMPTY_NOTES_SENTINEL
            } else {
                &c.notes
            },
            credentials: &c.credentials,
            self_uri: format!("{}/config/current", integration_uri(&i.id)),
        }
    }
}

/// An Integration as a JSON value, for the single-object routes.
pub fn integration(i: &Integration, now: OffsetDateTime, delay: Duration, expand: bool) -> Value {
    to_value(IntegrationView::of(i, now, delay, expand))
}

/// An IntegrationConfiguration as a JSON value.
pub fn config(i: &Integration) -> Value {
    to_value(ConfigView::of(i))
}

fn to_value(view: impl Serialize) -> Value {
    // Views hold only strings, numbers and JSON maps: serialising them cannot fail.
    serde_json::to_value(view).unwrap_or(Value::Null)
}
