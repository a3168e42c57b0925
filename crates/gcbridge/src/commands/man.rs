//! `gcbridge man [--dir DIR]`: one man page per command (clap_mangen), from the command definition.

use clap::CommandFactory;
use serde_json::json;

use crate::cli::{Cli, GlobalArgs, ManArgs, OutputFormat};
use crate::failure::{CmdResult, Failure};
use crate::output::print_json;

pub fn run(global: &GlobalArgs, args: &ManArgs) -> CmdResult {
    let dir = &args.dir;
    let cannot = |e: std::io::Error| {
        Failure::failed(format!(
            "cannot write the man pages to {}: {e}",
            dir.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    // Built, each subcommand's name is `gcbridge-plan`: the page names follow.
    cmd.build();
    let mut written = Vec::new();
    write_pages(cmd, dir, &mut written).map_err(cannot)?;
    let pages: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    match global.output {
        OutputFormat::Json => print_json(&json!({ "dir": dir, "pages": pages })),
        OutputFormat::Human => {
            for page in &pages {
                println!("{page}");
            }
        }
    }
    Ok(())
}

/// The page of `cmd` and of every visible subcommand, as clap_mangen's `generate_to` writes them,
/// with the paths written.
fn write_pages(
    cmd: clap::Command,
    dir: &std::path::Path,
    written: &mut Vec<std::path::PathBuf>,
) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        write_pages(sub, dir, written)?;
    }
    written.push(clap_mangen::Man::new(cmd).generate_to(dir)?);
    Ok(())
}
