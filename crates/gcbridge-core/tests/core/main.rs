//! gcbridge-core's integration tests, one binary: the config file loader, its writer and the
//! connection precedence rule, property tests of the input parsers, and the apply engine against
//! the emulator on loopback, and the API variants of issue 10 against a scripted API.

mod api_variants;
mod apply_against_sim;
mod config_file;
mod config_precedence;
mod config_roundtrip;
mod converge;
mod fake_api;
mod properties;
