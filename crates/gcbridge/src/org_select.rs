//! `-f FILE [--org NAME]`: which config file (and org of it) a read command takes its connection
//! from; shared by the command list (`cli.rs`) and the argument files kept out of it.

use std::path::PathBuf;

use clap::Args;

/// Which org to talk to, when its connection is in a config file rather than flags or env.
#[derive(Debug, Args, Clone, Default)]
pub struct OrgSelect {
    /// Take the connection (region or api_url, credential env var names) from this config file.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The org of the file to use (required when the file has several).
    #[arg(long, value_name = "NAME", requires = "file")]
    pub org: Option<String>,
}
