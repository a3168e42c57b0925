//! `gcbridge schema`: the JSON Schema or OpenAPI 3 of topics' events, envelope and body. One topic
//! prints its document; several print one object of documents by topic.

use gcbridge_core::events::{event_schema, SchemaFormat};
use serde_json::{Map, Value};

use super::events_which::which;
use crate::cli::{GlobalArgs, SchemaArgs, SchemaFormatArg};
use crate::failure::CmdResult;
use crate::output::print_json;

pub fn run(_global: &GlobalArgs, args: &SchemaArgs) -> CmdResult {
    let (topics, _) = which(
        &args.topics,
        args.destination.as_deref(),
        args.file.as_deref(),
    )?;
    let format = match args.format {
        SchemaFormatArg::JsonSchema => SchemaFormat::JsonSchema,
        SchemaFormatArg::Openapi => SchemaFormat::OpenApi,
    };
    // Topics are checked against the catalogue above, so each has a schema.
    let docs: Map<String, Value> = topics
        .iter()
        .filter_map(|t| event_schema(t, format).map(|s| (t.clone(), s)))
        .collect();
    if docs.len() == 1 {
        print_json(&docs.into_iter().next().map(|(_, v)| v));
    } else {
        print_json(&docs);
    }
    Ok(())
}
