//! `gcbridge completions SHELL`: the completion script clap_complete writes from the command
//! definition, so every command and flag completes as it is.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::failure::{CmdResult, Failure};
use crate::output::EXIT_CLOSED_STDOUT;

pub fn run(args: &CompletionsArgs) -> CmdResult {
    // Into memory first: clap_complete panics on a failed write, and `| head` must end quietly.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "gcbridge", &mut script);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(Failure::exit(EXIT_CLOSED_STDOUT))
        }
        Err(e) => Err(Failure::failed(format!(
            "cannot write the completion script: {e}"
        ))),
    }
}
