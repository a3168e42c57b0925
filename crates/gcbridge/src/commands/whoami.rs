//! `gcbridge whoami`: which org and client the credentials are, and what the client may do.

use std::time::SystemTime;

use genesys_client::{Error as ClientError, GenesysClient, IntegrationConfiguration};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat, WhoamiArgs};
use crate::failure::CmdResult;
use crate::output::print_json;
use crate::session::Session;

/// An id no integration has: probes against it can only be refused or not found, never change anything.
const PROBE_ID: &str = "00000000-0000-0000-0000-000000000000";

#[derive(Serialize)]
struct Whoami {
    org_name: String,
    org_id: String,
    target: String,
    api_base: String,
    client_id: String,
    token_expires_at: String,
    token_expires_in_secs: u64,
    permissions: Vec<PermissionProbe>,
}

#[derive(Serialize)]
struct PermissionProbe {
    permission: &'static str,
    /// "granted", "missing" or "unknown".
    status: &'static str,
    detail: Option<String>,
}

fn verdict(r: Result<(), ClientError>) -> (&'static str, Option<String>) {
    match r {
        Ok(()) => ("granted", None),
        Err(e) if e.status() == Some(403) => ("missing", None),
        // Refused for another reason than permissions (unknown id, bad body): the permission was
        // checked first and held.
        Err(e) if matches!(e.status(), Some(400) | Some(404) | Some(409)) => ("granted", None),
        Err(e) => ("unknown", Some(e.to_string())),
    }
}

async fn probe(client: &GenesysClient) -> Vec<PermissionProbe> {
    let view = client.list_integrations_page(1, 1, false).await.map(|_| ());
    let add = client
        .create_integration(&genesys_client::CreateIntegrationRequest {
            name: String::new(),
            integration_type: genesys_client::IntegrationTypeRef {
                id: "gcbridge-permission-probe".into(),
                ..Default::default()
            },
            notes: None,
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
    [
        ("integrations:integration:view", view),
        ("integrations:integration:add", add),
        ("integrations:integration:edit", edit),
        ("integrations:integration:delete", delete),
    ]
    .into_iter()
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

pub async fn run(global: &GlobalArgs, args: &WhoamiArgs) -> CmdResult {
    let session = Session::open_selected(&global.conn, &args.select).await?;
    let expiry = session.client.token_expiry().await?;
    let permissions = probe(&session.client).await;
    let in_secs = expiry
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let info = Whoami {
        org_name: session.org.name.clone(),
        org_id: session.org.id.clone(),
        target: session.target.clone(),
        api_base: session.client.endpoint().api_base.to_string(),
        client_id: session.client.client_id().to_string(),
        token_expires_at: httpdate::fmt_http_date(expiry),
        token_expires_in_secs: in_secs,
        permissions,
    };
    match global.output {
        OutputFormat::Json => print_json(&info),
        OutputFormat::Human => {
            println!("Org:          {} ({})", info.org_name, info.org_id);
            if info.target.trim_end_matches('/') == info.api_base.trim_end_matches('/') {
                println!("API:          {}", info.api_base);
            } else {
                println!("API:          {} [{}]", info.target, info.api_base);
            }
            println!("OAuth client: {}", info.client_id);
            println!(
                "Token:        expires {} (in {} s)",
                info.token_expires_at, info.token_expires_in_secs
            );
            println!(
                "Permissions (probed with calls that cannot change anything: a list, and a create,"
            );
            println!("config write and delete that are refused before they act; those may show in the audit log):");
            for p in &info.permissions {
                let detail = p
                    .detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                println!("  {:<8} {}{detail}", p.status, p.permission);
            }
            if info.permissions.iter().any(|p| p.status == "missing") {
                println!("Missing permissions: give the OAuth client a role that holds them (Admin > Roles / Permissions, then the client's Roles tab).");
            }
        }
    }
    Ok(())
}
