//! Building a Genesys client from flags, the environment, a `.env` file and the config file,
//! remembering where each credential came from so an auth error can say which one to check.

use std::collections::HashMap;

use gcbridge_core::ConnectionSpec;
use genesys_client::{
    ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient, HttpPolicy, Region,
    Secret,
};

use crate::cli::ConnectionArgs;
use crate::failure::Failure;

/// Env var names, in the order they are tried: the tutorial's, then the Terraform provider's.
const ID_VARS: &[&str] = &["GENESYS_CLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_ID"];
const SECRET_VARS: &[&str] = &["GENESYS_CLIENT_SECRET", "GENESYSCLOUD_OAUTHCLIENT_SECRET"];
const REGION_VARS: &[&str] = &["GENESYS_REGION", "GENESYSCLOUD_REGION"];
const API_URL_VARS: &[&str] = &["GENESYS_API_URL"];
const LOGIN_URL_VARS: &[&str] = &["GENESYS_LOGIN_URL"];

/// Where values are looked up: the process environment first, then `.env` in the working directory.
pub struct Environment {
    dotenv: HashMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Env,
    DotEnv,
}

impl Environment {
    /// Reads `.env` from the working directory if there is one (it never overrides real env vars).
    pub fn load() -> Self {
        let dotenv = match dotenvy::from_path_iter(".env") {
            Ok(iter) => iter.filter_map(Result::ok).collect(),
            Err(_) => HashMap::new(),
        };
        Environment { dotenv }
    }

    fn get(&self, name: &str) -> Option<(String, Found)> {
        if let Some(v) = std::env::var(name).ok().filter(|v| !v.is_empty()) {
            return Some((v, Found::Env));
        }
        self.dotenv
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| (v.clone(), Found::DotEnv))
    }

    fn first(&self, names: &[&str]) -> Option<(String, Found, String)> {
        names
            .iter()
            .find_map(|n| self.get(n).map(|(v, f)| (v, f, n.to_string())))
    }
}

/// The resolved connection of one org, ready to build a client.
pub struct Connection {
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    /// "us-east-1 (api.mypurecloud.com)" or the API URL, for display.
    pub target: String,
}

/// Resolves flags > config file > environment (an explicit API URL, by flag or env, wins over any
/// region). Missing or malformed values are usage errors naming the flag and env vars to set.
pub fn resolve(
    args: &ConnectionArgs,
    file: Option<&ConnectionSpec>,
    env: &Environment,
) -> Result<Connection, Failure> {
    let file = file.cloned().unwrap_or_default();
    let api_url = args
        .api_url
        .clone()
        .or_else(|| env.first(API_URL_VARS).map(|(v, ..)| v))
        .or(file.api_url.clone());
    let login_url = args
        .login_url
        .clone()
        .or_else(|| env.first(LOGIN_URL_VARS).map(|(v, ..)| v))
        .or(file.login_url.clone());
    let region = args
        .region
        .clone()
        .or(file.region.clone())
        .or_else(|| env.first(REGION_VARS).map(|(v, ..)| v));

    // A region given explicitly is checked even when an API URL overrides it: a typo must not pass
    // silently only because GENESYS_API_URL happens to be set.
    if let Some(r) = &args.region {
        Region::parse(r).map_err(|e| Failure::usage(format!("--region: {e}")))?;
    }
    let (endpoint, target) = match (api_url, region) {
        (Some(url), _) => {
            Endpoint::from_api_url(&url, None)
                .map_err(|e| Failure::usage(format!("--api-url / GENESYS_API_URL: {e}")))?;
            let ep = Endpoint::from_api_url(&url, login_url.as_deref())
                .map_err(|e| Failure::usage(format!("--login-url / GENESYS_LOGIN_URL: {e}")))?;
            (ep, url)
        }
        (None, Some(r)) => {
            let region = Region::parse(&r).map_err(|e| Failure::usage(format!("--region / GENESYS_REGION: {e}")))?;
            let mut ep = Endpoint::for_region(&region);
            if let Some(login) = login_url {
                ep = Endpoint::from_api_url(ep.api_base.as_str(), Some(&login))
                    .map_err(|e| Failure::usage(format!("--login-url: {e}")))?;
            }
            (ep, format!("{} ({})", region.code(), region.domain()))
        }
        (None, None) => {
            return Err(Failure::usage(
                "no Genesys Cloud region: give --region (e.g. us-east-1), set GENESYS_REGION, \
                 or set region in the config file; for the emulator give --api-url http://127.0.0.1:PORT",
            ))
        }
    };

    let credentials = credentials(args, &file, env)?;
    Ok(Connection {
        endpoint,
        credentials,
        target,
    })
}

fn credentials(
    args: &ConnectionArgs,
    file: &ConnectionSpec,
    env: &Environment,
) -> Result<Credentials, Failure> {
    if let (Some(id), Some(secret)) = (&args.client_id, &args.client_secret) {
        return Ok(Credentials {
            client_id: id.clone(),
            client_secret: Secret::new(secret.clone()),
            source: CredentialSource::Flags,
        });
    }
    // A config file naming its own variables means exactly those variables.
    let id_vars: Vec<&str> = match &file.client_id_env {
        Some(v) => vec![v.as_str()],
        None => ID_VARS.to_vec(),
    };
    let secret_vars: Vec<&str> = match &file.client_secret_env {
        Some(v) => vec![v.as_str()],
        None => SECRET_VARS.to_vec(),
    };
    let id = match &args.client_id {
        Some(id) => Some((id.clone(), Found::Env, "--client-id".to_string())),
        None => env.first(&id_vars),
    };
    let secret = match &args.client_secret {
        Some(s) => Some((s.clone(), Found::Env, "--client-secret".to_string())),
        None => env.first(&secret_vars),
    };
    match (id, secret) {
        (Some((id, f1, id_var)), Some((secret, f2, secret_var))) => {
            let source = if f1 == Found::DotEnv || f2 == Found::DotEnv {
                CredentialSource::DotEnv { id_var, secret_var }
            } else {
                CredentialSource::Env { id_var, secret_var }
            };
            Ok(Credentials {
                client_id: id,
                client_secret: Secret::new(secret),
                source,
            })
        }
        (id, _) => {
            let (what, vars, flag) = if id.is_none() {
                ("client id", &id_vars, "--client-id")
            } else {
                ("client secret", &secret_vars, "--client-secret")
            };
            Err(Failure::usage(format!(
                "no OAuth {what}: set {} (or put it in a .env file in this directory), or give {flag}",
                vars.join(" or ")
            )))
        }
    }
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
