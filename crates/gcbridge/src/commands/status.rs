//! `gcbridge status [NAME]`: the org's EventBridge integrations, their state and what they imply in AWS.

use gcbridge_core::partner_event_source_name;
use gcbridge_core::read_live;
use gcbridge_core::LiveIntegration;
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat, StatusArgs};
use crate::escape::{field, outln};
use crate::failure::CmdResult;
use crate::output::print_json;
use crate::session::{no_integration_named, Session};

#[derive(Serialize)]
struct Row<'a> {
    name: &'a str,
    id: &'a str,
    intended_state: &'static str,
    reported_state: Option<&'a str>,
    error_detail: Option<&'a str>,
    aws_account_id: Option<&'a str>,
    aws_region: Option<&'a str>,
    event_source_suffix: Option<&'a str>,
    partner_event_source: Option<String>,
    partner_event_bus_arn: Option<String>,
    topics: Vec<&'a str>,
}

fn row<'a>(l: &'a LiveIntegration, org_id: &str) -> Row<'a> {
    Row {
        name: &l.name,
        id: &l.id,
        intended_state: if l.enabled { "ENABLED" } else { "DISABLED" },
        reported_state: l.reported_code.as_deref(),
        error_detail: l.reported_detail.as_deref(),
        aws_account_id: l.aws_account_id.as_deref(),
        aws_region: l.aws_region.as_deref(),
        event_source_suffix: l.event_source_suffix.as_deref(),
        partner_event_source: l
            .event_source_suffix
            .as_deref()
            .map(|s| partner_event_source_name(org_id, s)),
        partner_event_bus_arn: l.source_id().map(|id| id.bus_arn(org_id)),
        topics: l.topics.iter().map(String::as_str).collect(),
    }
}

pub async fn run(global: &GlobalArgs, args: &StatusArgs) -> CmdResult {
    let session = Session::open_selected(global, &args.select).await?;
    let live = read_live(&session.client).await?;
    let selected: Vec<&LiveIntegration> = live
        .iter()
        .filter(|l| args.name.as_ref().is_none_or(|n| &l.name == n))
        .collect();
    if let (Some(name), true) = (&args.name, selected.is_empty()) {
        return Err(no_integration_named(name, &session.org.name, &live));
    }
    let rows: Vec<Row> = selected.iter().map(|l| row(l, &session.org.id)).collect();
    match global.output {
        OutputFormat::Json => print_json(&serde_json::json!({
            "org": {"id": session.org.id, "name": session.org.name},
            "integrations": rows,
        })),
        OutputFormat::Human => {
            outln!(
                "Org {} ({}): {} EventBridge integration(s)",
                field(&session.org.name),
                field(&session.org.id),
                rows.len()
            );
            for r in &rows {
                outln!();
                outln!("{} ({})", field(r.name), field(r.id));
                let reported = r.reported_state.unwrap_or("unknown");
                outln!(
                    "  state:     intended {}, reported {reported}",
                    r.intended_state
                );
                if let Some(d) = r.error_detail {
                    outln!("  error:     {}", field(d));
                }
                match (r.aws_account_id, r.aws_region, r.event_source_suffix) {
                    (Some(a), Some(g), Some(s)) => {
                        outln!("  aws:       account {a}, region {g}, suffix {s}");
                        outln!("  source:    {}", r.partner_event_source.as_deref().unwrap_or("-"));
                        outln!("  bus ARN:   {}", r.partner_event_bus_arn.as_deref().unwrap_or("-"));
                    }
                    _ => outln!("  aws:       not configured (an unfinished create; `gcbridge apply` completes it)"),
                }
                outln!("  topics:    {}", r.topics.len());
                for t in &r.topics {
                    outln!("    {}", field(t));
                }
            }
        }
    }
    Ok(())
}
