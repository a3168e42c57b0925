//! `gcbridge whoami`: which org and client the credentials are, and what the client may do (probed
//! by core, the same probe `doctor` checks).

use gcbridge_core::token_lifetime;

use gcbridge_core::doctor::{probe_permissions, Grant, PermissionProbe};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat, WhoamiArgs};
use crate::escape::{field, outln};
use crate::failure::CmdResult;
use crate::output::print_json;
use crate::session::Session;

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

pub async fn run(global: &GlobalArgs, args: &WhoamiArgs) -> CmdResult {
    let session = Session::open_selected(global, &args.select).await?;
    let (expiry, in_secs) = token_lifetime(&session.client).await?;
    let permissions = probe_permissions(&session.client).await;
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
            outln!(
                "Org:          {} ({})",
                field(&info.org_name),
                field(&info.org_id)
            );
            if info.target.trim_end_matches('/') == info.api_base.trim_end_matches('/') {
                outln!("API:          {}", info.api_base);
            } else {
                outln!("API:          {} [{}]", info.target, info.api_base);
            }
            outln!("OAuth client: {}", info.client_id);
            outln!(
                "Token:        expires {} (in {} s)",
                info.token_expires_at,
                info.token_expires_in_secs
            );
            outln!(
                "Permissions (probed with calls that cannot change anything: a list, and a create,"
            );
            outln!("config write and delete that are refused before they act; those may show in the audit log):");
            for p in &info.permissions {
                let detail = p
                    .detail
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                outln!("  {:<8} {}{detail}", p.status.as_str(), p.permission);
            }
            if info.permissions.iter().any(|p| p.status == Grant::Missing) {
                outln!("Missing permissions: give the OAuth client a role that holds them (Admin > Roles / Permissions, then the client's Roles tab).");
            }
        }
    }
    Ok(())
}
