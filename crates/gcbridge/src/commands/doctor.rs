//! `gcbridge doctor [NAME] [--probe SECONDS]`: one line per check of the chain, with the fix of
//! every failure. Exit 0 only when every check passes. The chain itself is core's
//! (`gcbridge_core::doctor::diagnose`); this file picks the org and integrations and prints.

use std::collections::HashMap;

use gcbridge_core::doctor::{self, DiagnoseOptions, IntegrationReport, Status};
use gcbridge_core::AwsSpec;

use crate::cli::{DoctorArgs, GlobalArgs, OutputFormat};
use crate::escape::{field, outln};
use crate::failure::{CmdResult, Failure, EXIT_FAILURE, EXIT_USAGE};
use crate::output::print_json;
use crate::session::{selected_org, Session};

fn print_section(s: &IntegrationReport) {
    if let Some(name) = &s.integration {
        outln!("\n{}", field(name));
    }
    for c in &s.checks {
        let tag = match c.status {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Warn => "WARN",
            Status::Skip => "SKIP",
        };
        outln!("  {tag}  {}: {}", c.label(), c.detail);
        if let Some(fix) = &c.fix {
            outln!("        fix: {fix}");
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &DoctorArgs) -> CmdResult {
    let sections = match Session::open_selected(global, &args.select).await {
        Ok(session) => {
            let options = DiagnoseOptions {
                name: args.name.clone(),
                aws_endpoint: global.aws_endpoint.clone(),
                probe_seconds: args.probe,
                managed: managed_rules(&args.select)?,
            };
            session.diagnose(&options).await?
        }
        // A usage error is the user's input, not a link of the chain.
        Err(f) if f.code == EXIT_USAGE => return Err(f),
        Err(f) => doctor::credentials_failed(&f.message),
    };
    finish(global, &sections)
}

/// With `-f FILE`, each destination's `[destination.aws]` of the selected org, by name.
fn managed_rules(
    select: &crate::cli::OrgSelect,
) -> Result<Option<HashMap<String, AwsSpec>>, Failure> {
    Ok(selected_org(select)?.map(|org| {
        org.destinations
            .into_iter()
            .filter_map(|d| Some((d.name, d.aws?)))
            .collect()
    }))
}

fn finish(global: &GlobalArgs, sections: &[IntegrationReport]) -> CmdResult {
    let ok = doctor::all_ok(sections);
    match global.output {
        OutputFormat::Json => print_json(&serde_json::json!({ "ok": ok, "sections": sections })),
        OutputFormat::Human => {
            for s in sections {
                print_section(s);
            }
            outln!(
                "\n{}",
                if ok {
                    "All checks passed.".to_string()
                } else {
                    format!("{} check(s) failed.", doctor::failed_count(sections))
                }
            );
        }
    }
    if ok {
        Ok(())
    } else {
        Err(Failure::exit(EXIT_FAILURE))
    }
}
