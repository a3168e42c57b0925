//! genesys-sim: a faithful local emulator of the Genesys Cloud API surface that gcbridge
//! uses (OAuth client credentials, organizations/me, integrations and their config,
//! integration types and config schemas, notification topics), so gcbridge can be tried,
//! demonstrated and tested without a Genesys org.
//!
//! It is not a client (that is `genesys-client`, which it deliberately does not use) and
//! not the `gcbridge sim` command (the binary builds a [`SimConfig`] and calls [`start`]).
//!
//! Like a moto service it is a backend (domain model, rules, lifecycle; no HTTP) plus a
//! thin responses layer (axum routes). The wire contract is the real Genesys API; the
//! Rust surface and the `/sim/v1/` test routes are pinned in docs/CONTRACTS.md.
//!
//! sim.toml takes the keys CONTRACTS.md lists plus two optional ones:
//! `rate_limit_window_secs` (default 60) and `state_file` (relative to the sim.toml).
//!
//! Fault injection ([`FaultRule`], [`FaultKind`]): `SimConfig::faults` and
//! `SimConfig::fault_seed`, in sim.toml a `fault_seed` key and `[[faults]]` tables
//! (`route`, `kind`, `rate`, `count`, and per kind `status`, `retry_after_secs` or `ms`),
//! and at run time `GET`/`PUT`/`POST`/`DELETE /sim/v1/faults`. Injected faults are
//! counted under `faultsInjected` in `/sim/v1/requests`.
//!
//! Beyond the contract the crate also offers [`start_with_hook`] and the [`lifecycle`]
//! module, the seam where activation can call AWS (CreatePartnerEventSource).

mod auth;
mod backend;
mod catalogue;
mod clock;
mod config;
mod connection;
mod errors;
mod faults;
mod integration_types;
pub mod lifecycle;
mod permissions;
mod persistence;
mod ratelimit;
mod request_log;
mod routes;
mod server;
mod state;
mod validation;
mod views;

pub use config::{
    ClientSpec, ConfigError, OrgSpec, SimConfig, ADMIN_CLIENT_ID, DEFAULT_ORG_ID, DEFAULT_ORG_NAME,
    DEFAULT_SECRET, NOBODY_CLIENT_ID, VIEWER_CLIENT_ID,
};
pub use faults::{FaultKind, FaultRule, FaultRuleError, KIND_NAMES as FAULT_KIND_NAMES};
pub use persistence::PersistError;
pub use server::{start, start_with_hook, RunningSim, StartError};
