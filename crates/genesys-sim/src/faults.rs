//! Fault injection: the rules that make the emulator misbehave the way a real API and
//! network do (5xx, 429 storms, latency, dropped connections, cut bodies, a slow token
//! endpoint, revoked tokens, concurrent edits, lost responses), so a client's retry and
//! recovery paths can be exercised on purpose.
//!
//! This module holds the model ([`FaultRule`], [`FaultKind`]), its parsing and checks
//! (one code path for sim.toml, [`SimConfig`](crate::SimConfig) and `/sim/v1/faults`), and
//! the decision of which rules fire on one request (with a seedable RNG). Carrying a fault
//! out is the gateway's job (server.rs) and, for the connection-level kinds, connection.rs.
//!
//! A rule as JSON (TOML takes the same keys in a `[[faults]]` table):
//! `{"route": "POST /api/v2/integrations", "kind": "lose-response", "rate": 1.0, "count": 1}`,
//! `{"kind": "status", "status": 503, "rate": 0.3}`,
//! `{"kind": "rate-limit", "retry_after_secs": 1, "rate": 0.1}`,
//! `{"kind": "latency", "ms": 200}`. `rate` defaults to 1.0, `route` to every `/api/v2`
//! and `/oauth` route, `count` to unlimited.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::route_table::{faultable_routes, PUT_CONFIG_ROUTE, TOKEN_ROUTE};

/// Longest latency a rule may add, so a typo cannot hang a client for days.
pub const MAX_DELAY_MS: u64 = 3_600_000;
/// Largest `Retry-After` a rate-limit rule may announce.
pub const MAX_RETRY_AFTER_SECS: u64 = 86_400;

/// One fault-injection rule: on requests matching `route`, inject `kind` with
/// probability `rate`, at most `count` times.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// `"METHOD /path/template"` as in `/sim/v1/requests` (e.g.
    /// `"PUT /api/v2/integrations/{integrationId}/config/current"`), a bare template for
    /// any method, or `None` / `"*"` for every `/api/v2` and `/oauth` request.
    pub route: Option<String>,
    pub kind: FaultKind,
    /// Probability, from 0.0 (never) to 1.0 (always), that a matching request gets it.
    pub rate: f64,
    /// Stop after this many injections; `None` for no limit.
    pub count: Option<u64>,
}

/// What a rule does to a request it fires on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answers with this status (400..=599; 500, 502, 503, 504 are the useful ones) and a
    /// Genesys error body, without handling the request.
    Status(u16),
    /// Answers 429 `too.many.requests.retry.after` with `Retry-After` when set, or
    /// 429 `too.many.requests` without the header, without handling the request.
    RateLimit { retry_after_secs: Option<u64> },
    /// Delays the request, then handles it normally (rules after it still apply).
    Latency { ms: u64 },
    /// Closes the connection before any byte of a response; the request is not handled.
    CloseConnection,
    /// Handles the request, sends the headers (with the full `Content-Length`) and half
    /// the body, then closes the connection.
    TruncatedBody,
    /// Delays `POST /oauth/token` only, then handles it normally.
    SlowToken { ms: u64 },
    /// Revokes the (valid) bearer token of an API request and answers 401
    /// `bad.credentials`; a new token works.
    RevokeToken,
    /// Before a `PUT .../config/current`, bumps that integration's config version (as if
    /// an admin edited its notes), so a request carrying the version it just read is
    /// stale and gets the real 409.
    ConcurrentEdit,
    /// Handles the request fully (a POST creates the integration), then closes the
    /// connection without sending the response.
    LoseResponse,
}

/// Every kind name, in the order [`FaultKind`] declares them.
pub const KIND_NAMES: [&str; 9] = [
    "status",
    "rate-limit",
    "latency",
    "close-connection",
    "truncated-body",
    "slow-token",
    "revoke-token",
    "concurrent-edit",
    "lose-response",
];

impl FaultKind {
    /// The kebab-case name used in JSON and TOML (`"rate-limit"`), and as the key of
    /// `faultsInjected` in `/sim/v1/requests`.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Status(_) => "status",
            FaultKind::RateLimit { .. } => "rate-limit",
            FaultKind::Latency { .. } => "latency",
            FaultKind::CloseConnection => "close-connection",
            FaultKind::TruncatedBody => "truncated-body",
            FaultKind::SlowToken { .. } => "slow-token",
            FaultKind::RevokeToken => "revoke-token",
            FaultKind::ConcurrentEdit => "concurrent-edit",
            FaultKind::LoseResponse => "lose-response",
        }
    }

    /// Whether the kind only delays the request (and later rules still get their turn).
    pub fn is_delay(&self) -> bool {
        matches!(
            self,
            FaultKind::Latency { .. } | FaultKind::SlowToken { .. }
        )
    }
}

/// A rule that cannot be used, naming the offending field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRuleError {
    /// Position of the rule in a list, when it came from one.
    pub index: Option<usize>,
    /// The field at fault (`"rate"`, `"kind"`, `"status"`, ...).
    pub field: String,
    /// What is wrong with it, as a sentence fragment after the field name.
    pub problem: String,
}

impl FaultRuleError {
    fn new(field: &str, problem: impl Into<String>) -> Self {
        FaultRuleError {
            index: None,
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    /// The same error, as found in rule number `index` of a list.
    pub fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

impl fmt::Display for FaultRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "invalid fault rule [{i}]: ")?,
            None => write!(f, "invalid fault rule: ")?,
        }
        write!(f, "field \"{}\" {}", self.field, self.problem)
    }
}

impl std::error::Error for FaultRuleError {}

const FIELDS: [&str; 7] = [
    "route",
    "kind",
    "rate",
    "count",
    "status",
    "retry_after_secs",
    "ms",
];

/// Where a rule's route points, once parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RouteSpec {
    Any,
    /// Any method on this template.
    Template(String),
    /// `METHOD template`.
    Exact(String, String),
}

fn parse_route(route: Option<&str>) -> Result<RouteSpec, FaultRuleError> {
    let Some(raw) = route.map(str::trim) else {
        return Ok(RouteSpec::Any);
    };
    if raw == "*" {
        return Ok(RouteSpec::Any);
    }
    let known = || {
        faultable_routes()
            .map(|r| r.key())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let spec = match raw.split_once(char::is_whitespace) {
        Some((method, path)) => {
            RouteSpec::Exact(method.to_ascii_uppercase(), path.trim().to_string())
        }
        None => RouteSpec::Template(raw.to_string()),
    };
    let exists = faultable_routes().any(|r| match &spec {
        RouteSpec::Exact(method, path) => r.method == method && r.template == path,
        RouteSpec::Template(path) => r.template == path,
        RouteSpec::Any => true,
    });
    if !exists {
        return Err(FaultRuleError::new(
            "route",
            format!(
                "must be \"*\", \"METHOD /path/template\" or \"/path/template\" naming an emulated route; got {raw:?} (known: {})",
                known()
            ),
        ));
    }
    Ok(spec)
}

impl RouteSpec {
    fn matches(&self, method: &str, template: Option<&str>) -> bool {
        match self {
            RouteSpec::Any => true,
            RouteSpec::Template(p) => template == Some(p.as_str()),
            RouteSpec::Exact(m, p) => m == method && template == Some(p.as_str()),
        }
    }

    /// Whether the route can name `method template` at all.
    fn can_be(&self, method: &str, template: &str) -> bool {
        self.matches(method, Some(template))
    }
}

fn split_route(route: &str) -> (&str, &str) {
    route.split_once(' ').unwrap_or(("", route))
}

impl FaultRule {
    /// A rule injecting `kind` into every `/api/v2` and `/oauth` request, always, forever.
    pub fn new(kind: FaultKind) -> Self {
        FaultRule {
            route: None,
            kind,
            rate: 1.0,
            count: None,
        }
    }

    /// The same rule limited to one route (`"POST /api/v2/integrations"`).
    pub fn on(mut self, route: impl Into<String>) -> Self {
        self.route = Some(route.into());
        self
    }

    /// The same rule firing with probability `rate`.
    pub fn with_rate(mut self, rate: f64) -> Self {
        self.rate = rate;
        self
    }

    /// The same rule stopping after `count` injections.
    pub fn with_count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// Checks the values a rule built in Rust may hold: the same checks as parsing.
    pub fn validate(&self) -> Result<(), FaultRuleError> {
        self.route_spec().map(|_| ())
    }

    /// The parsed route, after checking every field.
    fn route_spec(&self) -> Result<RouteSpec, FaultRuleError> {
        if !self.rate.is_finite() || !(0.0..=1.0).contains(&self.rate) {
            return Err(FaultRuleError::new(
                "rate",
                format!("must be a number from 0.0 to 1.0; got {}", self.rate),
            ));
        }
        match self.kind {
            FaultKind::Status(s) if !(400..=599).contains(&s) => {
                return Err(FaultRuleError::new(
                    "status",
                    format!("must be an HTTP error status from 400 to 599 (usually 500, 502, 503 or 504); got {s}"),
                ))
            }
            FaultKind::RateLimit {
                retry_after_secs: Some(s),
            } if s > MAX_RETRY_AFTER_SECS => {
                return Err(FaultRuleError::new(
                    "retry_after_secs",
                    format!("must be at most {MAX_RETRY_AFTER_SECS}; got {s}"),
                ))
            }
            FaultKind::Latency { ms } | FaultKind::SlowToken { ms } if ms > MAX_DELAY_MS => {
                return Err(FaultRuleError::new(
                    "ms",
                    format!("must be at most {MAX_DELAY_MS} (one hour); got {ms}"),
                ))
            }
            _ => {}
        }
        let spec = parse_route(self.route.as_deref())?;
        let kind = self.kind.name();
        let only = |route: &str| {
            let (m, p) = split_route(route);
            if spec.can_be(m, p) {
                Ok(())
            } else {
                Err(FaultRuleError::new(
                    "route",
                    format!(
                        "must be \"*\" or \"{route}\" for kind \"{kind}\"; got {:?}",
                        self.route.as_deref().unwrap_or("*")
                    ),
                ))
            }
        };
        match self.kind {
            FaultKind::SlowToken { .. } => only(TOKEN_ROUTE)?,
            FaultKind::ConcurrentEdit => only(PUT_CONFIG_ROUTE)?,
            FaultKind::RevokeToken => {
                let (m, p) = split_route(TOKEN_ROUTE);
                if spec != RouteSpec::Any && spec.can_be(m, p) {
                    return Err(FaultRuleError::new(
                        "route",
                        format!("cannot be the token route for kind \"{kind}\": it revokes the bearer token of an /api/v2 request"),
                    ));
                }
            }
            _ => {}
        }
        Ok(spec)
    }

    /// Parses and checks one rule given as a JSON object.
    pub fn from_json(value: &Value) -> Result<Self, FaultRuleError> {
        let Value::Object(obj) = value else {
            return Err(FaultRuleError::new(
                "rule",
                format!("must be an object with a \"kind\"; got {value}"),
            ));
        };
        if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(FaultRuleError::new(
                k,
                format!("is unknown (expected {})", FIELDS.join(", ")),
            ));
        }
        let kind_name = match obj.get("kind") {
            Some(Value::String(s)) => s.as_str(),
            None | Some(Value::Null) => {
                return Err(FaultRuleError::new(
                    "kind",
                    format!("is required (one of {})", KIND_NAMES.join(", ")),
                ))
            }
            Some(other) => {
                return Err(FaultRuleError::new(
                    "kind",
                    format!(
                        "must be a string (one of {}); got {other}",
                        KIND_NAMES.join(", ")
                    ),
                ))
            }
        };
        let kind = match kind_name {
            "status" => {
                let s = req_u64(obj, "status", kind_name)?;
                FaultKind::Status(u16::try_from(s).map_err(|_| {
                    FaultRuleError::new(
                        "status",
                        format!("must be an HTTP error status from 400 to 599; got {s}"),
                    )
                })?)
            }
            "rate-limit" => FaultKind::RateLimit {
                retry_after_secs: opt_u64(obj, "retry_after_secs")?,
            },
            "latency" => FaultKind::Latency {
                ms: req_u64(obj, "ms", kind_name)?,
            },
            "slow-token" => FaultKind::SlowToken {
                ms: req_u64(obj, "ms", kind_name)?,
            },
            "close-connection" => FaultKind::CloseConnection,
            "truncated-body" => FaultKind::TruncatedBody,
            "revoke-token" => FaultKind::RevokeToken,
            "concurrent-edit" => FaultKind::ConcurrentEdit,
            "lose-response" => FaultKind::LoseResponse,
            other => {
                return Err(FaultRuleError::new(
                    "kind",
                    format!("must be one of {}; got {other:?}", KIND_NAMES.join(", ")),
                ))
            }
        };
        let own: &[&str] = match kind {
            FaultKind::Status(_) => &["status"],
            FaultKind::RateLimit { .. } => &["retry_after_secs"],
            FaultKind::Latency { .. } | FaultKind::SlowToken { .. } => &["ms"],
            _ => &[],
        };
        for field in ["status", "retry_after_secs", "ms"] {
            if obj.contains_key(field) && !own.contains(&field) {
                return Err(FaultRuleError::new(
                    field,
                    format!("does not apply to kind \"{kind_name}\""),
                ));
            }
        }
        let route = match obj.get("route") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim() == "*" => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(other) => {
                return Err(FaultRuleError::new(
                    "route",
                    format!(
                    "must be a string such as \"POST /api/v2/integrations\" or \"*\"; got {other}"
                ),
                ))
            }
        };
        let rate = match obj.get("rate") {
            None | Some(Value::Null) => 1.0,
            Some(v) => v.as_f64().ok_or_else(|| {
                FaultRuleError::new("rate", format!("must be a number from 0.0 to 1.0; got {v}"))
            })?,
        };
        let rule = FaultRule {
            route,
            kind,
            rate,
            count: opt_u64(obj, "count")?,
        };
        rule.validate()?;
        Ok(rule)
    }

    /// The rule as JSON, in the form [`FaultRule::from_json`] reads.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("route".into(), json!(self.route.as_deref().unwrap_or("*")));
        m.insert("kind".into(), json!(self.kind.name()));
        match &self.kind {
            FaultKind::Status(s) => {
                m.insert("status".into(), json!(s));
            }
            FaultKind::RateLimit { retry_after_secs } => {
                m.insert("retry_after_secs".into(), json!(retry_after_secs));
            }
            FaultKind::Latency { ms } | FaultKind::SlowToken { ms } => {
                m.insert("ms".into(), json!(ms));
            }
            _ => {}
        }
        m.insert("rate".into(), json!(self.rate));
        m.insert("count".into(), json!(self.count));
        Value::Object(m)
    }
}

fn opt_u64(obj: &Map<String, Value>, field: &str) -> Result<Option<u64>, FaultRuleError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            FaultRuleError::new(field, format!("must be a non-negative integer; got {v}"))
        }),
    }
}

fn req_u64(obj: &Map<String, Value>, field: &str, kind: &str) -> Result<u64, FaultRuleError> {
    opt_u64(obj, field)?
        .ok_or_else(|| FaultRuleError::new(field, format!("is required for kind \"{kind}\"")))
}

/// Parses a list of rules (a JSON array), naming the index of a bad one.
pub fn rules_from_json(value: &Value) -> Result<Vec<FaultRule>, FaultRuleError> {
    let Value::Array(items) = value else {
        return Err(FaultRuleError::new(
            "rules",
            format!("must be an array of rules; got {value}"),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| FaultRule::from_json(v).map_err(|e| e.at(i)))
        .collect()
}

/// Turns the compact form `kind[:arg][,key=value]...` into the JSON form.
fn compact_to_json(s: &str) -> Result<Value, FaultRuleError> {
    let mut parts = s.split(',').map(str::trim);
    let head = parts.next().unwrap_or("");
    let (kind, arg) = match head.split_once(':') {
        Some((k, a)) => (k.trim(), Some(a.trim())),
        None => (head, None),
    };
    let mut obj = Map::new();
    obj.insert("kind".into(), json!(kind));
    let number = |field: &str, raw: &str| -> Result<Value, FaultRuleError> {
        raw.parse::<u64>().map(Value::from).map_err(|_| {
            FaultRuleError::new(
                field,
                format!("must be a non-negative integer; got {raw:?}"),
            )
        })
    };
    if let Some(arg) = arg {
        let field = match kind {
            "status" => "status",
            "rate-limit" => "retry_after_secs",
            "latency" | "slow-token" => "ms",
            _ => {
                return Err(FaultRuleError::new(
                    "kind",
                    format!("\"{kind}\" takes no \":{arg}\" argument"),
                ))
            }
        };
        obj.insert(field.into(), number(field, arg)?);
    }
    for part in parts.filter(|p| !p.is_empty()) {
        let (key, raw) = part.split_once('=').ok_or_else(|| {
            FaultRuleError::new(part, "must be written key=value (route, rate or count)")
        })?;
        let (key, raw) = (key.trim(), raw.trim());
        let value = match key {
            "route" | "kind" => json!(raw),
            "rate" => json!(raw.parse::<f64>().map_err(|_| {
                FaultRuleError::new(
                    "rate",
                    format!("must be a number from 0.0 to 1.0; got {raw:?}"),
                )
            })?),
            _ => number(key, raw)?,
        };
        obj.insert(key.to_string(), value);
    }
    Ok(Value::Object(obj))
}

impl FromStr for FaultRule {
    type Err = FaultRuleError;

    /// A rule from a command-line flag: a JSON object (`{"kind": "status", "status": 503}`),
    /// or the compact form `kind[:arg][,key=value]...` where `arg` is the status,
    /// `retry_after_secs` or `ms` of the kind, e.g. `status:503,rate=0.3`,
    /// `rate-limit:1`, `latency:200,route=/api/v2/integrations`,
    /// `lose-response,route=POST /api/v2/integrations,count=1`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let value: Value = if s.starts_with('{') {
            serde_json::from_str(s)
                .map_err(|e| FaultRuleError::new("rule", format!("is not valid JSON: {e}")))?
        } else {
            compact_to_json(s)?
        };
        FaultRule::from_json(&value)
    }
}

impl Serialize for FaultRule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> Deserialize<'de> for FaultRule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        FaultRule::from_json(&value).map_err(serde::de::Error::custom)
    }
}

/// What the gateway knows about a request when faults are decided.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFacts<'a> {
    pub method: &'a str,
    /// The route template, when a route matched.
    pub template: Option<&'a str>,
    /// An `/api/v2` request carrying a bearer token that is currently valid.
    pub live_token: bool,
    /// A `PUT .../config/current` by a live token on an integration of its org.
    pub editable: bool,
    /// The connection can be cut (always so when served by [`crate::start`]).
    pub can_cut: bool,
}

/// The faults chosen for one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The total delay of the latency rules that fired.
    pub delay: Duration,
    /// The one non-delay fault that fired, if any.
    pub action: Option<FaultKind>,
    /// The names of every fault injected, for the counters.
    pub injected: Vec<&'static str>,
}

struct ActiveRule {
    rule: FaultRule,
    route: RouteSpec,
    injected: u64,
}

impl ActiveRule {
    fn new(rule: FaultRule) -> Result<Self, FaultRuleError> {
        let route = rule.route_spec()?;
        Ok(ActiveRule {
            rule,
            route,
            injected: 0,
        })
    }

    fn applies(&self, f: &RequestFacts<'_>) -> bool {
        if !self.route.matches(f.method, f.template) {
            return false;
        }
        let is = |route: &str| {
            let (m, p) = split_route(route);
            f.method == m && f.template == Some(p)
        };
        match self.rule.kind {
            FaultKind::SlowToken { .. } => is(TOKEN_ROUTE),
            FaultKind::RevokeToken => f.live_token,
            FaultKind::ConcurrentEdit => f.editable && is(PUT_CONFIG_ROUTE),
            FaultKind::CloseConnection | FaultKind::TruncatedBody | FaultKind::LoseResponse => {
                f.can_cut
            }
            _ => true,
        }
    }
}

/// The rules in force, their injection counts and the RNG that rolls their rates.
pub struct FaultSet {
    initial: Vec<FaultRule>,
    seed: Option<u64>,
    rules: Vec<ActiveRule>,
    rng: StdRng,
}

fn rng_for(seed: Option<u64>) -> StdRng {
    match seed {
        Some(s) => StdRng::seed_from_u64(s),
        None => StdRng::from_rng(&mut rand::rng()),
    }
}

impl FaultSet {
    /// A set of rules checked here, failing on the first bad one.
    #[cfg(test)]
    pub fn new(rules: Vec<FaultRule>, seed: Option<u64>) -> Result<Self, FaultRuleError> {
        let mut set = FaultSet {
            initial: rules.clone(),
            seed,
            rules: Vec::new(),
            rng: rng_for(seed),
        };
        set.replace(rules, None)?;
        Ok(set)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Like [`FaultSet::new`] for rules already checked (by `SimConfig::validate`); a
    /// rule that fails its checks anyway is skipped with a warning.
    pub fn from_valid(rules: Vec<FaultRule>, seed: Option<u64>) -> Self {
        let valid: Vec<FaultRule> = rules
            .into_iter()
            .filter(|r| match r.validate() {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!("skipping {e}");
                    false
                }
            })
            .collect();
        let mut set = FaultSet {
            initial: valid.clone(),
            seed,
            rules: Vec::new(),
            rng: rng_for(seed),
        };
        set.reset();
        set
    }

    /// Replaces every rule (counts start at zero); a `seed` also restarts the RNG.
    pub fn replace(
        &mut self,
        rules: Vec<FaultRule>,
        seed: Option<u64>,
    ) -> Result<(), FaultRuleError> {
        let active = rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| ActiveRule::new(r).map_err(|e| e.at(i)))
            .collect::<Result<Vec<_>, _>>()?;
        self.rules = active;
        if let Some(s) = seed {
            self.seed = Some(s);
            self.rng = rng_for(Some(s));
        }
        Ok(())
    }

    /// Adds one rule after the others.
    pub fn add(&mut self, rule: FaultRule) -> Result<(), FaultRuleError> {
        self.rules.push(ActiveRule::new(rule)?);
        Ok(())
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Back to the rules and seed the sim started with.
    pub fn reset(&mut self) {
        self.rules = self
            .initial
            .iter()
            .cloned()
            .filter_map(|r| ActiveRule::new(r).ok())
            .collect();
        self.rng = rng_for(self.seed);
    }

    /// Rolls the rules for one request, in order. Delay rules add up and let later rules
    /// roll; the first other rule that fires decides the request's fate.
    pub fn decide(&mut self, facts: &RequestFacts<'_>) -> Plan {
        let mut plan = Plan::default();
        for r in &mut self.rules {
            if !r.applies(facts) || r.rule.count.is_some_and(|c| r.injected >= c) {
                continue;
            }
            let fires = if r.rule.rate >= 1.0 {
                true
            } else if r.rule.rate <= 0.0 {
                false
            } else {
                self.rng.random::<f64>() < r.rule.rate
            };
            if !fires {
                continue;
            }
            r.injected += 1;
            plan.injected.push(r.rule.kind.name());
            match r.rule.kind {
                FaultKind::Latency { ms } | FaultKind::SlowToken { ms } => {
                    plan.delay = plan.delay.saturating_add(Duration::from_millis(ms));
                }
                ref other => {
                    plan.action = Some(other.clone());
                    break;
                }
            }
        }
        plan
    }

    /// `GET /sim/v1/faults`: the seed and every rule with its injection count.
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                let mut v = r.rule.to_json();
                if let Value::Object(m) = &mut v {
                    m.insert("injected".into(), json!(r.injected));
                }
                v
            })
            .collect();
        json!({ "seed": self.seed, "rules": rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<FaultRule, FaultRuleError> {
        FaultRule::from_json(&v)
    }

    #[test]
    fn parses_the_documented_forms() {
        let r = parse(json!({"route": "POST /api/v2/integrations", "kind": "lose-response", "rate": 1.0, "count": 1})).unwrap();
        assert_eq!(
            r,
            FaultRule::new(FaultKind::LoseResponse)
                .on("POST /api/v2/integrations")
                .with_count(1)
        );
        let r = parse(json!({"kind": "status", "status": 503, "rate": 0.3})).unwrap();
        assert_eq!(r.kind, FaultKind::Status(503));
        assert_eq!(r.route, None);
        assert_eq!(r.rate, 0.3);
        let r = parse(json!({"kind": "rate-limit", "retry_after_secs": 1, "rate": 0.1})).unwrap();
        assert_eq!(
            r.kind,
            FaultKind::RateLimit {
                retry_after_secs: Some(1)
            }
        );
        let r = parse(json!({"kind": "rate-limit", "route": "*"})).unwrap();
        assert_eq!(r.rate, 1.0, "rate defaults to always");
        assert_eq!(r.route, None);
        let r =
            parse(json!({"kind": "latency", "ms": 20, "route": "/api/v2/integrations"})).unwrap();
        assert_eq!(r.kind, FaultKind::Latency { ms: 20 });
        // Round trip through the JSON form and through serde.
        for rule in [
            r,
            FaultRule::new(FaultKind::SlowToken { ms: 5 }),
            FaultRule::new(FaultKind::ConcurrentEdit).with_rate(0.5),
        ] {
            assert_eq!(FaultRule::from_json(&rule.to_json()).unwrap(), rule);
            let s = serde_json::to_string(&rule).unwrap();
            assert_eq!(s.parse::<FaultRule>().unwrap(), rule);
        }
    }

    #[test]
    fn parses_the_compact_flag_form() {
        let p = |s: &str| s.parse::<FaultRule>().unwrap();
        assert_eq!(
            p("status:503,rate=0.3"),
            FaultRule::new(FaultKind::Status(503)).with_rate(0.3)
        );
        assert_eq!(
            p("rate-limit"),
            FaultRule::new(FaultKind::RateLimit {
                retry_after_secs: None
            })
        );
        assert_eq!(
            p("rate-limit:1"),
            FaultRule::new(FaultKind::RateLimit {
                retry_after_secs: Some(1)
            })
        );
        assert_eq!(
            p("lose-response, route=POST /api/v2/integrations, count=1"),
            FaultRule::new(FaultKind::LoseResponse)
                .on("POST /api/v2/integrations")
                .with_count(1)
        );
        assert_eq!(
            p("slow-token:250"),
            FaultRule::new(FaultKind::SlowToken { ms: 250 })
        );
        assert_eq!(
            p(r#"{"kind": "latency", "ms": 5}"#),
            FaultRule::new(FaultKind::Latency { ms: 5 })
        );
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                json!({"kind": "status", "status": 503, "rate": 1.5}),
                "rate",
            ),
            (
                json!({"kind": "status", "status": 503, "rate": "x"}),
                "rate",
            ),
            (json!({"kind": "status"}), "status"),
            (json!({"kind": "status", "status": 200}), "status"),
            (json!({"kind": "status", "status": 70000}), "status"),
            (json!({"kind": "boom"}), "kind"),
            (json!({"rate": 1}), "kind"),
            (json!({"kind": 3}), "kind"),
            (json!({"kind": "latency"}), "ms"),
            (json!({"kind": "latency", "ms": -1}), "ms"),
            (json!({"kind": "latency", "ms": 1, "status": 500}), "status"),
            (json!({"kind": "close-connection", "count": 1.5}), "count"),
            (json!({"kind": "close-connection", "colour": 1}), "colour"),
            (
                json!({"kind": "close-connection", "route": "GET /nope"}),
                "route",
            ),
            (json!({"kind": "close-connection", "route": 7}), "route"),
            (
                json!({"kind": "slow-token", "ms": 1, "route": "GET /api/v2/integrations"}),
                "route",
            ),
            (
                json!({"kind": "concurrent-edit", "route": "POST /api/v2/integrations"}),
                "route",
            ),
            (
                json!({"kind": "revoke-token", "route": "POST /oauth/token"}),
                "route",
            ),
            (
                json!({"kind": "rate-limit", "retry_after_secs": 999999}),
                "retry_after_secs",
            ),
            (json!([1]), "rule"),
        ];
        for (v, field) in cases {
            let e = parse(v.clone()).unwrap_err();
            assert_eq!(e.field, field, "{v}: {e}");
            assert!(e.to_string().contains(&format!("\"{field}\"")), "{e}");
        }
        let e = rules_from_json(&json!([{"kind": "lose-response"}, {"kind": "x"}])).unwrap_err();
        assert_eq!(e.index, Some(1));
        assert!(e
            .to_string()
            .starts_with("invalid fault rule [1]: field \"kind\""));
        let bad = FaultRule::new(FaultKind::Status(503)).with_rate(f64::NAN);
        assert_eq!(bad.validate().unwrap_err().field, "rate");
        assert!("{not json".parse::<FaultRule>().is_err());
        for (flag, field) in [
            ("status:abc", "status"),
            ("close-connection:1", "kind"),
            ("latency:5,rate=x", "rate"),
            ("latency:5,count", "count"),
            ("latency:5,colour=1", "colour"),
            ("nope", "kind"),
        ] {
            assert_eq!(
                flag.parse::<FaultRule>().unwrap_err().field,
                field,
                "{flag}"
            );
        }
    }

    fn facts(method: &'static str, template: &'static str) -> RequestFacts<'static> {
        RequestFacts {
            method,
            template: Some(template),
            live_token: true,
            editable: true,
            can_cut: true,
        }
    }

    #[test]
    fn decide_rates_counts_routes_and_order() {
        let list = facts("GET", "/api/v2/integrations");
        let token = facts("POST", "/oauth/token");
        let mut set = FaultSet::new(
            vec![
                FaultRule::new(FaultKind::Latency { ms: 10 }).with_count(2),
                FaultRule::new(FaultKind::SlowToken { ms: 5 }),
                FaultRule::new(FaultKind::Status(500)).with_rate(0.0),
                FaultRule::new(FaultKind::Status(503)).on("GET /api/v2/integrations"),
                FaultRule::new(FaultKind::Status(504)),
            ],
            Some(1),
        )
        .unwrap();
        let p = set.decide(&list);
        assert_eq!(p.delay, Duration::from_millis(10));
        assert_eq!(p.action, Some(FaultKind::Status(503)));
        assert_eq!(p.injected, ["latency", "status"]);
        let p = set.decide(&token);
        assert_eq!(p.delay, Duration::from_millis(15));
        assert_eq!(p.action, Some(FaultKind::Status(504)));
        let p = set.decide(&list);
        assert_eq!(p.delay, Duration::ZERO, "latency count used up");
        let doc = set.to_json();
        assert_eq!(doc["seed"], 1);
        let injected: Vec<_> = doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["injected"].as_u64().unwrap())
            .collect();
        assert_eq!(injected, [2, 1, 0, 2, 1]);
        set.clear();
        assert!(set.decide(&list).action.is_none());
        set.reset();
        assert_eq!(set.decide(&list).delay, Duration::from_millis(10));
    }

    #[test]
    fn seeded_rolls_repeat() {
        let rolls = |seed| {
            let mut set = FaultSet::new(
                vec![FaultRule::new(FaultKind::Status(503)).with_rate(0.5)],
                Some(seed),
            )
            .unwrap();
            (0..64)
                .map(|_| {
                    set.decide(&facts("GET", "/api/v2/integrations"))
                        .action
                        .is_some()
                })
                .collect::<Vec<_>>()
        };
        let a = rolls(7);
        assert_eq!(a, rolls(7));
        assert_ne!(a, rolls(8));
        let hits = a.iter().filter(|x| **x).count();
        assert!((10..54).contains(&hits), "{hits} of 64 at rate 0.5");
    }

    #[test]
    fn kinds_only_apply_where_they_can() {
        let mut set = FaultSet::new(
            vec![
                FaultRule::new(FaultKind::ConcurrentEdit),
                FaultRule::new(FaultKind::RevokeToken),
            ],
            None,
        )
        .unwrap();
        let mut f = facts("POST", "/api/v2/integrations");
        assert_eq!(set.decide(&f).action, Some(FaultKind::RevokeToken));
        f.live_token = false;
        assert_eq!(set.decide(&f).action, None);
        let put = facts("PUT", PUT_CONFIG_ROUTE.split_once(' ').unwrap().1);
        assert_eq!(set.decide(&put).action, Some(FaultKind::ConcurrentEdit));
    }
}
