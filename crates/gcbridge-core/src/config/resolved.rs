//! A resolved connection setting and why a connection cannot be built: the vocabulary the
//! precedence rule (`connection`) and the secret's destination check (`trust`) both speak.

use std::fmt;

use genesys_client::Credentials;

use super::environment::Source;
use crate::secret_ref::SecretRef;

/// A setting's value and where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: String,
    pub source: Source,
}

/// Where only: the value may be the client secret.
impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolved")
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Why a connection cannot be built; every case is bad input, found before any request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    /// A value that is not a region or not a URL; `at` names the flag, key or variable.
    #[error("{at}: {message}")]
    Invalid { at: Source, message: String },
    #[error(
        "no Genesys Cloud region: give --region (e.g. us-east-1), set GENESYS_REGION, \
         or set region in the config file; for the emulator give --api-url http://127.0.0.1:PORT"
    )]
    NoRegion,
    #[error("no OAuth {what}: set {} (or put it in a .env file in this directory), or give {flag}", vars.join(" or "))]
    NoCredential {
        what: &'static str,
        vars: Vec<String>,
        flag: &'static str,
    },
    /// The only variable that could give a setting is set to the empty string.
    #[error("{var} is set but empty (in {origin}): give it the {what}, or remove it")]
    Empty {
        what: &'static str,
        var: String,
        origin: String,
    },
    /// Two aliases of one setting disagree; which one was meant cannot be guessed.
    #[error(
        "{first} (from {first_origin}) and {second} (from {second_origin}) are both set, to \
         different values: they are two names of the same setting; unset one of them"
    )]
    AliasConflict {
        first: String,
        first_origin: String,
        second: String,
        second_origin: String,
    },
    /// A URL from the environment or `.env` that would send the credentials to another host.
    #[error(
        "{var} (from {origin}) points at {host}, which is neither a Genesys Cloud host of a \
         known region nor this machine: the OAuth client secret is not sent there; if you mean \
         that host, give it with --api-url / --login-url or as api_url / login_url in the config \
         file you name with -f"
    )]
    UntrustedHost {
        var: String,
        origin: String,
        host: String,
    },
    /// `client_id_env` / `client_secret_env` holds something that is not a variable name (the
    /// value is never shown: it may be the secret itself).
    #[error(
        "{key} in the config file is not the name of an environment variable (upper-case \
         letters, digits and _, e.g. GENESYS_CLIENT_SECRET); the value is not shown in case it is \
         a secret: put the secret in an environment variable and write that variable's name here"
    )]
    NotAVariableName { key: &'static str },
    /// A flag given with an empty value.
    #[error("{flag} is empty: give a value, or leave the flag out to use the environment")]
    EmptyFlag { flag: &'static str },
}

/// An org's OAuth credentials as far as they are known before any request.
#[derive(Debug, Clone)]
pub enum OrgCredentials {
    /// Both known now (flags, environment, `.env`).
    Known(Credentials),
    /// The secret is kept in AWS (`client_secret_from`): read when the org is first used, by
    /// `secrets/`, so a run that never reaches the org never reads it.
    InAws {
        client_id: String,
        /// Where the client id came from, for the message of a rejected credential.
        id_source: Source,
        secret: SecretRef,
    },
}

impl OrgCredentials {
    /// The credentials when both are known already (not kept in AWS).
    pub fn known(&self) -> Option<&Credentials> {
        match self {
            OrgCredentials::Known(c) => Some(c),
            OrgCredentials::InAws { .. } => None,
        }
    }
}
