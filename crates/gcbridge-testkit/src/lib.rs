//! Dev-only helpers shared by every test suite of the workspace, written once:
//!
//! - [`sim`]: an emulator on `127.0.0.1:0`, tokens, and its control API (request counters,
//!   reset, faults);
//! - [`moto`]: the one place a test learns moto's endpoint (or is skipped, loudly, or fails when
//!   moto is required), and AWS SDK clients pointed at it with static test keys;
//! - [`aws_faults`]: a fault-injecting proxy in front of moto (throttles, 500s, dropped
//!   connections, slow answers per AWS action), counting requests per action;
//! - [`moto_iam`]: a moto server of its own that enforces IAM, and IAM users holding one policy;
//! - [`moto_reads`]: what a test reads back from moto (a queue's policy, a role's inline policy)
//!   and the hand edits it makes to them (a queue policy, a role and its trust policy);
//! - [`lambda`]: a function in moto (with the IAM role moto wants), never run;
//! - [`sqs`]: a queue in moto, its policy, a rule routing a bus to it, and the drain loop (receive
//!   until N messages or a deadline);
//! - [`stored_secret`]: a Secrets Manager secret or an SSM parameter in moto;
//! - [`streams`]: Kinesis streams and Firehose delivery streams (to S3) in moto, read back;
//! - [`listeners`]: a counting "proxy" that answers 502 and a host that never answers;
//! - [`http_stub`]: a scripted HTTP/1.1 server on loopback for answers no emulator gives on demand;
//! - [`terraform`]: an exported Terraform file parsed back (resources, imports, local values,
//!   `jsonencode` evaluated) and `terraform fmt -check` on it where terraform is installed;
//! - [`config_file`]: the gcbridge.toml of one destination with an associated bus and its rules
//!   (or, for commands that only read the file, one on a Genesys region);
//! - [`cli`]: a program (the gcbridge binary) as a subprocess with a clean environment that can
//!   reach nothing but loopback and never loads real AWS credentials;
//! - [`running`]: such a subprocess in the background: wait for a stderr line, signal it.
//!
//! It depends on genesys-sim, never on genesys-client: the client's tests use it as a
//! dev-dependency only, so the client still never depends on the emulator in a normal build.

pub mod aws_faults;
pub mod cli;
pub mod config_file;
pub mod http_stub;
pub mod lambda;
pub mod listeners;
pub mod moto;
pub mod moto_iam;
pub mod moto_reads;
pub mod running;
pub mod sim;
pub mod sqs;
pub mod stored_secret;
pub mod streams;
pub mod terraform;
