//! The command line: every command, flag and env var, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "gcbridge",
    version,
    about = "Stream Genesys Cloud events to Amazon EventBridge: configure, verify and emulate.",
    long_about = "gcbridge configures the Genesys Cloud `amazon-eventbridge-source` integration \
                  and its AWS half (the partner event source's bus, rules, targets and their \
                  permissions) idempotently (plan, apply, export, destroy; the live org is the \
                  state), chooses topics from the live catalogue, proves delivery (doctor, tail), \
                  and ships `gcbridge sim`, a local emulator of the Genesys Cloud API.\n\n\
                  Exit codes: 0 success, 1 failure, 2 bad usage or bad input."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Output format: human tables, or one JSON document on stdout.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
    /// More logs on stderr: -v info, -vv debug, -vvv trace. Secrets and tokens are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(flatten)]
    pub conn: ConnectionArgs,
    /// AWS endpoint URL for every AWS call (moto, LocalStack, a VPC endpoint). Default: the
    /// standard AWS_ENDPOINT_URL, else AWS. Credentials come from the standard AWS chain.
    #[arg(long, global = true, value_name = "URL")]
    pub aws_endpoint: Option<String>,
}

/// How to reach the Genesys org. Values not given here come from the config file, else from the
/// environment (GENESYS_* or GENESYSCLOUD_* names) or a `.env` file in the working directory.
#[derive(Args, Clone, Default)]
pub struct ConnectionArgs {
    /// Genesys Cloud region: AWS-style code (us-east-1), SDK name (us_east_1), domain
    /// (mypurecloud.com) or API base URL. Env: GENESYS_REGION or GENESYSCLOUD_REGION.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// API base URL, overriding the region (the emulator, a proxy). Env: GENESYS_API_URL.
    #[arg(long, global = true, value_name = "URL")]
    pub api_url: Option<String>,
    /// Login base URL for the token endpoint; default: https://login.<domain>/oauth/token for an
    /// https://api.<domain> URL, else <api-url>/oauth/token. Env: GENESYS_LOGIN_URL.
    #[arg(long, global = true, value_name = "URL")]
    pub login_url: Option<String>,
    /// OAuth client id. Env: GENESYS_CLIENT_ID or GENESYSCLOUD_OAUTHCLIENT_ID.
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// OAuth client secret (prefer the env var: flags show in process lists).
    /// Env: GENESYS_CLIENT_SECRET or GENESYSCLOUD_OAUTHCLIENT_SECRET.
    #[arg(long, global = true, value_name = "SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// Overall deadline of each Genesys Cloud call, retries included, in seconds (default 60).
    /// Env: GENESYS_TIMEOUT_SECS.
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<u64>,
}

/// By hand, because `--client-secret` must not show up in `{:?}` of the parsed command line:
/// core's `ConnectionFlags` already prints it redacted.
impl std::fmt::Debug for ConnectionArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.flags().fmt(f)
    }
}

impl ConnectionArgs {
    /// The connection flags in core's terms.
    pub fn flags(&self) -> gcbridge_core::config::ConnectionFlags {
        if self.client_secret.is_some() {
            crate::connect::warn_secret_flag();
        }
        gcbridge_core::config::ConnectionFlags {
            region: self.region.clone(),
            api_url: self.api_url.clone(),
            login_url: self.login_url.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            timeout_secs: self.timeout,
        }
    }
}

// Lane events: the argument types of `events` and `schema`.
pub use crate::events_args::{EventsCommand, EventsWhich, SchemaArgs, SchemaFormatArg};
pub use crate::iam_policy_args::IamPolicyArgs;
pub use crate::org_select::OrgSelect;
pub use crate::replay_args::ReplayArgs;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Who the credentials are: org, region, client, token expiry, integration permissions.
    Whoami(WhoamiArgs),
    /// Read-only: how this org's API answers every read gcbridge makes (missing and unknown
    /// fields, unknown enum values, rate budgets, expand honoured); safe to paste in a bug report.
    ApiCheck(ApiCheckArgs),
    /// The live topic catalogue, filtered.
    #[command(after_help = gcbridge_core::topics::families_help())]
    Topics(TopicsArgs),
    /// Show what `apply` would change, and change nothing.
    Plan(ApplyArgs),
    /// Make the destination(s) exist exactly as described.
    Apply(ApplyArgs),
    /// The org's EventBridge integrations and their state.
    Status(StatusArgs),
    /// Delete an EventBridge integration by name.
    Delete(DeleteArgs),
    /// Delete exactly the integrations a config file describes.
    Destroy(DestroyArgs),
    /// Write the live EventBridge integrations as a config file (plan then reports them unchanged).
    Export(ExportArgs),
    /// Check a config file: offline (schema, values, duplicates, the bundled topic catalogue), or
    /// against each org's live catalogue with --online.
    Validate(ValidateArgs),
    /// Walk the whole chain (Genesys integration -> partner event source -> bus -> rules ->
    /// targets) and say what is wrong and how to fix it. Exit 0 only when every check passes.
    Doctor(DoctorArgs),
    /// Show a destination's events as they arrive on its partner event bus (a temporary SQS
    /// queue and rule, removed on exit).
    Tail(TailArgs),
    /// Replay a window of a destination's archive onto its bus (every rule, or --rule), wait for
    /// it with a progress bar and count the events replayed. Ctrl-C cancels the replay.
    Replay(ReplayArgs),
    /// Run the whole flow against an embedded emulator: no network, no credentials.
    Demo(DemoArgs),
    /// Run the Genesys Cloud API emulator.
    Sim(SimArgs),
    /// Print the least-privilege AWS IAM policy gcbridge needs for a config file (every call of
    /// plan, apply, doctor, tail, replay and destroy, scoped to its ARNs) and the Genesys permissions.
    IamPolicy(IamPolicyArgs),
    /// Print the JSON Schema of gcbridge.toml (both forms), for editors: taplo / Even Better TOML
    /// read it from a `#:schema ./gcbridge.schema.json` first line.
    ConfigSchema,
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(CompletionsArgs),
    /// Write the man pages: gcbridge.1 and one per command (gcbridge-plan.1, ...).
    Man(ManArgs),
    /// Synthetic Genesys events, exactly as they arrive on the partner bus: print them, or put them
    /// on a custom bus to drive rules and targets before real traffic.
    #[command(subcommand)]
    Events(EventsCommand),
    /// The JSON Schema (draft 2020-12) or OpenAPI 3 of topics' events as they arrive on the bus.
    Schema(SchemaArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Where to write the pages (created if missing).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {
    #[command(flatten)]
    pub select: OrgSelect,
}

#[derive(Debug, Args)]
pub struct ApiCheckArgs {
    #[command(flatten)]
    pub select: OrgSelect,
}

#[derive(Debug, Args)]
pub struct TopicsArgs {
    #[command(flatten)]
    pub select: OrgSelect,
    /// Only topics whose id or description contains TEXT (case-insensitive).
    #[arg(long)]
    pub search: Option<String>,
    /// Only topics of a family (see below), or matching a glob like 'v2.users.*'.
    #[arg(long)]
    pub family: Option<String>,
    /// Include topics that EventBridge does not carry.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct DestinationFlags {
    /// Destination (integration) name.
    #[arg(long)]
    pub name: Option<String>,
    /// Free text stored as the integration's notes.
    #[arg(long)]
    pub description: Option<String>,
    /// The 12-digit AWS account that receives the events.
    #[arg(long, value_name = "ACCOUNT")]
    pub aws_account_id: Option<String>,
    /// AWS region of the event bus, e.g. us-east-1.
    #[arg(long, value_name = "AWS_REGION")]
    pub aws_region: Option<String>,
    /// Event source suffix: the partner event source is aws.partner/genesys.com/cloud/ORGID/SUFFIX.
    #[arg(long)]
    pub suffix: Option<String>,
    /// Partner event bus (or event source) ARN, instead of the three flags above.
    #[arg(long, value_name = "ARN")]
    pub event_bus_arn: Option<String>,
    /// A topic template, family or glob; repeatable.
    #[arg(long = "topic", value_name = "TOPIC")]
    pub topics: Vec<String>,
    /// Comma-separated families, e.g. conversation,user,routing.
    #[arg(long, value_delimiter = ',', value_name = "FAMILIES")]
    pub event_types: Vec<String>,
    /// Create or leave the integration disabled.
    #[arg(long)]
    pub disabled: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A gcbridge.toml describing the destinations (instead of the destination flags).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub dest: DestinationFlags,
    /// Also delete live EventBridge integrations that the file does not describe.
    #[arg(long)]
    pub prune: bool,
    /// With --prune, accept an org that lists no destination (every integration of it is deleted).
    #[arg(long)]
    pub allow_empty: bool,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Wait until enabled integrations report ACTIVE.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits, in seconds.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub wait_timeout: u64,
    /// How many orgs are planned and applied at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64), value_name = "N")]
    pub parallel: u16,
    /// How many destinations of one org are applied at the same time (requests stay paced under
    /// the org's rate limit).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32), value_name = "N")]
    pub concurrency: u16,
    /// plan only: exit 0 when nothing would change, 2 when something would, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub select: OrgSelect,
    /// Only the integration with this name.
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(flatten)]
    pub select: OrgSelect,
    /// The integration's name.
    pub name: String,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The config file whose destinations are deleted.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// How many orgs are handled at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64), value_name = "N")]
    pub parallel: u16,
    /// How many destinations of one org are removed at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32), value_name = "N")]
    pub concurrency: u16,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A config file whose orgs (connections) are exported; without it, the org of the
    /// connection flags / environment.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Only this org of the file.
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
    /// toml: a gcbridge.toml that `plan` reports as unchanged. terraform: HCL for the genesyscloud
    /// and aws providers, with an import block carrying each live id (the AWS half is the file's
    /// [destination.aws], read from the account as `plan` reads it).
    #[arg(long, value_enum, default_value_t = ExportFormat::Toml)]
    pub format: ExportFormat,
}

/// What `gcbridge export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ExportFormat {
    #[default]
    Toml,
    Terraform,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The config file to check.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
    /// Also connect to each org and check the topics against its live catalogue.
    #[arg(long)]
    pub online: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub select: OrgSelect,
    /// Only the EventBridge integration with this name (default: all of them).
    pub name: Option<String>,
    /// Also listen on the bus for this many seconds and count the events per topic.
    #[arg(long, value_name = "SECONDS", value_parser = whole_seconds(1, 3600))]
    pub probe: Option<u64>,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    #[command(flatten)]
    pub select: OrgSelect,
    /// The destination (integration) name.
    pub name: String,
    /// Only events whose topic (template or concrete) matches this glob, e.g. 'v2.users.*'.
    #[arg(long, value_name = "GLOB")]
    pub topic: Option<String>,
    /// Stop after this many seconds (default: until Ctrl-C).
    #[arg(long = "for", value_name = "SECONDS", value_parser = whole_seconds(1, 86400))]
    pub for_secs: Option<u64>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Emulator activation delay in milliseconds (ACTIVATING -> ACTIVE).
    #[arg(long, default_value_t = 300)]
    pub activation_delay_ms: u64,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Address to listen on. Only loopback unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub listen: String,
    /// Allow listening on a non-loopback address (the emulator has no real security).
    #[arg(long)]
    pub allow_remote: bool,
    /// Orgs and OAuth clients (sim.toml); default: one org with gcbridge-sim-admin, -viewer, -nobody.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Lifetime of issued tokens.
    #[arg(long)]
    pub token_ttl_secs: Option<u64>,
    /// Delay of ACTIVATING -> ACTIVE and DEACTIVATING -> INACTIVE.
    #[arg(long)]
    pub activation_delay_ms: Option<u64>,
    /// Requests per minute allowed per OAuth client.
    #[arg(long)]
    pub rate_limit_per_minute: Option<u32>,
    /// Latency added to every API request.
    #[arg(long)]
    pub latency_ms: Option<u64>,
    /// Write each request's start and end (microseconds) to this file, for counting round trips.
    #[arg(long, value_name = "FILE")]
    pub request_trace: Option<PathBuf>,
    /// Keep the state in this file across restarts (written atomically after each change).
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    /// Play Genesys's side against this EventBridge API (e.g. moto's http://127.0.0.1:5000):
    /// create/delete the partner event sources of the integrations, publish events.
    #[arg(long, value_name = "URL")]
    pub eventbridge_endpoint: Option<String>,
    /// The partner's AWS account, sent as x-moto-account-id [default: 111111111111].
    #[arg(long, value_name = "ID")]
    pub partner_account: Option<String>,
    /// Synthetic events per second for each ACTIVE EventBridge integration (needs
    /// --eventbridge-endpoint) [default: 0].
    #[arg(long, value_name = "N")]
    pub events_per_second: Option<f64>,
    /// A fault-injection rule, repeatable, in force from the start (more can be set at run time
    /// through /sim/v1/faults): JSON ('{"kind": "status", "status": 503, "rate": 0.3}') or
    /// kind[:arg][,key=value]..., e.g. 'status:503,rate=0.3', 'rate-limit:1,rate=0.1',
    /// 'latency:200', 'lose-response,route=POST /api/v2/integrations,count=1'. Kinds: status,
    /// rate-limit, latency, close-connection, truncated-body, slow-token, revoke-token,
    /// concurrent-edit, lose-response. Added after the [[faults]] of --config.
    #[arg(long = "fault", value_name = "RULE")]
    pub faults: Vec<genesys_sim::FaultRule>,
    /// Seed of the RNG that rolls fault rates, for a repeatable run [default: random].
    #[arg(long, value_name = "N")]
    pub fault_seed: Option<u64>,
    /// Play an API variant public sources cannot rule out, repeatable: no-expand, strict-create,
    /// consistency-lag[=MS] (default 1500), deleted-linger[=S] (default 3), extra-fields,
    /// null-error-parts, reset-rounds-down, or all. Added to the quirks of --config and of the GCBRIDGE_SIM_QUIRKS
    /// env var (comma-separated, same names).
    #[arg(long = "quirk", value_name = "NAME[=VALUE]")]
    pub quirks: Vec<String>,
}

/// A count of seconds from `min` to `max`; `0.5` or `1m` are told that seconds are whole numbers.
fn whole_seconds(min: u64, max: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |text: &str| {
        let secs: u64 = text.trim().parse().map_err(|_| {
            format!("seconds must be a whole number from {min} to {max} (e.g. 30), not '{text}'")
        })?;
        if (min..=max).contains(&secs) {
            Ok(secs)
        } else {
            Err(format!(
                "{secs} is out of range: give {min} to {max} seconds"
            ))
        }
    }
}
