//! `gcbridge events sample|send`: synthetic Genesys events, printed one JSON document per line or
//! put on a custom bus with PutEvents.

use gcbridge_core::events::{self, Origin, Sampler};
use gcbridge_core::AwsClients;
use serde_json::Value;

use super::events_which::which;
use crate::cli::{EventsCommand, EventsWhich, GlobalArgs, OutputFormat};
use crate::escape::{field, outln};
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;

pub async fn run(global: &GlobalArgs, cmd: &EventsCommand) -> CmdResult {
    match cmd {
        EventsCommand::Sample(a) => {
            let (topics, origin) = origin_of(&a.which)?;
            let origin = match &a.source {
                Some(s) => Origin {
                    source: s.clone(),
                    ..origin
                },
                None => origin,
            };
            for e in generate(&a.which, &topics, &origin) {
                println!("{e}");
            }
            Ok(())
        }
        EventsCommand::Send(a) => {
            events::check_send_source(&a.source).map_err(Failure::usage)?;
            let (topics, origin) = origin_of(&a.which)?;
            let region = a
                .region
                .clone()
                .or_else(|| region_of_arn(&a.bus))
                .or_else(|| std::env::var("AWS_REGION").ok())
                .unwrap_or_else(|| origin.region.clone());
            let sample = generate(&a.which, &topics, &origin);
            let aws = AwsClients::new(&region, global.aws_endpoint.as_deref()).await;
            let report = events::send(&aws, &a.bus, &a.source, &sample)
                .await
                .map_err(|e| Failure::failed(e.to_string()))?;
            match global.output {
                OutputFormat::Json => print_json(&report),
                OutputFormat::Human => {
                    outln!("sent {} event(s) to {}", report.sent, field(&a.bus));
                    for e in &report.errors {
                        outln!("  failed: {}", field(e));
                    }
                }
            }
            if report.failed > 0 {
                return Err(Failure::failed(format!(
                    "PutEvents: {} of {} entries failed (FailedEntryCount)",
                    report.failed,
                    sample.len()
                )));
            }
            Ok(())
        }
    }
}

fn origin_of(w: &EventsWhich) -> Result<(Vec<String>, Origin), Failure> {
    if w.count == 0 {
        return Err(Failure::usage("--count: at least 1"));
    }
    let (topics, origin) = which(&w.topics, w.destination.as_deref(), w.file.as_deref())?;
    Ok((topics, origin.unwrap_or_default()))
}

fn generate(w: &EventsWhich, topics: &[String], origin: &Origin) -> Vec<Value> {
    let mut sampler = match w.seed {
        Some(s) => Sampler::seeded(s),
        None => Sampler::random(),
    };
    sampler.events(topics, w.count, origin)
}

/// The region of `arn:aws:events:REGION:ACCOUNT:event-bus/NAME`.
fn region_of_arn(bus: &str) -> Option<String> {
    let rest = bus.strip_prefix("arn:")?;
    rest.split(':').nth(2).map(String::from)
}
