//! `gcbridge doctor [NAME] [--probe SECONDS]`: one line per check of the chain, with the fix of
//! every failure. Exit 0 only when every check passes.

use gcbridge_core::doctor::{self, Check, Report, Status};
use gcbridge_core::read_live;
use gcbridge_core::AwsClients;
use serde::Serialize;

use crate::cli::{DoctorArgs, GlobalArgs, OutputFormat};
use crate::failure::{CmdResult, Failure, EXIT_FAILURE};
use crate::output::print_json;
use crate::session::Session;

#[derive(Serialize)]
struct Section {
    integration: Option<String>,
    checks: Vec<Check>,
}

fn print_section(s: &Section) {
    if let Some(name) = &s.integration {
        println!("\n{name}");
    }
    for c in &s.checks {
        let tag = match c.status {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Warn => "WARN",
            Status::Skip => "SKIP",
        };
        println!("  {tag}  {}: {}", c.check, c.detail);
        if let Some(fix) = &c.fix {
            println!("        fix: {fix}");
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &DoctorArgs) -> CmdResult {
    let mut sections = Vec::new();
    let mut head = Report::default();
    let session = match Session::open_selected(&global.conn, &args.select).await {
        Ok(s) => s,
        Err(f) if f.code == crate::failure::EXIT_USAGE => return Err(f),
        Err(f) => {
            head.fail(
                "Genesys credentials",
                f.message.clone(),
                "fix the credentials or the region named above",
            );
            return finish(
                global,
                vec![Section {
                    integration: None,
                    checks: head.checks,
                }],
            );
        }
    };
    let expiry = session.client.token_expiry().await?;
    let secs = expiry
        .duration_since(std::time::SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    head.pass(
        "Genesys credentials",
        format!(
            "org {} ({}) at {}, token valid {secs} s",
            session.org.name, session.org.id, session.target
        ),
    );
    let live = match read_live(&session.client).await {
        Ok(l) => {
            head.pass(
                "permissions",
                "integrations:integration:view granted (integrations listed)",
            );
            l
        }
        Err(e) => {
            head.fail(
                "permissions",
                e.to_string(),
                "grant the OAuth client a role with integrations:integration:view",
            );
            return finish(
                global,
                vec![Section {
                    integration: None,
                    checks: head.checks,
                }],
            );
        }
    };
    let chosen: Vec<_> = live
        .iter()
        .filter(|l| args.name.as_ref().is_none_or(|n| &l.name == n))
        .collect();
    if chosen.is_empty() {
        let what = match &args.name {
            Some(n) => format!("no EventBridge integration named \"{n}\""),
            None => "the org has no EventBridge integration".to_string(),
        };
        let names: Vec<&str> = live.iter().map(|l| l.name.as_str()).collect();
        let fix = if names.is_empty() {
            "create one with gcbridge apply".to_string()
        } else {
            format!("the org has: {}", names.join(", "))
        };
        head.fail("integration exists", what, fix);
        return finish(
            global,
            vec![Section {
                integration: None,
                checks: head.checks,
            }],
        );
    }
    sections.push(Section {
        integration: None,
        checks: head.checks,
    });
    let catalogue = session.catalogue().await?;
    for l in chosen {
        let mut report = Report::default();
        let configured = doctor::check_genesys(&mut report, l, &catalogue);
        if let (true, Some(id)) = (configured, l.source_id()) {
            let aws = AwsClients::new(&id.region, global.aws_endpoint.as_deref()).await;
            doctor::check_aws(&mut report, &aws, l, &session.org.id).await;
            if let Some(seconds) = args.probe {
                let bus_ok = report
                    .checks
                    .iter()
                    .any(|c| c.check == "event bus associated" && c.status == Status::Pass);
                if bus_ok {
                    doctor::probe(&mut report, &aws, &id.source_name(&session.org.id), seconds)
                        .await;
                } else {
                    report.skip("probe", "there is no associated bus to listen on");
                }
            }
        }
        sections.push(Section {
            integration: Some(format!("{} ({})", l.name, l.id)),
            checks: report.checks,
        });
    }
    finish(global, sections)
}

fn finish(global: &GlobalArgs, sections: Vec<Section>) -> CmdResult {
    let ok = sections
        .iter()
        .flat_map(|s| &s.checks)
        .all(|c| matches!(c.status, Status::Pass | Status::Warn));
    match global.output {
        OutputFormat::Json => print_json(&serde_json::json!({ "ok": ok, "sections": sections })),
        OutputFormat::Human => {
            for s in &sections {
                print_section(s);
            }
            let failed = sections
                .iter()
                .flat_map(|s| &s.checks)
                .filter(|c| c.status == Status::Fail)
                .count();
            println!(
                "\n{}",
                if ok {
                    "All checks passed.".to_string()
                } else {
                    format!("{failed} check(s) failed.")
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
