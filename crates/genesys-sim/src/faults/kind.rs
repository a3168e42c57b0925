//! The fault kinds: the enum a rule carries and the one table ([`KINDS`]) that says, per
//! kind, its name, the extra field it takes, what it does, where it may be injected and
//! what it needs of a request. Names, parsing, JSON output, checks and error messages
//! are all read from the table, so a kind is described once.

use super::error::FaultRuleError;
use crate::route_table::{PUT_CONFIG_ROUTE, TOKEN_ROUTE};

/// Longest latency a rule may add, so a typo cannot hang a client for days.
pub const MAX_DELAY_MS: u64 = 3_600_000;
/// Largest `Retry-After` a rate-limit rule may announce.
pub const MAX_RETRY_AFTER_SECS: u64 = 86_400;

/// What a rule does to a request it fires on (see [`KINDS`] for each one's effect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    Status(u16),
    RateLimit { retry_after_secs: Option<u64> },
    Latency { ms: u64 },
    CloseConnection,
    TruncatedBody,
    SlowToken { ms: u64 },
    RevokeToken,
    ConcurrentEdit,
    LoseResponse,
}

/// The one extra field a kind may take, besides `route`, `kind`, `rate` and `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    RetryAfterSecs,
    Ms,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::Status, Field::RetryAfterSecs, Field::Ms];

    pub fn name(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::RetryAfterSecs => "retry_after_secs",
            Field::Ms => "ms",
        }
    }

    /// Checks a value of the field, whichever kind it belongs to.
    pub fn check(self, value: u64) -> Result<(), FaultRuleError> {
        let problem = match self {
            Field::Status if !(400..=599).contains(&value) => format!("must be an HTTP error status from 400 to 599 (usually 500, 502, 503 or 504); got {value}"),
            Field::RetryAfterSecs if value > MAX_RETRY_AFTER_SECS => {
                format!("must be at most {MAX_RETRY_AFTER_SECS}; got {value}")
            }
            Field::Ms if value > MAX_DELAY_MS => {
                format!("must be at most {MAX_DELAY_MS} (one hour); got {value}")
            }
            _ => return Ok(()),
        };
        Err(FaultRuleError::new(self.name(), problem))
    }
}

/// What a kind needs of a request before it can be injected into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// An `/api/v2` request whose bearer token is currently valid.
    LiveToken,
    /// A config replacement on an integration the caller's org has.
    Editable,
    /// A connection the gateway can cut.
    Cut,
}

/// One row of [`KINDS`].
#[derive(Debug, Clone)]
pub struct KindSpec {
    name: &'static str,
    description: &'static str,
    field: Option<Field>,
    field_required: bool,
    delay: bool,
    /// The one route (`METHOD template`) the kind works on.
    only_on: Option<&'static str>,
    /// A route the kind cannot work on, and why.
    never_on: Option<(&'static str, &'static str)>,
    needs: Needs,
    shape: Shape,
}

/// How a row makes its kind and recognizes it.
#[derive(Debug, Clone)]
enum Shape {
    /// A kind without a field: this very value.
    Unit(FaultKind),
    /// A kind with a field: built from its value, and `arg` gives `Some(value)` for a
    /// kind of this row.
    Field {
        build: fn(Option<u64>) -> FaultKind,
        arg: fn(&FaultKind) -> Option<Option<u64>>,
    },
}

impl KindSpec {
    const fn new(name: &'static str, description: &'static str, shape: Shape) -> Self {
        KindSpec {
            name,
            description,
            field: None,
            field_required: false,
            delay: false,
            only_on: None,
            never_on: None,
            needs: Needs::Nothing,
            shape,
        }
    }

    const fn unit(name: &'static str, description: &'static str, kind: FaultKind) -> Self {
        Self::new(name, description, Shape::Unit(kind))
    }

    const fn with_field(
        name: &'static str,
        description: &'static str,
        build: fn(Option<u64>) -> FaultKind,
        arg: fn(&FaultKind) -> Option<Option<u64>>,
    ) -> Self {
        Self::new(name, description, Shape::Field { build, arg })
    }

    /// `Some(value of its field)` when `kind` is this row's.
    fn arg_of(&self, kind: &FaultKind) -> Option<Option<u64>> {
        match &self.shape {
            Shape::Unit(k) => (k == kind).then_some(None),
            Shape::Field { arg, .. } => arg(kind),
        }
    }

    const fn takes(mut self, field: Field, required: bool) -> Self {
        self.field = Some(field);
        self.field_required = required;
        self
    }

    const fn delays(mut self) -> Self {
        self.delay = true;
        self
    }

    const fn only_on(mut self, route: &'static str) -> Self {
        self.only_on = Some(route);
        self
    }

    const fn never_on(mut self, route: &'static str, why: &'static str) -> Self {
        self.never_on = Some((route, why));
        self
    }

    const fn needs(mut self, needs: Needs) -> Self {
        self.needs = needs;
        self
    }

    /// The kebab-case name used in JSON, TOML and `--fault`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What the kind does to a request, as a sentence.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// The name of the extra field the kind takes, if any.
    pub fn field_name(&self) -> Option<&'static str> {
        self.field.map(Field::name)
    }

    pub(crate) fn field(&self) -> Option<Field> {
        self.field
    }

    pub(crate) fn only_route(&self) -> Option<&'static str> {
        self.only_on
    }

    pub(crate) fn never_route(&self) -> Option<(&'static str, &'static str)> {
        self.never_on
    }

    pub(crate) fn need(&self) -> Needs {
        self.needs
    }

    /// The row of a kind name.
    pub fn by_name(name: &str) -> Option<&'static KindSpec> {
        KINDS.iter().find(|k| k.name == name)
    }

    /// The kind with its field's value, checked; `arg` is `None` when the field was not
    /// given.
    pub(crate) fn make(&self, arg: Option<u64>) -> Result<FaultKind, FaultRuleError> {
        if let Some(field) = self.field {
            match arg {
                Some(v) => field.check(v)?,
                None if self.field_required => {
                    let problem = format!("is required for kind \"{}\"", self.name);
                    return Err(FaultRuleError::new(field.name(), problem));
                }
                None => {}
            }
        }
        Ok(match &self.shape {
            Shape::Unit(k) => k.clone(),
            Shape::Field { build, .. } => build(arg),
        })
    }
}

/// Every kind, in the order [`FaultKind`] declares them.
pub const KINDS: &[KindSpec] = &[
    KindSpec::with_field(
        "status",
        "Answers with this status (400..=599; 500, 502, 503, 504 are the useful ones) and a Genesys error body, without handling the request.",
        |a| FaultKind::Status(a.and_then(|s| u16::try_from(s).ok()).unwrap_or(503)),
        |k| match k {
            FaultKind::Status(s) => Some(Some(u64::from(*s))),
            _ => None,
        },
    )
    .takes(Field::Status, true),
    KindSpec::with_field(
        "rate-limit",
        "Answers 429 too.many.requests.retry.after with Retry-After when retry_after_secs is set, or 429 too.many.requests without the header, without handling the request.",
        |retry_after_secs| FaultKind::RateLimit { retry_after_secs },
        |k| match k {
            FaultKind::RateLimit { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        },
    )
    .takes(Field::RetryAfterSecs, false),
    KindSpec::with_field(
        "latency",
        "Delays the request, then handles it normally (rules after it still apply).",
        |a| FaultKind::Latency { ms: a.unwrap_or(0) },
        |k| match k {
            FaultKind::Latency { ms } => Some(Some(*ms)),
            _ => None,
        },
    )
    .takes(Field::Ms, true)
    .delays(),
    KindSpec::unit(
        "close-connection",
        "Closes the connection before any byte of a response; the request is not handled.",
        FaultKind::CloseConnection,
    )
    .needs(Needs::Cut),
    KindSpec::unit(
        "truncated-body",
        "Handles the request, sends the headers (with the full Content-Length) and half the body, then closes the connection.",
        FaultKind::TruncatedBody,
    )
    .needs(Needs::Cut),
    KindSpec::with_field(
        "slow-token",
        "Delays POST /oauth/token only, then handles it normally.",
        |a| FaultKind::SlowToken { ms: a.unwrap_or(0) },
        |k| match k {
            FaultKind::SlowToken { ms } => Some(Some(*ms)),
            _ => None,
        },
    )
    .takes(Field::Ms, true)
    .delays()
    .only_on(TOKEN_ROUTE),
    KindSpec::unit(
        "revoke-token",
        "Revokes the (valid) bearer token of an API request and answers 401 bad.credentials; a new token works.",
        FaultKind::RevokeToken,
    )
    .never_on(
        TOKEN_ROUTE,
        "it revokes the bearer token of an /api/v2 request",
    )
    .needs(Needs::LiveToken),
    KindSpec::unit(
        "concurrent-edit",
        "Before a PUT .../config/current, bumps that integration's config version (as if an admin edited its notes), so a request carrying the version it just read is stale and gets the real 409.",
        FaultKind::ConcurrentEdit,
    )
    .only_on(PUT_CONFIG_ROUTE)
    .needs(Needs::Editable),
    KindSpec::unit(
        "lose-response",
        "Handles the request fully (a POST creates the integration), then closes the connection without sending the response.",
        FaultKind::LoseResponse,
    )
    .needs(Needs::Cut),
];

/// Every kind name, in the order of [`KINDS`].
pub const KIND_NAMES: [&str; KINDS.len()] = {
    let mut names = [""; KINDS.len()];
    let mut i = 0;
    while i < KINDS.len() {
        names[i] = KINDS[i].name;
        i += 1;
    }
    names
};

impl FaultKind {
    /// The kind's row of [`KINDS`].
    pub fn spec(&self) -> &'static KindSpec {
        KINDS
            .iter()
            .find(|k| k.arg_of(self).is_some())
            .expect("every FaultKind has a row in KINDS")
    }

    /// The kebab-case name used in JSON and TOML (`"rate-limit"`), and as the key of
    /// `faultsInjected` in `/sim/v1/requests`.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// The value of the kind's extra field, when it has one set.
    pub fn arg(&self) -> Option<u64> {
        self.spec().arg_of(self).flatten()
    }

    /// Whether the kind only delays the request (and later rules still get their turn).
    pub fn is_delay(&self) -> bool {
        self.spec().delay
    }

    /// The delay a delaying kind adds.
    pub(crate) fn delay_ms(&self) -> Option<u64> {
        self.is_delay().then(|| self.arg()).flatten()
    }

    /// Checks the value of the kind's field (a kind built in Rust skipped parsing).
    pub(crate) fn check(&self) -> Result<(), FaultRuleError> {
        match (self.spec().field, self.arg()) {
            (Some(field), Some(v)) => field.check(v),
            _ => Ok(()),
        }
    }
}

/// The kind names, for messages: `status, rate-limit, ...`.
pub(crate) fn names_list() -> String {
    KIND_NAMES.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_builds_its_own_kind_and_names_keep_their_order() {
        assert_eq!(
            KIND_NAMES,
            [
                "status",
                "rate-limit",
                "latency",
                "close-connection",
                "truncated-body",
                "slow-token",
                "revoke-token",
                "concurrent-edit",
                "lose-response",
            ]
        );
        for spec in KINDS {
            let kind = spec.make(spec.field.map(|_| 503)).unwrap();
            assert_eq!(kind.name(), spec.name);
            assert_eq!(KindSpec::by_name(spec.name).unwrap().name, spec.name);
            assert!(!spec.description.is_empty());
        }
        assert_eq!(FaultKind::Latency { ms: 7 }.delay_ms(), Some(7));
        assert_eq!(FaultKind::Status(503).delay_ms(), None);
        assert_eq!(
            KindSpec::by_name("status")
                .unwrap()
                .make(None)
                .unwrap_err()
                .field,
            "status"
        );
    }
}
