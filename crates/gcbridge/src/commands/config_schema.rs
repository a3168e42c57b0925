//! `gcbridge config-schema`: the JSON Schema of gcbridge.toml, as core derives it from the types
//! the loader reads (so the schema an editor checks against is the one gcbridge applies).

use crate::failure::CmdResult;
use crate::output::print_json_unversioned;

pub fn run() -> CmdResult {
    print_json_unversioned(gcbridge_core::config::json_schema());
    Ok(())
}
