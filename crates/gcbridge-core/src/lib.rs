//! gcbridge's domain: what a user wants (desired state from a config file or flags), which topics
//! that means (catalogue, families, globs), how it differs from the live org (plan) and how to get
//! there safely (apply).
//!
//! Not here: HTTP details of the Genesys API (`genesys-client`), the emulator (`genesys-sim`), and
//! terminal rendering (the `gcbridge` binary).

pub mod apply;
pub mod arn;
pub mod aws;
pub mod aws_region;
pub mod aws_targets;
pub mod config;
pub mod desired;
pub mod doctor;
pub mod live;
pub mod plan;
pub mod resolve;
pub mod suggest;
#[cfg(debug_assertions)]
mod test_hooks;
pub mod topics;
