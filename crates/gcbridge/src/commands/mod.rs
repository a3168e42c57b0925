//! One module per command.

pub mod api_check;
pub mod apply;
mod carry_out;
pub mod completions;
pub mod config_schema;
pub mod delete;
pub mod demo;
pub mod destroy;
pub mod doctor;
pub mod export;
mod export_terraform;
pub mod iam_policy;
pub mod man;
pub mod plan;
pub mod replay;
pub mod sim;
pub mod status;
pub mod tail;
pub mod topics;
pub mod validate;
pub mod whoami;
// Lane events: synthetic events and their schemas.
pub mod events;
mod events_which;
pub mod schema;
