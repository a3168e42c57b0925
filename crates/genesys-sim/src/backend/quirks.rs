//! The quirks: variants of the real API that public sources cannot rule out (DESIGN.md
//! section 1), each off by default and turned on by name (`--quirk NAME[=VALUE]`, sim.toml
//! `quirks = [...]`). [`QUIRKS`] is the one table of names, values and descriptions;
//! parsing, rendering and `all` are read from it, so a quirk is described once. Where each
//! one acts: the routes (no-expand, no-type-filter, strict-create), the backend (consistency-lag,
//! deleted-linger) and the gateway (extra-fields, null-error-parts, reset-rounds-down).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The quirks in force; `Default` is none (the emulator follows the sources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quirks {
    /// The list ignores `expand=config.current`.
    pub no_expand: bool,
    /// The list ignores `integrationType`: every type is listed.
    pub no_type_filter: bool,
    /// A create with a field other than `name` and `integrationType` is a 400.
    pub strict_create: bool,
    /// A config PUT this soon after the integration's create is a 409 version mismatch.
    pub consistency_lag: Option<Duration>,
    /// A deleted integration stays listed and readable this long, `intendedState: DELETED`.
    pub deleted_linger: Option<Duration>,
    /// Unknown fields in every object returned, an unknown `reportedState.effective`.
    pub extra_fields: bool,
    /// Error bodies carry `null` for `details`, `errors` and `messageParams`.
    pub null_error_parts: bool,
    /// `inin-ratelimit-reset` is the countdown rounded down (0 in the window's last second).
    pub reset_rounds_down: bool,
}

/// The unit of a valued quirk's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Millis,
    Secs,
}

impl Unit {
    fn duration(self, n: u64) -> Duration {
        match self {
            Unit::Millis => Duration::from_millis(n),
            Unit::Secs => Duration::from_secs(n),
        }
    }

    fn number(self, d: Duration) -> u64 {
        match self {
            Unit::Millis => d.as_millis() as u64,
            Unit::Secs => d.as_secs(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Unit::Millis => "MS",
            Unit::Secs => "S",
        }
    }
}

/// The value a quirk takes: its unit and the default `all` (or a bare name) uses.
#[derive(Debug, Clone, Copy)]
pub struct Valued {
    pub unit: Unit,
    pub default: u64,
    slot: fn(&mut Quirks) -> &mut Option<Duration>,
}

/// Where a row keeps its setting in [`Quirks`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    Flag(fn(&mut Quirks) -> &mut bool),
    Valued(Valued),
}

/// One row of [`QUIRKS`].
#[derive(Debug, Clone, Copy)]
pub struct QuirkSpec {
    pub name: &'static str,
    pub description: &'static str,
    slot: Slot,
}

const fn flag(
    name: &'static str,
    description: &'static str,
    slot: fn(&mut Quirks) -> &mut bool,
) -> QuirkSpec {
    QuirkSpec {
        name,
        description,
        slot: Slot::Flag(slot),
    }
}

const fn valued(
    name: &'static str,
    description: &'static str,
    unit: Unit,
    default: u64,
    slot: fn(&mut Quirks) -> &mut Option<Duration>,
) -> QuirkSpec {
    QuirkSpec {
        name,
        description,
        slot: Slot::Valued(Valued {
            unit,
            default,
            slot,
        }),
    }
}

/// Every quirk, in the order [`Quirks`] declares them.
pub const QUIRKS: &[QuirkSpec] = &[
    flag(
        "no-expand",
        "The integration list ignores expand=config.current: its entities have no config.",
        |q| &mut q.no_expand,
    ),
    flag(
        "no-type-filter",
        "The integration list ignores integrationType: integrations of every type are listed.",
        |q| &mut q.no_type_filter,
    ),
    flag(
        "strict-create",
        "POST /api/v2/integrations with any field other than name and integrationType is a 400 naming it.",
        |q| &mut q.strict_create,
    ),
    valued(
        "consistency-lag",
        "A config PUT within MS milliseconds of the integration's create is a 409 version mismatch.",
        Unit::Millis,
        1500,
        |q| &mut q.consistency_lag,
    ),
    valued(
        "deleted-linger",
        "A deleted integration stays listed and readable for S seconds with intendedState DELETED, then is a 404.",
        Unit::Secs,
        3,
        |q| &mut q.deleted_linger,
    ),
    flag(
        "extra-fields",
        "Every API object returned has fields gcbridge does not know (x-sim-extra, attributes), and reportedState.effective an unknown value.",
        |q| &mut q.extra_fields,
    ),
    flag(
        "null-error-parts",
        "Error bodies have null details, errors and messageParams (message, code, status and contextId stay).",
        |q| &mut q.null_error_parts,
    ),
    flag(
        "reset-rounds-down",
        "inin-ratelimit-reset is the seconds until the window resets rounded down (0 in its last second), not up.",
        |q| &mut q.reset_rounds_down,
    ),
];

/// The name that turns on every quirk, valued ones with their defaults.
pub const ALL: &str = "all";

/// A quirk name that is not in the table, or a value that does not fit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quirk {quirk:?}: {problem}")]
pub struct QuirkError {
    pub quirk: String,
    pub problem: String,
}

impl QuirkSpec {
    /// The value the quirk takes, if it takes one.
    pub fn value(&self) -> Option<Valued> {
        match self.slot {
            Slot::Valued(v) => Some(v),
            Slot::Flag(_) => None,
        }
    }

    pub fn by_name(name: &str) -> Option<&'static QuirkSpec> {
        QUIRKS.iter().find(|q| q.name == name)
    }

    /// `name` or `name=VALUE`, as `--quirk` and `GET /sim/v1/quirks` show it.
    pub fn usage(&self) -> String {
        match self.value() {
            Some(v) => format!("{}={}", self.name, v.unit.name()),
            None => self.name.to_string(),
        }
    }

    /// Turns the quirk on in `q`, with `value` (or the default) for a valued one.
    fn enable(&self, q: &mut Quirks, value: Option<u64>) {
        match self.slot {
            Slot::Valued(v) => *(v.slot)(q) = Some(v.unit.duration(value.unwrap_or(v.default))),
            Slot::Flag(f) => *f(q) = true,
        }
    }

    /// `None` when off; `Some("name")` or `Some("name=N")` when on.
    fn rendered(&self, q: &Quirks) -> Option<String> {
        let mut q = q.clone();
        match self.slot {
            Slot::Valued(v) => {
                (*(v.slot)(&mut q)).map(|d| format!("{}={}", self.name, v.unit.number(d)))
            }
            Slot::Flag(f) => (*f(&mut q)).then(|| self.name.to_string()),
        }
    }
}

impl Quirks {
    /// Every quirk on, valued ones with their defaults (`--quirk all`).
    pub fn all() -> Self {
        let mut q = Quirks::default();
        for spec in QUIRKS {
            spec.enable(&mut q, None);
        }
        q
    }

    /// Turns on one `name[=VALUE]` (or `all`).
    pub fn enable(&mut self, item: &str) -> Result<(), QuirkError> {
        let item = item.trim();
        let err = |problem: String| QuirkError {
            quirk: item.to_string(),
            problem,
        };
        let (name, value) = match item.split_once('=') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (item, None),
        };
        if name == ALL && value.is_none() {
            self.merge(&Quirks::all());
            return Ok(());
        }
        let spec = QuirkSpec::by_name(name).ok_or_else(|| {
            let known: Vec<String> = QUIRKS.iter().map(QuirkSpec::usage).collect();
            err(format!("unknown; known: {}, or {ALL}", known.join(", ")))
        })?;
        let value = match (value, spec.value()) {
            (None, _) => None,
            (Some(_), None) => return Err(err(format!("{name} takes no value"))),
            (Some(v), Some(valued)) => Some(v.parse::<u64>().map_err(|_| {
                err(format!(
                    "the value must be a whole number ({}); got {v:?}",
                    valued.unit.name()
                ))
            })?),
        };
        spec.enable(self, value);
        Ok(())
    }

    /// Every quirk of `names` (each `name[=VALUE]`, `all`, or a comma-separated list).
    pub fn from_names(names: &[&str]) -> Result<Self, QuirkError> {
        let mut q = Quirks::default();
        for item in names.iter().flat_map(|n| n.split(',')) {
            if !item.trim().is_empty() {
                q.enable(item)?;
            }
        }
        Ok(q)
    }

    /// Adds the quirks of `other` (its values win for the valued ones it sets).
    pub fn merge(&mut self, other: &Quirks) {
        self.no_expand |= other.no_expand;
        self.no_type_filter |= other.no_type_filter;
        self.strict_create |= other.strict_create;
        self.consistency_lag = other.consistency_lag.or(self.consistency_lag);
        self.deleted_linger = other.deleted_linger.or(self.deleted_linger);
        self.extra_fields |= other.extra_fields;
        self.null_error_parts |= other.null_error_parts;
        self.reset_rounds_down |= other.reset_rounds_down;
    }

    /// The quirks on, as `name` / `name=N`, in table order.
    pub fn names(&self) -> Vec<String> {
        QUIRKS.iter().filter_map(|s| s.rendered(self)).collect()
    }

    pub fn is_empty(&self) -> bool {
        *self == Quirks::default()
    }
}

impl FromStr for Quirks {
    type Err = QuirkError;

    /// `no-expand,consistency-lag=1500`, or `all`.
    fn from_str(s: &str) -> Result<Self, QuirkError> {
        Quirks::from_names(&[s])
    }
}

impl fmt::Display for Quirks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.names().join(","))
    }
}

impl Serialize for Quirks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.names().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Quirks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        Quirks::from_names(&refs).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_turns_on_every_row_with_defaults() {
        let q: Quirks = "all".parse().unwrap();
        assert_eq!(q, Quirks::all());
        assert_eq!(
            q.names(),
            [
                "no-expand",
                "no-type-filter",
                "strict-create",
                "consistency-lag=1500",
                "deleted-linger=3",
                "extra-fields",
                "null-error-parts",
                "reset-rounds-down"
            ]
        );
        assert_eq!(q.consistency_lag, Some(Duration::from_millis(1500)));
        assert_eq!(q.deleted_linger, Some(Duration::from_secs(3)));
    }

    #[test]
    fn names_values_and_errors() {
        let q = Quirks::from_names(&["no-expand,consistency-lag=20", "deleted-linger"]).unwrap();
        assert!(q.no_expand && !q.strict_create);
        assert_eq!(q.consistency_lag, Some(Duration::from_millis(20)));
        assert_eq!(q.deleted_linger, Some(Duration::from_secs(3)));
        assert_eq!(
            q.to_string(),
            "no-expand,consistency-lag=20,deleted-linger=3"
        );
        assert_eq!(q.to_string().parse::<Quirks>().unwrap(), q);
        assert!(Quirks::from_names(&[]).unwrap().is_empty());
        for bad in ["nope", "no-expand=1", "consistency-lag=x", "all=2"] {
            let e = bad.parse::<Quirks>().unwrap_err();
            assert!(
                e.to_string().contains(bad.split('=').next().unwrap()),
                "{e}"
            );
        }
    }
}
