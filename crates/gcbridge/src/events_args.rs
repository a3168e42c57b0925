//! The arguments of `gcbridge events sample|send` and `gcbridge schema` (kept out of cli.rs, which
//! holds the command list).

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print sample events, one JSON document per line (offline, from the bundled catalogue).
    Sample(EventsSampleArgs),
    /// Put sample events on a custom bus with PutEvents (source `gcbridge.sample`: AWS refuses
    /// `aws.` sources there).
    Send(EventsSendArgs),
}

/// Which topics, and how many events of each.
#[derive(Debug, Args)]
pub struct EventsWhich {
    /// Topic templates, e.g. 'v2.users.{id}.presence' (default with --destination: its topics).
    pub topics: Vec<String>,
    /// Events per topic.
    #[arg(long, default_value_t = 1)]
    pub count: usize,
    /// Seed: the same seed prints the same events (ids, bodies and times).
    #[arg(long)]
    pub seed: Option<u64>,
    /// The destination of --file whose source, account, region (and topics) to use.
    #[arg(long, value_name = "NAME", requires = "file")]
    pub destination: Option<String>,
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EventsSampleArgs {
    #[command(flatten)]
    pub which: EventsWhich,
    /// The envelope's source (default: the destination's partner event source name).
    #[arg(long, conflicts_with = "destination")]
    pub source: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventsSendArgs {
    /// The custom bus: its name or ARN.
    #[arg(long, value_name = "NAME_OR_ARN")]
    pub bus: String,
    #[command(flatten)]
    pub which: EventsWhich,
    /// The events' source on the bus (must not start with `aws.`).
    #[arg(long, default_value = gcbridge_core::events::SEND_SOURCE)]
    pub source: String,
    /// The AWS region of the bus (default: from the ARN, else AWS_REGION, else us-east-1).
    #[arg(long)]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Topic templates (or --destination with --file: its topics).
    pub topics: Vec<String>,
    #[arg(long, value_name = "NAME", requires = "file")]
    pub destination: Option<String>,
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "json-schema")]
    pub format: SchemaFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaFormatArg {
    JsonSchema,
    Openapi,
}
