//! `client_secret_from`: where in AWS the OAuth client secret is kept, as written in the file.
//!
//! Two forms, each a prefix and what the service calls the secret:
//! - `aws-secretsmanager:NAME_OR_ARN`, and `aws-secretsmanager:NAME_OR_ARN#KEY` for one key of a
//!   secret stored as a JSON object (`#` cannot occur in a Secrets Manager name or ARN, so the
//!   split is unambiguous; ECS's `arn:...:secret:NAME:KEY::` form needs the full ARN, this does not);
//! - `aws-ssm:/PARAMETER` (or the parameter's ARN), a SecureString read with WithDecryption.
//!
//! Only the reference lives here (parsing, display, region); reading it is `secrets/`. The
//! reference is not secret: it is written back by `export` and named in every error.

use std::fmt;

use crate::arn_fields::arn_fields;

/// The prefix of a Secrets Manager reference.
pub const SECRETS_MANAGER: &str = "aws-secretsmanager:";
/// The prefix of an SSM Parameter Store reference.
pub const SSM: &str = "aws-ssm:";
/// The two accepted forms, for help lines.
pub const FORMS: &str = "\"aws-secretsmanager:NAME_OR_ARN\" (\"...#KEY\" for one key of a JSON secret) or \"aws-ssm:/PARAMETER\"";

/// A secret kept in AWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// A Secrets Manager secret by name or ARN; `key` picks one key of a JSON object secret.
    SecretsManager { id: String, key: Option<String> },
    /// An SSM parameter by name (`/team/genesys/secret`) or ARN.
    Ssm { name: String },
}

impl SecretRef {
    /// Parses the file's `client_secret_from` value. The error says what is wrong without
    /// repeating the value (a pasted secret must not be echoed).
    pub fn parse(text: &str) -> Result<SecretRef, String> {
        if let Some(rest) = text.strip_prefix(SECRETS_MANAGER) {
            let (id, key) = match rest.split_once('#') {
                Some((id, key)) => (id, Some(key)),
                None => (rest, None),
            };
            if id.is_empty() {
                return Err("names no secret after \"aws-secretsmanager:\"".into());
            }
            if !id.chars().all(secret_id_char) {
                return Err(
                    "is not a Secrets Manager name or ARN (letters, digits and /_+=.@-:)".into(),
                );
            }
            if key.is_some_and(|k| k.trim().is_empty()) {
                return Err("has an empty key after '#'".into());
            }
            if id.starts_with("arn:") && service(id) != Some("secretsmanager") {
                return Err("is an ARN, but not of a Secrets Manager secret".into());
            }
            return Ok(SecretRef::SecretsManager {
                id: id.to_string(),
                key: key.map(String::from),
            });
        }
        if let Some(name) = text.strip_prefix(SSM) {
            if name.is_empty() {
                return Err("names no parameter after \"aws-ssm:\"".into());
            }
            if name.starts_with("arn:") {
                if service(name) != Some("ssm") {
                    return Err("is an ARN, but not of an SSM parameter".into());
                }
            } else if !name.chars().all(parameter_char) {
                return Err("is not an SSM parameter name (letters, digits and /_.-)".into());
            }
            return Ok(SecretRef::Ssm {
                name: name.to_string(),
            });
        }
        Err("does not start with aws-secretsmanager: or aws-ssm:".into())
    }

    /// The region written in the reference: an ARN's own; `None` for a bare name (the AWS
    /// configuration's region then applies).
    pub fn region(&self) -> Option<&str> {
        let id = match self {
            SecretRef::SecretsManager { id, .. } => id,
            SecretRef::Ssm { name } => name,
        };
        arn_fields(id)
            .map(|[_, _, region, ..]| region)
            .filter(|r| !r.is_empty())
    }

    /// The AWS permission that reads it.
    pub fn permission(&self) -> &'static str {
        match self {
            SecretRef::SecretsManager { .. } => "secretsmanager:GetSecretValue",
            SecretRef::Ssm { .. } => "ssm:GetParameter",
        }
    }
}

/// The reference exactly as the file writes it, so `export` writes it back unchanged.
impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::SecretsManager { id, key: None } => write!(f, "{SECRETS_MANAGER}{id}"),
            SecretRef::SecretsManager { id, key: Some(k) } => {
                write!(f, "{SECRETS_MANAGER}{id}#{k}")
            }
            SecretRef::Ssm { name } => write!(f, "{SSM}{name}"),
        }
    }
}

/// Serialized as its text, so `export` writes the reference back unchanged (never the secret).
impl serde::Serialize for SecretRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The service an ARN names (`secretsmanager`, `ssm`).
fn service(arn: &str) -> Option<&str> {
    arn_fields(arn).map(|[_, service, ..]| service)
}

/// Secrets Manager names allow letters, digits and /_+=.@-; an ARN adds ':'.
fn secret_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-:".contains(c)
}

fn parameter_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_.-".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_round_trip_and_regions() {
        for text in [
            "aws-secretsmanager:prod/genesys",
            "aws-secretsmanager:prod/genesys#client_secret",
            "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-AbCdEf",
            "aws-ssm:/prod/genesys/secret",
            "aws-ssm:arn:aws:ssm:ap-southeast-2:123456789012:parameter/prod/secret",
        ] {
            let r = SecretRef::parse(text).unwrap();
            assert_eq!(r.to_string(), text);
        }
        let arn = "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:x#k";
        let r = SecretRef::parse(arn).unwrap();
        assert_eq!(r.region(), Some("eu-west-1"));
        assert!(matches!(r, SecretRef::SecretsManager { key: Some(ref k), .. } if k == "k"));
        assert_eq!(SecretRef::parse("aws-ssm:/a").unwrap().region(), None);
        let ssm = "aws-ssm:arn:aws:ssm:ap-southeast-2:1:parameter/p";
        assert_eq!(
            SecretRef::parse(ssm).unwrap().region(),
            Some("ap-southeast-2")
        );
    }

    #[test]
    fn bad_forms_do_not_echo_the_value() {
        for bad in [
            "S3cr3tPastedValue",
            "aws-secretsmanager:",
            "aws-secretsmanager:name#",
            "aws-secretsmanager:has space",
            "aws-secretsmanager:arn:aws:ssm:us-east-1:1:parameter/x",
            "aws-ssm:",
            "aws-ssm:bad name",
            "aws-ssm:arn:aws:secretsmanager:us-east-1:1:secret:x",
            "vault:kv/x",
        ] {
            let e = SecretRef::parse(bad).unwrap_err();
            // The prefixes are named in messages; what follows them never is.
            let rest = bad.strip_prefix(SECRETS_MANAGER).or(bad.strip_prefix(SSM));
            let rest = rest.unwrap_or(bad);
            assert!(rest.is_empty() || !e.contains(rest), "{bad}: {e}");
        }
    }
}
