//! Reading and writing fault rules: the JSON object (also what TOML `[[faults]]` tables
//! and serde go through), lists of them, and the compact `kind[:arg][,key=value]...`
//! form of `gcbridge sim --fault`. Every form ends in [`FaultRule::from_json`], so they
//! accept and reject the same rules with the same messages.

use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::error::FaultRuleError;
use super::kind::{names_list, FaultKind, Field, KindSpec};
use super::rule::FaultRule;

/// The fields every rule may have; each kind may add its own [`Field`].
const COMMON_FIELDS: [&str; 4] = ["route", "kind", "rate", "count"];

fn is_known_field(name: &str) -> bool {
    COMMON_FIELDS.contains(&name) || Field::ALL.iter().any(|f| f.name() == name)
}

fn known_fields() -> String {
    let extra = Field::ALL.iter().map(|f| f.name());
    COMMON_FIELDS
        .iter()
        .copied()
        .chain(extra)
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_u64(obj: &Map<String, Value>, field: &str) -> Result<Option<u64>, FaultRuleError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            FaultRuleError::new(field, format!("must be a non-negative integer; got {v}"))
        }),
    }
}

/// The kind of a rule object, with its field's value, and no field of another kind.
fn kind_of(obj: &Map<String, Value>) -> Result<FaultKind, FaultRuleError> {
    let name = match obj.get("kind") {
        Some(Value::String(s)) => s.as_str(),
        None | Some(Value::Null) => {
            let problem = format!("is required (one of {})", names_list());
            return Err(FaultRuleError::new("kind", problem));
        }
        Some(other) => {
            let problem = format!("must be a string (one of {}); got {other}", names_list());
            return Err(FaultRuleError::new("kind", problem));
        }
    };
    let spec = KindSpec::by_name(name).ok_or_else(|| {
        let problem = format!("must be one of {}; got {name:?}", names_list());
        FaultRuleError::new("kind", problem)
    })?;
    let arg = match spec.field() {
        Some(field) => opt_u64(obj, field.name())?,
        None => None,
    };
    let kind = spec.make(arg)?;
    let stray = Field::ALL
        .iter()
        .find(|f| Some(**f) != spec.field() && obj.contains_key(f.name()));
    if let Some(field) = stray {
        let problem = format!("does not apply to kind \"{name}\"");
        return Err(FaultRuleError::new(field.name(), problem));
    }
    Ok(kind)
}

fn route_of(obj: &Map<String, Value>) -> Result<Option<String>, FaultRuleError> {
    match obj.get("route") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim() == "*" => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(other) => Err(FaultRuleError::new(
            "route",
            format!("must be a string such as \"POST /api/v2/integrations\" or \"*\"; got {other}"),
        )),
    }
}

fn rate_of(obj: &Map<String, Value>) -> Result<f64, FaultRuleError> {
    match obj.get("rate") {
        None | Some(Value::Null) => Ok(1.0),
        Some(v) => v.as_f64().ok_or_else(|| {
            FaultRuleError::new("rate", format!("must be a number from 0.0 to 1.0; got {v}"))
        }),
    }
}

impl FaultRule {
    /// Parses and checks one rule given as a JSON object.
    pub fn from_json(value: &Value) -> Result<Self, FaultRuleError> {
        let Value::Object(obj) = value else {
            return Err(FaultRuleError::new(
                "rule",
                format!("must be an object with a \"kind\"; got {value}"),
            ));
        };
        if let Some(k) = obj.keys().find(|k| !is_known_field(k)) {
            let problem = format!("is unknown (expected {})", known_fields());
            return Err(FaultRuleError::new(k, problem));
        }
        let kind = kind_of(obj)?;
        let rule = FaultRule {
            route: route_of(obj)?,
            kind,
            rate: rate_of(obj)?,
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
        if let Some(field) = self.kind.spec().field() {
            m.insert(field.name().into(), json!(self.kind.arg()));
        }
        m.insert("rate".into(), json!(self.rate));
        m.insert("count".into(), json!(self.count));
        Value::Object(m)
    }
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

fn number(field: &str, raw: &str) -> Result<Value, FaultRuleError> {
    raw.parse::<u64>().map(Value::from).map_err(|_| {
        let problem = format!("must be a non-negative integer; got {raw:?}");
        FaultRuleError::new(field, problem)
    })
}

/// Turns the compact form `kind[:arg][,key=value]...` into the JSON form; `arg` is the
/// value of the kind's own field.
fn compact_to_json(s: &str) -> Result<Value, FaultRuleError> {
    let mut parts = s.split(',').map(str::trim);
    let head = parts.next().unwrap_or("");
    let (kind, arg) = match head.split_once(':') {
        Some((k, a)) => (k.trim(), Some(a.trim())),
        None => (head, None),
    };
    let mut obj = Map::new();
    obj.insert("kind".into(), json!(kind));
    if let Some(arg) = arg {
        let field = KindSpec::by_name(kind)
            .and_then(|k| k.field())
            .ok_or_else(|| {
                FaultRuleError::new("kind", format!("\"{kind}\" takes no \":{arg}\" argument"))
            })?;
        obj.insert(field.name().into(), number(field.name(), arg)?);
    }
    for part in parts.filter(|p| !p.is_empty()) {
        let (key, raw) = part.split_once('=').ok_or_else(|| {
            FaultRuleError::new(part, "must be written key=value (route, rate or count)")
        })?;
        let (key, raw) = (key.trim(), raw.trim());
        let value = match key {
            "route" | "kind" => json!(raw),
            "rate" => json!(raw.parse::<f64>().map_err(|_| {
                let problem = format!("must be a number from 0.0 to 1.0; got {raw:?}");
                FaultRuleError::new("rate", problem)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultKind;

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
}
