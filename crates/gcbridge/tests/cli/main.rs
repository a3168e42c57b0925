//! The gcbridge CLI end to end, as a subprocess against the emulator on loopback (and moto, for
//! the AWS half): one test binary, one module per area, so the suite links once.

mod common;

mod api_check;
mod aws;
mod aws_faults;
mod aws_faults_more;
mod bad_input;
mod chain;
mod corpus;
mod delivery;
mod demo;
mod diagnostics;
mod endpoints;
mod events;
mod expect;
mod fault_matrix;
mod fifo;
mod fleet;
mod iam_enforced;
mod iam_policy;
mod json_docs;
mod json_errors;
mod lifecycle;
mod pipes;
mod regions;
mod replay;
mod roles;
mod secrets;
mod shell_and_editor;
mod temporary;
mod terraform;
mod trust;
