//! The process side of connecting: a snapshot of the environment and `.env`, the flags handed to
//! core's precedence rule (`gcbridge_core::config::connection`), and the client built from it.

use gcbridge_core::config::connection::{self as core_conn, ConnectionFlags};
use gcbridge_core::ConnectionSpec;
use genesys_client::{ClientConfig, GenesysClient, HttpPolicy};

use crate::cli::ConnectionArgs;
use crate::failure::Failure;

pub use gcbridge_core::config::connection::Connection;

/// The process environment and `.env` in the working directory, read once per command.
pub struct Environment(pub gcbridge_core::config::Environment);

impl Environment {
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

/// The connection flags in core's terms.
pub fn flags(args: &ConnectionArgs) -> ConnectionFlags {
    ConnectionFlags {
        region: args.region.clone(),
        api_url: args.api_url.clone(),
        login_url: args.login_url.clone(),
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
    }
}

/// Resolves flags > config file > environment; bad or missing values are usage errors.
pub fn resolve(
    args: &ConnectionArgs,
    file: Option<&ConnectionSpec>,
    env: &Environment,
) -> Result<Connection, Failure> {
    core_conn::resolve(&flags(args), file, &env.0).map_err(|e| Failure::usage(e.to_string()))
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
