//! AWS failures as one readable message: the SDK's top-level Display says only "service error",
//! so the whole chain of sources is rendered.

use std::error::Error as StdError;
use std::fmt;

#[derive(Debug, Clone)]
pub struct AwsError {
    pub message: String,
}

impl AwsError {
    /// `what` failed, with the SDK error's full context.
    pub fn from_sdk<E: StdError>(what: &str, err: E) -> Self {
        AwsError {
            message: format!("{what}: {}", render(&err)),
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        AwsError {
            message: message.into(),
        }
    }
}

fn render(err: &dyn StdError) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for AwsError {}
