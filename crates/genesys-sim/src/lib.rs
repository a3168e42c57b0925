//! genesys-sim: a faithful local emulator of the Genesys Cloud API surface that gcbridge
//! uses (OAuth client credentials, organizations/me, integrations and their config,
//! integration types and config schemas, notification topics), so gcbridge can be tried,
//! demonstrated and tested without a Genesys org.
//!
//! It is not a client (that is `genesys-client`, which it deliberately does not use) and
//! not the `gcbridge sim` command (the binary builds a [`SimConfig`] and calls [`start`]).
//!
//! It is laid out like a moto service: `route_table` is the routes as data (moto's
//! `urls.py`); `backend` the state machine (auth and tokens, rate limits, lifecycle,
//! validation, catalogue, permissions, integration types, integrations; no HTTP, like
//! `models.py`); `gateway` and `routes` the HTTP layer (`responses.py`): the gateway
//! every request passes (latency, faults, auth, rate limit, counters) and one thin
//! handler module per resource; `errors` the Genesys error bodies (`exceptions.py`).
//! `faults` holds the fault rules and decides which fire; `server` binds and serves.
//! The wire contract is the real Genesys API; the Rust surface and the `/sim/v1/` test
//! routes are pinned in docs/CONTRACTS.md.
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
//! Quirks ([`Quirks`], the table [`QUIRKS`]): API variants public sources cannot rule
//! out, off by default; `SimConfig::quirks`, sim.toml `quirks = ["no-expand",
//! "consistency-lag=1500"]` (or `["all"]`), shown at `GET /sim/v1/quirks`.
//!
//! Beyond the contract the crate also offers [`start_with_hook`] and the [`lifecycle`]
//! module, the seam where activation can call AWS.
//!
//! EventBridge, the partner side (`SimConfig::eventbridge_endpoint`, `partner_account`,
//! `events_per_second`; sim.toml keys of the same names): with an endpoint, [`start`]
//! plays Genesys against that EventBridge API (moto in tests) with the official AWS SDK.
//! Partner event sources follow the integrations (`aws_partner`: CreatePartnerEventSource
//! on activation, which completes before ACTIVE; DeletePartnerEventSource on disable,
//! delete, or a change of account, region or suffix; an AWS error is the integration's
//! ERROR message), and events are published with PutPartnerEvents (`publisher`, bodies
//! from `event_factory`): `events_per_second` per ACTIVE integration in the background,
//! and on demand through `POST /sim/v1/events`. Every AWS call carries
//! `x-moto-account-id: <partner_account>` and static dummy credentials. Without an
//! endpoint nothing calls AWS.

mod aws_partner;
mod backend;
mod clock;
mod config;
mod connection;
mod errors;
mod event_factory;
mod faults;
mod gateway;
mod persistence;
mod publisher;
mod request_log;
mod request_trace;
mod route_table;
mod routes;
mod server;
mod state;
mod state_guard;
mod sync;
mod views;

pub use aws_partner::{source_name, MotoAccount, MOTO_ACCOUNT_HEADER};
/// The lifecycle hook seam, reachable at `genesys_sim::lifecycle` as before the backend
/// folder held it.
pub use backend::lifecycle;
pub use backend::quirks::{QuirkError, QuirkSpec, Quirks, QUIRKS};
pub use config::{
    ClientSpec, ConfigError, OrgSpec, SimConfig, ADMIN_CLIENT_ID, DEFAULT_ORG_ID, DEFAULT_ORG_NAME,
    DEFAULT_PARTNER_ACCOUNT, DEFAULT_SECRET, MAX_EVENTS_PER_SECOND, NOBODY_CLIENT_ID,
    VIEWER_CLIENT_ID,
};
pub use faults::{
    FaultKind, FaultRule, FaultRuleError, KindSpec as FaultKindSpec, KINDS as FAULT_KINDS,
    KIND_NAMES as FAULT_KIND_NAMES,
};
pub use persistence::PersistError;
pub use server::{start, start_with_hook, RunningSim, StartError};
