//! What the demo leaves: printed for a human, or one JSON document with every step, its timing and
//! result, and the number of events received.

use std::time::Instant;

use gcbridge_core::{partner_event_source_name, SourceId};

use super::{Steps, ACCOUNT, AWS_REGION};
use crate::escape::outln;
use crate::output::print_json;
use crate::session::Session;

/// The one command that runs the rest when moto could not be started.
const GET_THE_REST: &str =
    "install python3 (with venv, e.g. `apt install python3-venv`), then `cargo run --release -- demo`";

pub struct Summary {
    pub id: String,
    pub suffix: String,
    pub topics: usize,
    pub writes: u64,
    pub events_received: usize,
    /// Where the AWS half ran.
    pub aws: String,
    /// Why the AWS half did not run.
    pub skipped: Option<String>,
    pub total: Instant,
}

pub fn finish(human: bool, session: &Session, steps: &Steps, s: Summary) {
    let org_id = &session.org.id;
    let bus_arn = SourceId::new(ACCOUNT, AWS_REGION, &s.suffix).bus_arn(org_id);
    let source = partner_event_source_name(org_id, &s.suffix);
    let millis = s.total.elapsed().as_millis();
    if !human {
        print_json(&serde_json::json!({
            "ok": true,
            "org_id": org_id,
            "integration_id": s.id,
            "topics": s.topics,
            "partner_event_source": source,
            "event_bus_arn": bus_arn,
            "aws": s.aws,
            "skipped": s.skipped.as_ref().map(|why| serde_json::json!({
                "what": "the AWS half (partner event source, bus, rules, events, doctor, error 4)",
                "why": why,
                "get_the_rest": GET_THE_REST,
            })),
            "events_received": s.events_received,
            "rerun_writes": s.writes,
            "steps": steps.reports,
            "total_millis": millis,
        }));
        return;
    }
    match &s.skipped {
        None => {
            outln!(
                "\nDone in {millis} ms: {} events received through {bus_arn}, doctor green, the four errors handled, the re-run unchanged.",
                s.events_received
            );
            outln!("AWS: {}", s.aws);
        }
        Some(why) => {
            outln!("\nDone in {millis} ms, the Genesys half only.");
            outln!("Skipped the AWS half (partner event source {source}, its bus, rules to SQS and Logs,");
            outln!("events arriving, doctor, the \"events not appearing\" error): {why}.");
            outln!("To get the rest: {GET_THE_REST}");
            outln!("(or point it at a running moto or LocalStack: `gcbridge demo --aws-endpoint URL`).");
        }
    }
}
