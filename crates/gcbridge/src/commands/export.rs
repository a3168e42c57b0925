//! `gcbridge export`: the live EventBridge integrations written as a gcbridge.toml that `plan`
//! reports as unchanged, so an org configured by hand can be brought under config as code.

use std::collections::HashSet;
use std::fmt::Write;

use gcbridge_core::read_live;
use gcbridge_core::{ConnectionSpec, DesiredState, OrgSpec};
use gcbridge_core::{LiveIntegration, SourceId};

use crate::cli::{ExportArgs, GlobalArgs};
use crate::connect::{self, Environment};
use crate::failure::{CmdResult, Failure};
use crate::fleet;
use crate::output::note;
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: &ExportArgs) -> CmdResult {
    let (orgs, from_file) = match &args.file {
        Some(path) => (gcbridge_core::config::load_file(path)?.orgs, true),
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
            (vec![org], false)
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
    let multi =
        from_file && (orgs.len() > 1 || orgs[0].name != gcbridge_core::config::DEFAULT_ORG_NAME);
    let targets = fleet::targets(&global.conn, DesiredState { orgs })?;
    let results = fleet::for_each(&targets, 4, |t| async move {
        let session = Session::connect(&t.conn).await?;
        let live = read_live(&session.client).await?;
        Ok::<_, Failure>((session, live))
    })
    .await;

    let mut out = String::from("# Written by `gcbridge export`: the live EventBridge integrations.\n# `gcbridge plan -f` on this file reports no changes.\n");
    for (t, r) in targets.iter().zip(results) {
        let (session, live) = r.map_err(|f| Failure {
            code: f.code,
            message: format!("org \"{}\": {}", t.spec.name, f.message),
        })?;
        let _ = writeln!(out, "\n# org \"{}\" ({})", session.org.name, session.org.id);
        if multi {
            let _ = writeln!(out, "[[org]]\nname = {}", q(&t.spec.name));
            write_connection(&mut out, &t.spec.connection);
        } else {
            out.push_str("[genesys]\n");
            write_connection(&mut out, &t.spec.connection);
        }
        write_destinations(
            &mut out,
            &live,
            if multi {
                "org.destination"
            } else {
                "destination"
            },
            &t.spec.name,
        );
    }
    print!("{out}");
    Ok(())
}

/// The connection as the user gave it (flags or env), never the credentials themselves.
fn connection_as_written(
    global: &GlobalArgs,
    env: &Environment,
) -> Result<ConnectionSpec, Failure> {
    // Resolving checks that it is usable; the file keeps the user's own words.
    connect::resolve(&global.conn, None, env)?;
    let api_url = global.conn.api_url.clone().or_else(|| {
        std::env::var("GENESYS_API_URL")
            .ok()
            .filter(|v| !v.is_empty())
    });
    let region = global
        .conn
        .region
        .clone()
        .or_else(|| {
            std::env::var("GENESYS_REGION")
                .ok()
                .filter(|v| !v.is_empty())
        })
        .or_else(|| {
            std::env::var("GENESYSCLOUD_REGION")
                .ok()
                .filter(|v| !v.is_empty())
        });
    Ok(ConnectionSpec {
        region: if api_url.is_some() { None } else { region },
        api_url,
        login_url: global.conn.login_url.clone(),
        client_id_env: None,
        client_secret_env: None,
    })
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn write_connection(out: &mut String, c: &ConnectionSpec) {
    for (key, value) in [
        ("region", &c.region),
        ("api_url", &c.api_url),
        ("login_url", &c.login_url),
        ("client_id_env", &c.client_id_env),
        ("client_secret_env", &c.client_secret_env),
    ] {
        if let Some(v) = value {
            let _ = writeln!(out, "{key} = {}", q(v));
        }
    }
}

fn write_destinations(out: &mut String, live: &[LiveIntegration], table: &str, org: &str) {
    let mut names: HashSet<String> = HashSet::new();
    for l in live {
        let Some(SourceId {
            account,
            region,
            suffix,
        }) = l.source_id()
        else {
            note(format!(
                "warning: org \"{org}\": integration \"{}\" ({}) has no AWS config yet and is not exported; `gcbridge apply` of a destination with this name completes it",
                l.name, l.id
            ));
            continue;
        };
        let mut name = l.name.clone();
        if !names.insert(name.clone()) {
            name = format!("{}-{suffix}", l.name);
            names.insert(name.clone());
            note(format!(
                "warning: org \"{org}\": two integrations are named \"{}\"; the one with suffix \"{suffix}\" is exported as \"{name}\" (plan will show the rename)",
                l.name
            ));
        }
        let _ = writeln!(out, "\n[[{table}]]");
        let _ = writeln!(out, "name = {}", q(&name));
        if let Some(notes) = &l.notes {
            let _ = writeln!(out, "description = {}", q(notes));
        }
        if !l.enabled {
            out.push_str("enabled = false\n");
        }
        let _ = writeln!(out, "aws_account_id = {}", q(&account));
        let _ = writeln!(out, "aws_region = {}", q(&region));
        let _ = writeln!(out, "event_source_suffix = {}", q(&suffix));
        out.push_str("topics = [\n");
        for t in &l.topics {
            let _ = writeln!(out, "  {},", q(t));
        }
        out.push_str("]\n");
    }
}
