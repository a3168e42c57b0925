//! `gcbridge export --format terraform`: each org's live EventBridge integrations, and the AWS
//! half their config file manages, as Terraform configuration with import blocks (core's
//! `terraform` module decides and writes it; this file connects and reports).

use gcbridge_core::terraform::{render, IntegrationExport, OrgExport, PolicySet, TerraformExport};
use gcbridge_core::{AwsClients, DestinationSpec, LiveIntegration, SourceId};
use genesys_client::Region;

use crate::cli::GlobalArgs;
use crate::escape::out;
use crate::failure::{CmdResult, Failure};
use crate::fleet::OrgTarget;
use crate::output::note;
use crate::session::Session;

const HEADER: &str = "Written by `gcbridge export --format terraform` (Terraform >= 1.5).\n\
Every resource that exists has an import block, so `terraform plan` adopts it rather than\n\
creating it. Once Terraform manages these, stop running `gcbridge apply` on them.";

/// Writes the export of every org read (`results`, in `targets`' order).
pub async fn write(
    global: &GlobalArgs,
    targets: &[OrgTarget],
    results: Vec<Result<(Session, Vec<LiveIntegration>), Failure>>,
) -> CmdResult {
    let mut export = TerraformExport::default();
    let mut policies = PolicySet::default();
    for (t, r) in targets.iter().zip(results) {
        let in_org = |f: Failure| Failure {
            message: format!("org \"{}\": {}", t.spec.name, f.message),
            ..f
        };
        let (session, live) = r.map_err(in_org)?;
        let org = org_export(global, t, &session, live, &mut policies)
            .await
            .map_err(in_org)?;
        export.orgs.push(org);
    }
    export.policies = policies.into_vec();
    let text = render(&export, HEADER).map_err(|e| Failure::failed(e.to_string()))?;
    out!("{text}");
    Ok(())
}

/// One org: its configured integrations sorted by name, each with the AWS half of the file's
/// destination of the same (account, region, suffix).
async fn org_export(
    global: &GlobalArgs,
    t: &OrgTarget,
    session: &Session,
    mut live: Vec<LiveIntegration>,
    policies: &mut PolicySet,
) -> Result<OrgExport, Failure> {
    live.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let org = &t.spec.name;
    let mut integrations = Vec::new();
    for l in live {
        let Some(id) = l.source_id() else {
            note(format!(
                "warning: org \"{org}\": integration \"{}\" ({}) has no AWS config yet and is not exported; `gcbridge apply` completes it",
                l.name, l.id
            ));
            continue;
        };
        let spec = t
            .spec
            .destinations
            .iter()
            .find(|d| source_id(d) == id)
            .and_then(|d| d.aws.as_ref());
        let aws = match spec {
            Some(spec) => {
                let clients = AwsClients::new(&id.region, global.aws_endpoint.as_deref()).await;
                let read = gcbridge_core::terraform::read_aws(
                    &clients,
                    &id,
                    spec,
                    &session.org.id,
                    policies,
                );
                Some(
                    read.await
                        .map_err(|e| Failure::failed(format!("destination \"{}\": {e}", l.name)))?,
                )
            }
            None => None,
        };
        integrations.push(IntegrationExport {
            id: l.id,
            name: l.name,
            enabled: l.enabled,
            notes: l.notes,
            account: id.account,
            region: id.region,
            suffix: id.suffix,
            topics: l.topics,
            aws,
        });
    }
    for d in &t.spec.destinations {
        if !integrations
            .iter()
            .any(|i| source_id(d) == SourceId::new(&i.account, &i.region, &i.suffix))
        {
            note(format!(
                "warning: org \"{org}\": destination \"{}\" has no live integration and is not exported; `gcbridge apply` creates it",
                d.name
            ));
        }
    }
    Ok(OrgExport {
        name: org.clone(),
        org_id: session.org.id.clone(),
        genesys_region: Region::all()
            .iter()
            .find(|r| r.api_base() == t.conn.endpoint.api_base)
            .map(|r| r.code().to_string()),
        integrations,
    })
}

fn source_id(d: &DestinationSpec) -> SourceId {
    SourceId::new(&d.aws_account_id, &d.aws_region, &d.event_source_suffix)
}
