//! The process side of connecting: a snapshot of the environment and `.env`, the flags handed to
//! core's precedence rule (`gcbridge_core::config::connection`), and the client built from it.

use gcbridge_core::config::connection::{self as core_conn, ConnectionFlags};
use gcbridge_core::ConnectionSpec;
use genesys_client::{ClientConfig, GenesysClient, HttpPolicy};

use crate::failure::Failure;

pub use gcbridge_core::config::connection::Connection;

/// The process environment and `.env` in the working directory, read once per command.
pub struct Environment(pub gcbridge_core::config::Environment);

impl Environment {
    /// No variables at all: for the demo, which must not pick up a real org's settings.
    pub fn empty() -> Self {
        Environment(gcbridge_core::config::Environment::new(
            std::iter::empty(),
            Vec::new(),
        ))
    }

    /// Reads `.env` from the working directory if there is one (it never overrides real env vars).
    pub fn load() -> Self {
        let dotenv: Vec<(String, String)> = match dotenvy::from_path_iter(".env") {
            Ok(iter) => iter.filter_map(Result::ok).collect(),
            Err(_) => Vec::new(),
        };
        // A variable that is not UTF-8 cannot be a region, URL or credential; skip it rather
        // than fail every command.
        let process = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        Environment(gcbridge_core::config::Environment::new(process, dotenv))
    }
}

/// Resolves flags > config file > environment; bad or missing values are usage errors.
pub fn resolve(
    flags: &ConnectionFlags,
    file: Option<&ConnectionSpec>,
    env: &Environment,
) -> Result<Connection, Failure> {
    core_conn::resolve(flags, file, &env.0).map_err(|e| Failure::usage(e.to_string()))
}

/// A client for `conn` with the default HTTP policy.
pub fn client(conn: &Connection) -> Result<GenesysClient, Failure> {
    GenesysClient::new(ClientConfig {
        endpoint: conn.endpoint.clone(),
        credentials: conn.credentials.clone(),
        policy: HttpPolicy::default(),
        user_agent: format!("gcbridge/{}", env!("CARGO_PKG_VERSION")),
    })
    .map_err(|e| Failure::failed(e.to_string()))
}
