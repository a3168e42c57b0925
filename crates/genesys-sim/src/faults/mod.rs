//! Fault injection: the rules that make the emulator misbehave the way a real API and
//! network do (5xx, 429 storms, latency, dropped connections, cut bodies, a slow token
//! endpoint, revoked tokens, concurrent edits, lost responses), so a client's retry and
//! recovery paths can be exercised on purpose.
//!
//! The model: the kinds (`kind.rs`, one table of them), a rule (`rule.rs`), its route
//! (`route.rs`) and error (`error.rs`); their parsing (`parse.rs`: one code path for
//! sim.toml, [`SimConfig`](crate::SimConfig), `--fault` and `/sim/v1/faults`); and the
//! decision of which rules fire on one request (`decide.rs`). Carrying a fault out is the
//! gateway's job (`gateway/faults.rs`) and, for the connection-level kinds, `connection.rs`.
//!
//! A rule as JSON (TOML takes the same keys in a `[[faults]]` table):
//! `{"route": "POST /api/v2/integrations", "kind": "lose-response", "rate": 1.0, "count": 1}`,
//! `{"kind": "status", "status": 503, "rate": 0.3}`,
//! `{"kind": "rate-limit", "retry_after_secs": 1, "rate": 0.1}`,
//! `{"kind": "latency", "ms": 200}`. `rate` defaults to 1.0, `route` to every `/api/v2`
//! and `/oauth` route, `count` to unlimited.

mod decide;
mod error;
mod kind;
mod parse;
mod route;
mod rule;

pub use decide::{FaultSet, Plan, RequestFacts};
pub use error::FaultRuleError;
pub use kind::{FaultKind, KindSpec, KINDS, KIND_NAMES};
pub use parse::rules_from_json;
pub use rule::FaultRule;
