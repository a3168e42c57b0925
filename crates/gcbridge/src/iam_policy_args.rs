//! The arguments of `gcbridge iam-policy` (commands/iam_policy.rs).

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct IamPolicyArgs {
    /// The config file whose destinations, rules, targets and secrets the policy covers.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,
}
