//! What of a secret's stored text is the OAuth client secret: the whole text, or one key of a JSON
//! object (`aws-secretsmanager:NAME#KEY`). Pure, so every case is tested without AWS.
//!
//! A JSON object read without a key is refused rather than sent whole: a secret holding
//! `{"client_id": ..., "client_secret": ...}` is common, and sending it as the secret would fail
//! later as a puzzling 401. Messages name keys (not secret) but never a value.

use genesys_client::Secret;

use crate::secret_ref::SecretRef;

/// The client secret in `text`, or what is wrong, worded to follow "the secret NAME".
pub(super) fn pick(r: &SecretRef, text: String) -> Result<Secret, String> {
    let key = match r {
        SecretRef::SecretsManager { key, .. } => key.as_deref(),
        SecretRef::Ssm { .. } => None,
    };
    let object = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(map)) => Some(map),
        _ => None,
    };
    let value = match (key, object) {
        (Some(key), Some(mut map)) => match map.remove(key) {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                return Err(format!(
                    "has a key \"{key}\", but its value is not a string; store the OAuth client secret as a string"
                ))
            }
            None => {
                return Err(format!(
                    "has no key \"{key}\" (its keys: {})",
                    keys(&map)
                ))
            }
        },
        (Some(key), None) => {
            return Err(format!(
                "is not a JSON object, so it has no key \"{key}\": remove \"#{key}\" to use the whole secret"
            ))
        }
        (None, Some(map)) => {
            let example = map
                .keys()
                .find(|k| k.contains("secret"))
                .map_or("client_secret", String::as_str);
            return Err(format!(
                "holds a JSON object (keys: {}): name the key that holds the OAuth client secret, e.g. client_secret_from = \"{r}#{example}\"",
                keys(&map)
            ));
        }
        (None, None) => text,
    };
    // A value pasted with its newline (`--secret-string file://...`) is meant without it; an
    // OAuth client secret never has surrounding whitespace.
    let value = value.trim();
    if value.is_empty() {
        return Err("is empty".into());
    }
    Ok(Secret::new(value))
}

fn keys(map: &serde_json::Map<String, serde_json::Value>) -> String {
    let names: Vec<String> = map.keys().map(|k| format!("\"{k}\"")).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "V4lue-never-shown-91";

    fn sm(key: Option<&str>) -> SecretRef {
        SecretRef::SecretsManager {
            id: "prod/genesys".into(),
            key: key.map(String::from),
        }
    }

    #[test]
    fn plain_text_and_json_keys() {
        let got = pick(&sm(None), format!("{VALUE}\n")).unwrap();
        assert_eq!(got.expose(), VALUE);
        let json = format!(r#"{{"client_id":"abc","client_secret":"{VALUE}"}}"#);
        let got = pick(&sm(Some("client_secret")), json.clone()).unwrap();
        assert_eq!(got.expose(), VALUE);
        let ssm = SecretRef::Ssm { name: "/p".into() };
        assert_eq!(pick(&ssm, VALUE.into()).unwrap().expose(), VALUE);
    }

    #[test]
    fn problems_name_keys_never_values() {
        let json = format!(r#"{{"client_id":"abc","client_secret":"{VALUE}","n":1}}"#);
        let cases = [
            (sm(None), json.clone(), "#client_secret"),
            (sm(Some("secret")), json.clone(), "has no key \"secret\""),
            (sm(Some("n")), json.clone(), "not a string"),
            (sm(Some("k")), VALUE.to_string(), "remove \"#k\""),
            (sm(None), "  \n".to_string(), "is empty"),
        ];
        for (r, text, want) in cases {
            let e = pick(&r, text).unwrap_err();
            assert!(e.contains(want), "{e}");
            assert!(!e.contains(VALUE), "{e}");
        }
    }
}
