//! `gcbridge validate -f FILE [--online]`: check a config file without changing anything.

use gcbridge_core::resolve_destinations;
use gcbridge_core::topics::Catalogue;
use serde_json::json;

use crate::cli::{GlobalArgs, OutputFormat, ValidateArgs};
use crate::escape::outln;
use crate::failure::{CmdResult, Failure, EXIT_USAGE};
use crate::fleet;
use crate::output::{note, print_json};
use crate::session::Session;

pub async fn run(global: &GlobalArgs, args: &ValidateArgs) -> CmdResult {
    let desired = gcbridge_core::config::load_file(&args.file)?;
    let mut problems: Vec<String> = Vec::new();
    let destinations: usize = desired.orgs.iter().map(|o| o.destinations.len()).sum();

    if args.online {
        let targets = fleet::targets(&global.conn, desired)?;
        let many = targets.len() > 1;
        let results = fleet::for_each(&targets, 4, |t| async move {
            let session = Session::connect(&t.conn, global.aws_endpoint.as_deref()).await?;
            let catalogue = session.catalogue().await?;
            resolve_destinations(&t.spec.destinations, &catalogue, &session.org.id)?;
            Ok::<_, Failure>(())
        })
        .await;
        for (t, r) in targets.iter().zip(&results) {
            if let Err(f) = r {
                problems.push(fleet::org_error(t, many, f));
            }
        }
        if results
            .iter()
            .any(|r| matches!(r, Err(f) if f.code != EXIT_USAGE))
            && problems.iter().all(|p| !p.is_empty())
        {
            report(
                global,
                &args.file.display().to_string(),
                destinations,
                &problems,
                true,
            );
            return Err(Failure::exit(crate::failure::EXIT_FAILURE));
        }
    } else {
        // Offline, the bundled catalogue stands in for the org's: an org may have newer topics,
        // which --online accepts.
        let catalogue = Catalogue::embedded();
        for org in &desired.orgs {
            // No org id offline: an ARN's org is checked online only.
            let specs: Vec<_> = org
                .destinations
                .iter()
                .cloned()
                .map(|mut d| {
                    d.expected_org_id = None;
                    d
                })
                .collect();
            if let Err(d) = resolve_destinations(&specs, &catalogue, "") {
                problems.push(d.to_string());
            }
        }
    }
    report(
        global,
        &args.file.display().to_string(),
        destinations,
        &problems,
        args.online,
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::exit(EXIT_USAGE))
    }
}

fn report(global: &GlobalArgs, file: &str, destinations: usize, problems: &[String], online: bool) {
    let mode = if online {
        "against each org's live catalogue"
    } else {
        "offline, with the bundled topic catalogue"
    };
    match global.output {
        OutputFormat::Json => print_json(&json!({
            "file": file, "valid": problems.is_empty(), "online": online,
            "destinations": destinations, "problems": problems,
        })),
        OutputFormat::Human => {
            for p in problems {
                note(format!("error: {p}"));
            }
            if problems.is_empty() {
                outln!("{file}: valid ({destinations} destination(s), checked {mode})");
            } else {
                outln!("{file}: {} problem(s) (checked {mode})", problems.len());
            }
        }
    }
}
