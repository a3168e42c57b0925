//! `gcbridge export`: the live EventBridge integrations written as a gcbridge.toml that `plan`
//! reports as unchanged, so an org configured by hand can be brought under config as code; or,
//! with `--format terraform`, as Terraform configuration (`export_terraform.rs`).

use gcbridge_core::config::connection::endpoint_spec;
use gcbridge_core::config::from_live::destinations_from_live;
use gcbridge_core::config::write::{write_commented, Comments};
use gcbridge_core::read_live;
use gcbridge_core::{ConnectionSpec, DesiredState, OrgSpec};

use super::export_terraform;
use crate::cli::{ExportArgs, ExportFormat, GlobalArgs};
use crate::connect::{self, Environment};
use crate::escape::out;
use crate::failure::{CmdResult, Failure};
use crate::fleet;
use crate::output::note;
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: &ExportArgs) -> CmdResult {
    let orgs = match &args.file {
        Some(path) => gcbridge_core::config::load_file(path)?.orgs,
        None => {
            if args.org.is_some() {
                return Err(Failure::usage(
                    "--org selects an org of a config file: give -f FILE too",
                ));
            }
            let org = OrgSpec {
                name: gcbridge_core::config::DEFAULT_ORG_NAME.into(),
                connection: connection_as_written(global, &Environment::load())?,
                destinations: vec![],
                origin: gcbridge_core::config::Origin::Flag,
            };
            vec![org]
        }
    };
    let orgs: Vec<OrgSpec> = match &args.org {
        Some(name) => {
            let names: Vec<String> = orgs.iter().map(|o| o.name.clone()).collect();
            let chosen: Vec<OrgSpec> = orgs.into_iter().filter(|o| &o.name == name).collect();
            if chosen.is_empty() {
                return Err(Failure::usage(format!(
                    "--org: no org \"{name}\" in the file; it has: {}",
                    names.join(", ")
                )));
            }
            chosen
        }
        None => orgs,
    };
    let targets = fleet::targets(&global.conn, DesiredState { orgs })?;
    let results = fleet::for_each(&targets, 4, |t| async move {
        let session = Session::connect(&t.conn).await?;
        let live = read_live(&session.client).await?;
        Ok::<_, Failure>((session, live))
    })
    .await;
    if args.format == ExportFormat::Terraform {
        return export_terraform::write(global, &targets, results).await;
    }

    let mut exported = DesiredState { orgs: Vec::new() };
    let mut comments = Comments {
        header: "Written by `gcbridge export`: the live EventBridge integrations.\n\
                 `gcbridge plan -f` on this file reports no changes."
            .into(),
        orgs: Vec::new(),
    };
    for (t, r) in targets.iter().zip(results) {
        let (session, live) = r.map_err(|f| Failure {
            code: f.code,
            message: format!("org \"{}\": {}", t.spec.name, f.message),
            kind: f.kind,
        })?;
        let (destinations, warnings) = destinations_from_live(&live, &t.spec.name);
        warnings.into_iter().for_each(note);
        comments
            .orgs
            .push(format!("org \"{}\" ({})", session.org.name, session.org.id));
        exported.orgs.push(OrgSpec {
            destinations,
            ..t.spec.clone()
        });
    }
    let text = write_commented(&exported, &comments).map_err(|e| Failure::failed(e.to_string()))?;
    out!("{text}");
    Ok(())
}

/// The connection as the user gave it (flags or env), never the credentials themselves.
fn connection_as_written(
    global: &GlobalArgs,
    env: &Environment,
) -> Result<ConnectionSpec, Failure> {
    // Resolving checks that it is usable; the file keeps the user's own words.
    connect::resolve(&global.conn.flags(), None, env)?;
    Ok(endpoint_spec(
        &global.conn.flags(),
        &ConnectionSpec::default(),
        &env.0,
    ))
}
