//! End-to-end tests of the emulator over real HTTP on loopback: one test binary, one
//! module per API area, so the whole suite links once.

mod common;

mod auth;
mod config_current;
mod control;
mod durability;
mod eventbridge;
mod faults;
mod integrations;
mod lifecycle;
mod malformed_requests;
mod orgs;
mod persistence;
mod quirks;
mod ratelimit;
mod topics_types;
