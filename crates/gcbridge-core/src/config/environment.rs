//! A snapshot of environment variables (the process's and a `.env` file's), and the names of
//! where a connection value was found.
//!
//! Core never reads the process environment itself: the binary passes this snapshot in, so the
//! precedence rule is a pure function and tests need no global state.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variables visible to one run; real variables win over `.env` ones.
#[derive(Clone, Default)]
pub struct Environment {
    process: HashMap<String, String>,
    dotenv: HashMap<String, String>,
    dotenv_path: Option<PathBuf>,
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
            dotenv_path: None,
        }
    }

    /// The same snapshot, knowing which `.env` file its `.env` variables were read from.
    pub fn with_dotenv_path(mut self, path: PathBuf) -> Self {
        self.dotenv_path = Some(path);
        self
    }

    /// The `.env` file read, if one was.
    pub fn dotenv_path(&self) -> Option<&Path> {
        self.dotenv_path.as_deref()
    }

    /// The names the `.env` file supplied, sorted (names only: values may be secrets).
    pub fn dotenv_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.dotenv.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Where a value came from, in words: "the environment", or ".env file PATH".
    pub fn origin(&self, source: &Source) -> String {
        match (source, &self.dotenv_path) {
            (Source::DotEnv(_), Some(p)) => format!("the .env file {}", p.display()),
            (Source::DotEnv(_), None) => "a .env file".to_string(),
            (Source::Env(_), _) => "the environment".to_string(),
            (Source::Flag(_), _) => "the command line".to_string(),
            (Source::File(_), _) => "the config file".to_string(),
        }
    }

    /// The first of `names` with a value: every real variable before any `.env` one, so a
    /// `.env` never outranks a variable the user exported under another alias.
    pub fn find(&self, names: &[String]) -> Option<(String, Source)> {
        let set = |map: &HashMap<String, String>, n: &String| {
            map.get(n).filter(|v| !v.is_empty()).cloned()
        };
        names
            .iter()
            .find_map(|n| set(&self.process, n).map(|v| (v, Source::Env(n.clone()))))
            .or_else(|| {
                names
                    .iter()
                    .find_map(|n| set(&self.dotenv, n).map(|v| (v, Source::DotEnv(n.clone()))))
            })
    }

    /// Two of `names` set to different values in the layer that decides (the real environment
    /// if any of them is set there, else `.env`): which one was meant cannot be guessed.
    pub fn conflict(&self, names: &[String]) -> Option<(Source, Source)> {
        let layer = |map: &HashMap<String, String>, make: fn(String) -> Source| {
            let hits: Vec<(&String, &String)> = names
                .iter()
                .filter_map(|n| map.get(n).filter(|v| !v.is_empty()).map(|v| (n, v)))
                .collect();
            let (first, value) = *hits.first()?;
            let other = hits.iter().find(|(_, v)| *v != value)?;
            Some((make(first.clone()), make(other.0.clone())))
        };
        let in_process = names
            .iter()
            .any(|n| self.process.get(n).is_some_and(|v| !v.is_empty()));
        if in_process {
            layer(&self.process, Source::Env)
        } else {
            layer(&self.dotenv, Source::DotEnv)
        }
    }

    /// The variables of `names` that are set but empty, where they are.
    pub fn empty(&self, names: &[String]) -> Vec<Source> {
        let mut out = Vec::new();
        for n in names {
            if self.process.get(n).is_some_and(String::is_empty) {
                out.push(Source::Env(n.clone()));
            }
            if self.dotenv.get(n).is_some_and(String::is_empty) {
                out.push(Source::DotEnv(n.clone()));
            }
        }
        out
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
