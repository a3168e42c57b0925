//! The `gcbridge` command: parses the command line and runs one command.
//!
//! Exit codes: 0 success, 1 failure, 2 bad usage or bad input; 141 a closed stdout; for `tail`,
//! `doctor` and `replay`, 130, 143 and 129 after SIGINT, SIGTERM and SIGHUP (their temporary
//! resources removed, a replay cancelled).

mod cli;
mod commands;
mod confirm;
mod connect;
mod desired_input;
mod error_json;
mod escape;
mod events_args;
mod failure;
mod fleet;
mod iam_policy_args;
mod logging;
mod org_select;
mod output;
mod progress;
mod render_diagnostics;
mod render_outcomes;
mod render_plan;
mod replay_args;
mod session;
mod signals;

use clap::Parser;

use cli::{Cli, Command};
use failure::CmdResult;

fn main() {
    output::quiet_on_closed_stdout();
    let cli = parse();
    logging::init(cli.global.verbose);
    let json = cli.global.output == cli::OutputFormat::Json;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the tokio runtime starts");
    let result = runtime.block_on(run(cli));
    if let Err(failure) = result {
        if json {
            error_json::print_unless_printed(&failure);
        }
        if !failure.message.is_empty() {
            eprintln!("error: {}", escape::lines(&failure.message));
        }
        std::process::exit(failure.code);
    }
}

/// The command line, or clap's exit: its usage text on stderr, and with `--output json` the error
/// document on stdout too (`--help` and `--version` print as they always do).
fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            if error_json::asked_for(&args) {
                output::print_json(&error_json::usage_document(&e.render().to_string()));
            }
            e.exit()
        }
    }
}

async fn run(cli: Cli) -> CmdResult {
    let g = &cli.global;
    match &cli.command {
        Command::Whoami(a) => commands::whoami::run(g, a).await,
        Command::ApiCheck(a) => commands::api_check::run(g, a).await,
        Command::Topics(a) => commands::topics::run(g, a).await,
        Command::Plan(a) => commands::plan::run(g, a).await,
        Command::Apply(a) => commands::apply::run(g, a).await,
        Command::Status(a) => commands::status::run(g, a).await,
        Command::Delete(a) => commands::delete::run(g, a).await,
        Command::Destroy(a) => commands::destroy::run(g, a).await,
        Command::Export(a) => commands::export::run(g, a).await,
        Command::Validate(a) => commands::validate::run(g, a).await,
        // These create temporary AWS resources (replay: and a replay): a signal removes them
        // (cancels it) before the exit.
        Command::Doctor(a) => signals::guarded(commands::doctor::run(g, a)).await,
        Command::Tail(a) => signals::guarded(commands::tail::run(g, a)).await,
        Command::Replay(a) => signals::guarded(commands::replay::run(g, a)).await,
        Command::Demo(a) => commands::demo::run(g, a).await,
        Command::Sim(a) => commands::sim::run(a).await,
        Command::IamPolicy(a) => commands::iam_policy::run(g, a),
        Command::ConfigSchema => commands::config_schema::run(),
        Command::Completions(a) => commands::completions::run(a),
        Command::Man(a) => commands::man::run(g, a),
        Command::Events(c) => commands::events::run(g, c).await,
        Command::Schema(a) => commands::schema::run(g, a),
    }
}
