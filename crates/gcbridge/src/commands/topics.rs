//! `gcbridge topics`: the live topic catalogue, filtered by text, family or glob.

use gcbridge_core::topics::{glob, Selector};
use serde::Serialize;

use crate::cli::{GlobalArgs, OutputFormat, TopicsArgs};
use crate::escape::{field, outln};
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;
use crate::session::Session;

#[derive(Serialize)]
struct TopicRow<'a> {
    id: &'a str,
    description: Option<&'a str>,
    eventbridge: bool,
}

pub async fn run(global: &GlobalArgs, args: &TopicsArgs) -> CmdResult {
    let session = Session::open_selected(global, &args.select).await?;
    let catalogue = session.catalogue().await?;
    let fams = catalogue.families();
    let family_filter = match &args.family {
        None => None,
        Some(text) => {
            match Selector::parse(text).map_err(|e| Failure::usage(format!("--family: {e}")))? {
                Selector::Glob(p) => Some(vec![p]),
                Selector::Family(name) => match fams.iter().find(|f| f.name == name) {
                    Some(f) => Some(f.patterns.clone()),
                    None => {
                        let names: Vec<&str> = fams.iter().map(|f| f.name.as_str()).collect();
                        let close = gcbridge_core::closest(&name, names.iter().copied(), 3);
                        let hint = if close.is_empty() {
                            String::new()
                        } else {
                            format!("did you mean {}? ", gcbridge_core::quoted_list(&close))
                        };
                        return Err(Failure::usage(format!(
                            "--family: \"{name}\" is not a topic family; {hint}families: {}",
                            names.join(", ")
                        )));
                    }
                },
                Selector::Exact(id) => Some(vec![id]),
            }
        }
    };
    let search = args.search.as_ref().map(|s| s.to_lowercase());
    let rows: Vec<TopicRow> = catalogue
        .all()
        .filter(|t| args.all || t.eventbridge)
        .filter(|t| {
            family_filter
                .as_ref()
                .is_none_or(|ps| ps.iter().any(|p| glob::matches(p, &t.id)))
        })
        .filter(|t| {
            search.as_ref().is_none_or(|s| {
                t.id.to_lowercase().contains(s)
                    || t.description
                        .as_ref()
                        .is_some_and(|d| d.to_lowercase().contains(s))
            })
        })
        .map(|t| TopicRow {
            id: &t.id,
            description: t.description.as_deref(),
            eventbridge: t.eventbridge,
        })
        .collect();
    match global.output {
        OutputFormat::Json => {
            print_json(&serde_json::json!({ "count": rows.len(), "topics": rows }))
        }
        OutputFormat::Human => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &rows {
                let marker = if r.eventbridge {
                    ""
                } else {
                    "  [not on EventBridge]"
                };
                outln!(
                    "{:<width$}  {}{marker}",
                    field(r.id),
                    field(r.description.unwrap_or(""))
                );
            }
            outln!("{} topic(s)", rows.len());
        }
    }
    Ok(())
}
