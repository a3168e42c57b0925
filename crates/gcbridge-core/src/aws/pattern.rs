//! Event patterns as a user writes them: checked, and made canonical so they compare exactly with
//! the copy AWS returns.

use serde_json::Value;

/// The pattern used when a rule gives none: every event Genesys Cloud sends to the bus.
pub const DEFAULT_PATTERN: &str = r#"{"source":[{"prefix":"aws.partner/genesys.com/cloud/"}]}"#;

/// Top-level fields of an EventBridge event that a pattern may match on.
pub(crate) const EVENT_FIELDS: &[&str] = &[
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

/// Why an event pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("an event pattern is a JSON object, e.g. {{\"detail-type\": [{{\"prefix\": \"v2.users.\"}}]}}")]
    NotAnObject,
    #[error("an empty event pattern matches nothing; leave event_pattern out to match every Genesys event")]
    Empty,
    /// A top-level key that is no field of an event; `suggestion` is the closest field.
    #[error("\"{key}\" is not a field of an EventBridge event{}", suggestion.as_ref().map(|c| format!("; did you mean \"{c}\"?")).unwrap_or_default())]
    UnknownField {
        key: String,
        suggestion: Option<String>,
    },
    /// `path` (`detail.state`) holds an empty list.
    #[error("\"{path}\": an empty list matches nothing")]
    EmptyList { path: String },
    /// `path` holds a value that is neither a list nor an object.
    #[error("\"{path}\": values in a pattern are lists, e.g. [\"a\", \"b\"] or [{{\"prefix\": \"v2.\"}}]")]
    NotAList { path: String },
}

/// Checks an event pattern and returns its canonical JSON.
pub fn canonical_pattern(pattern: &Value) -> Result<String, PatternError> {
    let Value::Object(map) = pattern else {
        return Err(PatternError::NotAnObject);
    };
    if map.is_empty() {
        return Err(PatternError::Empty);
    }
    for (key, value) in map {
        if !EVENT_FIELDS.contains(&key.as_str()) {
            let close = crate::suggest::closest(key, EVENT_FIELDS.iter().copied(), 1);
            return Err(PatternError::UnknownField {
                key: key.clone(),
                suggestion: close.first().map(|c| c.to_string()),
            });
        }
        check_matchers(key, value)?;
    }
    Ok(canonical(pattern))
}

fn check_matchers(path: &str, value: &Value) -> Result<(), PatternError> {
    match value {
        Value::Array(items) if items.is_empty() => Err(PatternError::EmptyList {
            path: path.to_string(),
        }),
        Value::Array(_) => Ok(()),
        Value::Object(map) => {
            for (k, v) in map {
                check_matchers(&format!("{path}.{k}"), v)?;
            }
            Ok(())
        }
        _ => Err(PatternError::NotAList {
            path: path.to_string(),
        }),
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
            .to_string()
            .contains("did you mean \"detail-type\""));
        let p: Value = serde_json::from_str(r#"{"source": "x"}"#).unwrap();
        assert!(canonical_pattern(&p)
            .unwrap_err()
            .to_string()
            .contains("lists"));
        assert!(canonical_pattern(&Value::Null).is_err());
    }

    #[test]
    fn pattern_errors_say_which_rule_failed() {
        let check = |text: &str| canonical_pattern(&serde_json::from_str(text).unwrap());
        assert_eq!(check("[1]"), Err(PatternError::NotAnObject));
        assert_eq!(check("{}"), Err(PatternError::Empty));
        assert_eq!(
            check(r#"{"detail_type": ["a"]}"#),
            Err(PatternError::UnknownField {
                key: "detail_type".into(),
                suggestion: Some("detail-type".into())
            })
        );
        assert_eq!(
            check(r#"{"zzzzzz": ["a"]}"#),
            Err(PatternError::UnknownField {
                key: "zzzzzz".into(),
                suggestion: None
            })
        );
        assert_eq!(
            check(r#"{"detail": {"state": []}}"#),
            Err(PatternError::EmptyList {
                path: "detail.state".into()
            })
        );
        assert_eq!(
            check(r#"{"source": "x"}"#),
            Err(PatternError::NotAList {
                path: "source".into()
            })
        );
        assert_eq!(
            PatternError::NotAnObject.to_string(),
            r#"an event pattern is a JSON object, e.g. {"detail-type": [{"prefix": "v2.users."}]}"#
        );
        assert_eq!(
            check(r#"{"zzzzzz": ["a"]}"#).unwrap_err().to_string(),
            r#""zzzzzz" is not a field of an EventBridge event"#
        );
    }
}
