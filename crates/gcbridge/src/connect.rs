//! The process side of connecting: a snapshot of the environment and `.env`, the flags handed to
//! core's precedence rule (`gcbridge_core::config::connection`), and the client built from it.

use std::path::{Path, PathBuf};
use std::sync::Once;

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

    /// Reads `.env` from the working directory if there is one (it never overrides real env
    /// vars); says at -v which file was read and which names it supplied.
    pub fn load() -> Self {
        let path = Path::new(".env");
        let dotenv = read_dotenv(path);
        // A variable that is not UTF-8 cannot be a region, URL or credential; skip it rather
        // than fail every command.
        let process = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        let mut env =
            gcbridge_core::config::Environment::new(process, dotenv.clone().unwrap_or_default());
        if dotenv.is_some() {
            let shown = std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
            env = env.with_dotenv_path(shown);
            log_dotenv(&env);
        }
        Environment(env)
    }
}

/// The entries of a `.env` file, `None` when there is none. A UTF-8 byte-order mark (Windows
/// editors write one) is not part of the first name; a line that cannot be parsed is skipped
/// with a warning naming its number only (the line may hold a secret).
fn read_dotenv(path: &Path) -> Option<Vec<(String, String)>> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut entries = Vec::new();
    for (index, item) in dotenvy::from_read_iter(text.as_bytes()).enumerate() {
        match item {
            Ok(pair) => entries.push(pair),
            Err(_) => tracing::warn!(
                "{}: entry {} cannot be parsed and is ignored (its text is not shown: it may hold a secret)",
                path.display(),
                index + 1
            ),
        }
    }
    Some(entries)
}

fn log_dotenv(env: &gcbridge_core::config::Environment) {
    let names = env.dotenv_names();
    let path = env
        .dotenv_path()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if names.is_empty() {
        tracing::info!("read {path}: it sets no variables");
    } else {
        tracing::info!(
            "read {path}: it supplies {} (real environment variables win over it)",
            names.join(", ")
        );
    }
}

/// Once per run: a secret on the command line shows in process lists and shell history.
pub fn warn_secret_flag() {
    static WARNED: Once = Once::new();
    WARNED.call_once(|| {
        crate::output::note(
            "warning: --client-secret shows in process lists and shell history; prefer \
             GENESYS_CLIENT_SECRET in the environment or a .env file",
        )
    });
}

/// Resolves flags > config file > environment; bad or missing values are usage errors.
pub fn resolve(
    flags: &ConnectionFlags,
    file: Option<&ConnectionSpec>,
    env: &Environment,
) -> Result<Connection, Failure> {
    core_conn::resolve(flags, file, &env.0).map_err(|e| Failure::usage(e.to_string()))
}

/// A client for `conn` with the default HTTP policy and the connection's deadline. A secret the
/// file keeps in AWS (`client_secret_from`) is read here, when the org is first used;
/// `aws_endpoint` is `--aws-endpoint`.
pub async fn client(
    conn: &Connection,
    aws_endpoint: Option<&str>,
) -> Result<GenesysClient, Failure> {
    let credentials = gcbridge_core::org_credentials(&conn.credentials, aws_endpoint)
        .await
        .map_err(|e| match e.usage {
            true => Failure::usage(e.message),
            false => Failure::failed(e.message).with_kind("secret"),
        })?;
    GenesysClient::new(ClientConfig {
        endpoint: conn.endpoint.clone(),
        credentials,
        policy: HttpPolicy {
            deadline: conn.deadline,
            ..HttpPolicy::default()
        },
        user_agent: format!("gcbridge/{}", env!("CARGO_PKG_VERSION")),
    })
    .map_err(|e| Failure::failed(e.to_string()))
}
