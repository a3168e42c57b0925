//! gcbridge-core's integration tests, one binary: the config file loader, property tests of the
//! input parsers, and the apply engine against the emulator on loopback.

mod apply_against_sim;
mod config_file;
mod properties;
