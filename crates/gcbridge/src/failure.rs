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
}

impl Failure {
    /// Bad input: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    /// The work failed: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            code: EXIT_FAILURE,
            message: message.into(),
        }
    }

    /// A silent exit with a code, when the output already said everything.
    pub fn exit(code: i32) -> Self {
        Failure {
            code,
            message: String::new(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<genesys_client::Error> for Failure {
    fn from(e: genesys_client::Error) -> Self {
        Failure::failed(e.to_string())
    }
}

impl From<gcbridge_core::config::Diagnostics> for Failure {
    fn from(d: gcbridge_core::config::Diagnostics) -> Self {
        Failure::usage(crate::render_diagnostics::render(&d))
    }
}

pub type CmdResult = Result<(), Failure>;
