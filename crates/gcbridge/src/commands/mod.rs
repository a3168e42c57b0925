//! One module per command.

pub mod delete;
pub mod demo;
pub mod doctor;
pub mod export;
pub mod plan_apply;
pub mod sim;
pub mod status;
pub mod tail;
pub mod topics;
pub mod validate;
pub mod whoami;
