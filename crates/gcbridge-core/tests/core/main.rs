//! gcbridge-core's integration tests, one binary: the config file loader, its writer and the
//! connection precedence rule, converge and doctor against the emulator and moto, property tests of
//! the input parsers, the apply engine against the emulator on loopback, and the API variants of
//! issue 10 against a scripted API.

mod common;

mod api_variants;
mod apply_against_sim;
mod archive;
mod chain;
mod concurrent;
mod config_expect;
mod config_file;
mod config_precedence;
mod config_roundtrip;
mod config_schema;
mod config_shape;
mod config_targets;
mod converge;
mod demo;
mod doctor;
mod events;
mod expect;
mod fake_api;
mod iam_policy;
mod properties;
mod secrets_from_aws;
mod temporary;
mod terraform;
