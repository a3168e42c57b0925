//! Which of the four integration permissions the OAuth client holds. `whoami` prints this and
//! `doctor` checks it; both call [`probe_permissions`] so they can never disagree.
//!
//! Genesys has no "what may I do" endpoint, so each permission is probed with a call that cannot
//! change anything: a one-item list, and a create, config write and delete that are refused before
//! they act (an empty name and unknown type; an id no integration has).

use genesys_client::{
    CreateIntegrationRequest, Error as ClientError, GenesysClient, IntegrationConfiguration,
    IntegrationTypeRef,
};
use serde::Serialize;

/// An id no integration has: probes against it can only be refused or not found, never change anything.
const PROBE_ID: &str = "00000000-0000-0000-0000-000000000000";

pub const VIEW: &str = "integrations:integration:view";
pub const ADD: &str = "integrations:integration:add";
pub const EDIT: &str = "integrations:integration:edit";
pub const DELETE: &str = "integrations:integration:delete";
/// The four, in the order they are probed (and printed by `whoami` and `iam-policy`).
pub const PERMISSIONS: [&str; 4] = [VIEW, ADD, EDIT, DELETE];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grant {
    Granted,
    Missing,
    /// The probe failed for another reason (network, 5xx): nothing is known.
    Unknown,
}

impl Grant {
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::Granted => "granted",
            Grant::Missing => "missing",
            Grant::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionProbe {
    pub permission: &'static str,
    pub status: Grant,
    /// Why the status is unknown.
    pub detail: Option<String>,
}

fn verdict(r: Result<(), ClientError>) -> (Grant, Option<String>) {
    match r {
        Ok(()) => (Grant::Granted, None),
        Err(e) if e.status() == Some(403) => (Grant::Missing, None),
        // Refused for another reason than permissions (unknown id, bad body): the permission was
        // checked first and held.
        Err(e) if matches!(e.status(), Some(400) | Some(404) | Some(409)) => (Grant::Granted, None),
        Err(e) => (Grant::Unknown, Some(e.to_string())),
    }
}

/// Probes view, add, edit and delete, in that order.
pub async fn probe_permissions(client: &GenesysClient) -> Vec<PermissionProbe> {
    let view = client.list_integrations_page(1, 1, false).await.map(|_| ());
    let add = client
        .create_integration(&CreateIntegrationRequest {
            // A type that does not exist: the create can only be refused, never happen.
            integration_type: IntegrationTypeRef::new("gcbridge-permission-probe"),
            ..CreateIntegrationRequest::eventbridge("")
        })
        .await
        .map(|_| ());
    let edit = client
        .put_integration_config(
            PROBE_ID,
            &IntegrationConfiguration {
                id: None,
                name: String::new(),
                notes: None,
                version: 0,
                properties: Default::default(),
                advanced: serde_json::json!({}),
                credentials: serde_json::json!({}),
            },
        )
        .await
        .map(|_| ());
    let delete = client.delete_integration(PROBE_ID).await;
    PERMISSIONS
        .into_iter()
        .zip([view, add, edit, delete])
        .map(|(permission, r)| {
            let (status, detail) = verdict(r);
            PermissionProbe {
                permission,
                status,
                detail,
            }
        })
        .collect()
}
