//! How a command fails: a message for the user and the exit code CI reads.

use std::fmt;

/// Exit code for bad usage or bad input (nothing was attempted).
pub const EXIT_USAGE: i32 = 2;
/// Exit code for a failure while doing the work.
pub const EXIT_FAILURE: i32 = 1;

#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
    /// What went wrong, for scripts reading `--output json` (`usage`, `forbidden`, ...).
    pub kind: &'static str,
}

impl Failure {
    /// Bad input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
            kind: "usage",
        }
    }

    /// The work failed: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_FAILURE,
            message: message.into(),
            kind: "failed",
        }
    }

    /// A silent exit with a code, when the output already said everything.
    pub fn exit(code: i32) -> Self {
        Failure {
            code,
            message: String::new(),
            kind: if code == EXIT_USAGE {
                "usage"
            } else {
                "failed"
            },
        }
    }

    /// The same failure with a more precise kind.
    pub fn with_kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<genesys_client::Error> for Failure {
    fn from(e: genesys_client::Error) -> Self {
        let kind = client_error_kind(&e);
        Failure::failed(e.to_string()).with_kind(kind)
    }
}

impl From<gcbridge_core::config::Diagnostics> for Failure {
    fn from(d: gcbridge_core::config::Diagnostics) -> Self {
        Failure::usage(crate::render_diagnostics::render(&d)).with_kind("invalid_input")
    }
}

/// The JSON `kind` of a Genesys Cloud client error.
fn client_error_kind(e: &genesys_client::Error) -> &'static str {
    use genesys_client::Error as E;
    match e {
        E::Unauthorized { .. } => "unauthorized",
        E::Forbidden { .. } => "forbidden",
        E::NotFound { .. } => "not_found",
        E::Conflict { .. } => "conflict",
        E::BadRequest { .. } => "bad_request",
        E::RateLimited { .. } => "rate_limited",
        E::Server { .. } => "server_error",
        E::Timeout { .. } => "timeout",
        E::Dns { .. } | E::Tls { .. } | E::Connect { .. } => "connection",
        E::InvalidResponse { .. } => "invalid_response",
        E::Config { .. } => "client_setup",
    }
}

pub type CmdResult = Result<(), Failure>;
