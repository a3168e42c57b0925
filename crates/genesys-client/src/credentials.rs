//! The OAuth client id and secret, together with where they came from, so that a rejected
//! credential can be reported as "check GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET" rather than
//! a bare 401. Reading the environment or a `.env` file is the CLI's job, not this crate's.

use std::fmt;

use crate::secret::Secret;

/// An OAuth client-credentials grant.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: Secret,
    pub source: CredentialSource,
}

impl Credentials {
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        source: CredentialSource,
    ) -> Credentials {
        Credentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            source,
        }
    }
}

/// Where a client id and secret were read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// Command-line flags.
    Flags,
    /// Environment variables.
    Env { id_var: String, secret_var: String },
    /// Variables in a `.env` file.
    DotEnv { id_var: String, secret_var: String },
    /// Anything else, described in free text (e.g. "the [genesys] table of gcbridge.toml").
    Config(String),
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Flags => f.write_str("the --client-id / --client-secret flags"),
            CredentialSource::Env { id_var, secret_var } => write!(f, "{id_var} / {secret_var}"),
            CredentialSource::DotEnv { id_var, secret_var } => {
                write!(f, "{id_var} / {secret_var} in the .env file")
            }
            CredentialSource::Config(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_sources_read_well() {
        let c = Credentials::new(
            "my-id",
            "s3cr3t-value",
            CredentialSource::Env {
                id_var: "GENESYS_CLIENT_ID".into(),
                secret_var: "GENESYS_CLIENT_SECRET".into(),
            },
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        assert!(dbg.contains("my-id"));
        assert_eq!(
            c.source.to_string(),
            "GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET"
        );
        let d = CredentialSource::DotEnv {
            id_var: "A".into(),
            secret_var: "B".into(),
        };
        assert_eq!(d.to_string(), "A / B in the .env file");
        assert!(CredentialSource::Flags.to_string().contains("--client-id"));
        assert_eq!(CredentialSource::Config("x".into()).to_string(), "x");
    }
}
