//! The arguments of `gcbridge replay` (kept out of cli.rs, which holds the command list).

use clap::Args;

use crate::org_select::OrgSelect;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub select: OrgSelect,
    /// The destination (integration) name; its [destination.aws] must have an archive.
    pub name: String,
    /// Start of the window, inclusive: an RFC 3339 time (2026-12-03T08:00:00Z), a time that long
    /// ago (90s, 15m, 2h, 1h30m, 7d) or now. Events count by their own time.
    #[arg(long, value_name = "TIME")]
    pub from: String,
    /// End of the window, exclusive; the same forms as --from.
    #[arg(long, value_name = "TIME")]
    pub to: String,
    /// Replay only to this rule of the bus (repeat for more); default: every rule.
    #[arg(long = "rule", value_name = "RULE")]
    pub rules: Vec<String>,
    /// How long the counting queue must stay quiet after the replay ended before the count is
    /// final (EventBridge delivers asynchronously).
    #[arg(long, value_name = "SECONDS", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(0..=300))]
    pub settle: u64,
}
