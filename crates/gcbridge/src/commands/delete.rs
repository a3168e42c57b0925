//! `gcbridge delete NAME`: remove one EventBridge integration, after confirmation; its twins (two
//! runs created the destination at once) go with it.

use gcbridge_core::{are_twins, read_live, LiveIntegration};
use serde_json::json;

use crate::cli::{DeleteArgs, GlobalArgs, OutputFormat};
use crate::confirm::confirm;
use crate::escape::{field, outln};
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;
use crate::session::{no_integration_named, Session};

pub async fn run(global: &GlobalArgs, args: &DeleteArgs) -> CmdResult {
    let session = Session::open_selected(global, &args.select).await?;
    let live = read_live(&session.client).await?;
    let matching: Vec<&LiveIntegration> = live.iter().filter(|l| l.name == args.name).collect();
    if matching.is_empty() {
        return Err(no_integration_named(&args.name, &session.org.name, &live));
    }
    if !are_twins(matching.iter().copied()) {
        return Err(not_twins(&args.name, &matching));
    }
    if global.output == OutputFormat::Human {
        for target in &matching {
            outln!(
                "Will delete {} ({}) in org {}: its events stop flowing to {}.",
                field(&target.name),
                field(&target.id),
                field(&session.org.name),
                target
                    .event_source_suffix
                    .as_deref()
                    .unwrap_or("(unconfigured)")
            );
        }
        if matching.len() > 1 {
            outln!(
                "These {} integrations are twins of one destination (two runs created it at once); all are deleted.",
                matching.len()
            );
        }
    }
    let question = if matching.len() > 1 {
        "Delete them?"
    } else {
        "Delete it?"
    };
    if !args.yes && !confirm(question, "--yes")? {
        return Err(Failure::failed("delete cancelled; nothing was changed"));
    }
    for target in &matching {
        match session.client.delete_integration(&target.id).await {
            // A twin another run removed meanwhile: gone is what was asked.
            Err(e) if e.is_not_found() => {}
            other => other?,
        }
    }
    let entry = |l: &&LiveIntegration| json!({"name": l.name, "id": l.id});
    match global.output {
        OutputFormat::Json => print_json(&json!({
            "deleted": entry(&matching[0]),
            "twins_deleted": matching[1..].iter().map(entry).collect::<Vec<_>>(),
        })),
        OutputFormat::Human => {
            for target in &matching {
                outln!("Deleted {} ({}).", field(&target.name), field(&target.id));
            }
        }
    }
    Ok(())
}

/// Several integrations of one name that send to different partner event sources: which one is
/// meant cannot be told from the name.
fn not_twins(name: &str, matching: &[&LiveIntegration]) -> Failure {
    let each: Vec<String> = matching
        .iter()
        .map(|l| match l.source_id() {
            Some(s) => format!("{} (suffix {})", l.id, s.suffix),
            None => format!("{} (unconfigured)", l.id),
        })
        .collect();
    Failure::failed(format!(
        "{} EventBridge integrations are named \"{name}\" and send to different partner event sources: {}; delete the unwanted ones in the admin UI, or describe the one to keep in a config file and run `gcbridge apply --prune`",
        matching.len(),
        each.join(", ")
    ))
}
