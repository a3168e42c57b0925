//! A snapshot of environment variables (the process's and a `.env` file's), and the names of
//! where a connection value was found.
//!
//! Core never reads the process environment itself: the binary passes this snapshot in, so the
//! precedence rule is a pure function and tests need no global state.

use std::collections::HashMap;
use std::fmt;

/// Environment variables visible to one run; real variables win over `.env` ones.
#[derive(Clone, Default)]
pub struct Environment {
    process: HashMap<String, String>,
    dotenv: HashMap<String, String>,
}

impl Environment {
    /// A snapshot from the process's variables and the entries of a `.env` file.
    pub fn new(
        process: impl IntoIterator<Item = (String, String)>,
        dotenv: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        Environment {
            process: process.into_iter().collect(),
            dotenv: dotenv.into_iter().collect(),
        }
    }

    /// The value of `name` and where it was found. An empty variable counts as unset, because
    /// `export GENESYS_REGION=` is how shells clear one.
    pub fn get(&self, name: &str) -> Option<(String, Source)> {
        let set = |map: &HashMap<String, String>| map.get(name).filter(|v| !v.is_empty()).cloned();
        if let Some(v) = set(&self.process) {
            return Some((v, Source::Env(name.to_string())));
        }
        set(&self.dotenv).map(|v| (v, Source::DotEnv(name.to_string())))
    }
}

/// Names only: the values include secrets.
impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut process: Vec<&String> = self.process.keys().collect();
        let mut dotenv: Vec<&String> = self.dotenv.keys().collect();
        process.sort();
        dotenv.sort();
        f.debug_struct("Environment")
            .field("process", &process)
            .field("dotenv", &dotenv)
            .finish()
    }
}

/// Where one connection value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag, e.g. `--region`.
    Flag(&'static str),
    /// A key of the config file's `[genesys]` or `[[org]]` table.
    File(&'static str),
    /// A process environment variable.
    Env(String),
    /// A variable of the `.env` file.
    DotEnv(String),
}

impl Source {
    /// The flag, key or variable name alone, as credential sources name it.
    pub fn name(&self) -> &str {
        match self {
            Source::Flag(n) | Source::File(n) => n,
            Source::Env(n) | Source::DotEnv(n) => n,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(n) => f.write_str(n),
            Source::File(n) => write!(f, "{n} in the config file"),
            Source::Env(n) => f.write_str(n),
            Source::DotEnv(n) => write!(f, "{n} in the .env file"),
        }
    }
}
