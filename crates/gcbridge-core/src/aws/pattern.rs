//! Event patterns as a user writes them: checked, and made canonical so they compare exactly with
//! the copy AWS returns.

use serde_json::Value;

/// The pattern used when a rule gives none: every event Genesys Cloud sends to the bus.
pub const DEFAULT_PATTERN: &str = r#"{"source":[{"prefix":"aws.partner/genesys.com/cloud/"}]}"#;

/// Top-level fields of an EventBridge event that a pattern may match on.
const EVENT_FIELDS: &[&str] = &[
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
];

/// Checks an event pattern and returns its canonical JSON.
pub fn canonical_pattern(pattern: &Value) -> Result<String, String> {
    let Value::Object(map) = pattern else {
        return Err("an event pattern is a JSON object, e.g. {\"detail-type\": [{\"prefix\": \"v2.users.\"}]}".into());
    };
    if map.is_empty() {
        return Err("an empty event pattern matches nothing; leave event_pattern out to match every Genesys event".into());
    }
    for (key, value) in map {
        if !EVENT_FIELDS.contains(&key.as_str()) {
            let close = crate::suggest::closest(key, EVENT_FIELDS.iter().copied(), 1);
            let hint = close
                .first()
                .map(|c| format!("; did you mean \"{c}\"?"))
                .unwrap_or_default();
            return Err(format!(
                "\"{key}\" is not a field of an EventBridge event{hint}"
            ));
        }
        check_matchers(key, value)?;
    }
    Ok(canonical(pattern))
}

fn check_matchers(path: &str, value: &Value) -> Result<(), String> {
    match value {
        Value::Array(items) if items.is_empty() => Err(format!("\"{path}\": an empty list matches nothing")),
        Value::Array(_) => Ok(()),
        Value::Object(map) => {
            for (k, v) in map {
                check_matchers(&format!("{path}.{k}"), v)?;
            }
            Ok(())
        }
        _ => Err(format!("\"{path}\": values in a pattern are lists, e.g. [\"a\", \"b\"] or [{{\"prefix\": \"v2.\"}}]")),
    }
}

/// JSON with object keys sorted at every level and no whitespace.
pub fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Converts a TOML value (a pattern written as a table) to JSON.
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_checked_and_canonical() {
        let p: Value = serde_json::from_str(
            r#"{ "source": [ {"prefix": "aws.partner/"} ], "detail-type": ["a"] }"#,
        )
        .unwrap();
        assert_eq!(
            canonical_pattern(&p).unwrap(),
            r#"{"detail-type":["a"],"source":[{"prefix":"aws.partner/"}]}"#
        );
        let p: Value = serde_json::from_str(r#"{"detail_type": ["a"]}"#).unwrap();
        assert!(canonical_pattern(&p)
            .unwrap_err()
            .contains("did you mean \"detail-type\""));
        let p: Value = serde_json::from_str(r#"{"source": "x"}"#).unwrap();
        assert!(canonical_pattern(&p).unwrap_err().contains("lists"));
        assert!(canonical_pattern(&Value::Null).is_err());
    }
}
