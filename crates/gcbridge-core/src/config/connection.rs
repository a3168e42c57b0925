//! How one org is reached: every connection setting resolved by one rule, flag > config file >
//! environment (`GENESYS_*`, `GENESYSCLOUD_*`, `.env`), then turned into an endpoint and
//! credentials that remember where they came from, so a 401 can name the variables to check.
//!
//! One generic resolver for every setting (as uv resolves its settings) keeps the fields from
//! drifting into different orders, which is what happened when each had its own `or_else` chain.

use std::fmt;
use std::time::Duration;

use genesys_client::{CredentialSource, Credentials, Endpoint, Region, Secret, DEFAULT_DEADLINE};

use super::environment::{Environment, Source};
pub use super::resolved::{ConnectionError, OrgCredentials, Resolved};
use super::trust;
use crate::desired::ConnectionSpec;
use crate::secret_ref::SecretRef;

/// The variable that sets the overall deadline of each call when `--timeout` is not given.
pub const TIMEOUT_VAR: &str = "GENESYS_TIMEOUT_SECS";

/// The connection flags as given on the command line.
#[derive(Clone, Default)]
pub struct ConnectionFlags {
    pub region: Option<String>,
    pub api_url: Option<String>,
    pub login_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// `--timeout`: the overall deadline of each call, in seconds.
    pub timeout_secs: Option<u64>,
}

/// The secret is a flag value too: never in Debug output.
impl fmt::Debug for ConnectionFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionFlags")
            .field("region", &self.region)
            .field("api_url", &self.api_url)
            .field("login_url", &self.login_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// One connection setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Setting {
    Region,
    ApiUrl,
    LoginUrl,
    ClientId,
    ClientSecret,
}

/// The file key that names where in AWS the client secret is kept.
pub const SECRET_FROM_KEY: &str = "client_secret_from";

/// What the config file says about a setting: a value, the variable that holds it, or where in
/// AWS it is kept (secrets never go in the file, so a secret is given by where to read it).
enum FileSays<'a> {
    Value(&'a str),
    Variable(&'a str),
    Aws(&'a SecretRef),
}

impl Setting {
    pub const ALL: [Setting; 5] = [
        Setting::Region,
        Setting::ApiUrl,
        Setting::LoginUrl,
        Setting::ClientId,
        Setting::ClientSecret,
    ];

    /// The flag, then the file key, then the default variables in the order they are tried (the
    /// tutorial's names, then the Terraform provider's).
    fn names(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            Setting::Region => (
                "--region",
                "region",
                &["GENESYS_REGION", "GENESYSCLOUD_REGION"],
            ),
            Setting::ApiUrl => ("--api-url", "api_url", &["GENESYS_API_URL"]),
            Setting::LoginUrl => ("--login-url", "login_url", &["GENESYS_LOGIN_URL"]),
            Setting::ClientId => (
                "--client-id",
                "client_id_env",
                &["GENESYS_CLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_ID"],
            ),
            Setting::ClientSecret => (
                "--client-secret",
                "client_secret_env",
                &["GENESYS_CLIENT_SECRET", "GENESYSCLOUD_OAUTHCLIENT_SECRET"],
            ),
        }
    }

    /// The command-line flag.
    pub fn flag(self) -> &'static str {
        self.names().0
    }

    /// The environment variables tried when neither a flag nor the file gives the setting.
    pub fn env_vars(self) -> &'static [&'static str] {
        self.names().2
    }

    fn in_flags(self, flags: &ConnectionFlags) -> Option<&str> {
        match self {
            Setting::Region => flags.region.as_deref(),
            Setting::ApiUrl => flags.api_url.as_deref(),
            Setting::LoginUrl => flags.login_url.as_deref(),
            Setting::ClientId => flags.client_id.as_deref(),
            Setting::ClientSecret => flags.client_secret.as_deref(),
        }
    }

    fn in_file(self, file: &ConnectionSpec) -> Option<FileSays<'_>> {
        match self {
            Setting::Region => file.region.as_deref().map(FileSays::Value),
            Setting::ApiUrl => file.api_url.as_deref().map(FileSays::Value),
            Setting::LoginUrl => file.login_url.as_deref().map(FileSays::Value),
            Setting::ClientId => file.client_id_env.as_deref().map(FileSays::Variable),
            // The loader refuses both keys together; given both in code, AWS wins.
            Setting::ClientSecret => match &file.client_secret_from {
                Some(r) => Some(FileSays::Aws(r)),
                None => file.client_secret_env.as_deref().map(FileSays::Variable),
            },
        }
    }
}

/// A setting no layer gave: the variables that were looked at, for the message saying what to
/// set, and those of them that are set but empty (said as such, not as "not set").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unset {
    pub vars: Vec<String>,
    pub empty: Vec<Source>,
}

/// The precedence rule, the same for every setting: the first layer that speaks decides, in the
/// order flag, config file, environment. A file naming its own variable has spoken: that variable
/// is then the only one read, so one org of a fleet never silently borrows another's credentials
/// from `GENESYS_CLIENT_ID`.
pub fn resolve_setting(
    setting: Setting,
    flags: &ConnectionFlags,
    file: &ConnectionSpec,
    env: &Environment,
) -> Result<Resolved, Unset> {
    let (flag, key, default_vars) = setting.names();
    if let Some(v) = setting.in_flags(flags) {
        return Ok(Resolved {
            value: v.to_string(),
            source: Source::Flag(flag),
        });
    }
    let vars: Vec<String> = match setting.in_file(file) {
        Some(FileSays::Value(v)) => {
            return Ok(Resolved {
                value: v.to_string(),
                source: Source::File(key),
            })
        }
        // The reference, not the secret: it is read from AWS when the org is first used.
        Some(FileSays::Aws(r)) => {
            return Ok(Resolved {
                value: r.to_string(),
                source: Source::File(SECRET_FROM_KEY),
            })
        }
        Some(FileSays::Variable(name)) => vec![name.to_string()],
        None => default_vars.iter().map(|v| v.to_string()).collect(),
    };
    env.find(&vars)
        .map(|(value, source)| Resolved { value, source })
        .ok_or_else(|| Unset {
            empty: env.empty(&vars),
            vars,
        })
}

/// The variables a setting reads when neither a flag nor a file value gives it.
fn env_vars_read(setting: Setting, flags: &ConnectionFlags, file: &ConnectionSpec) -> Vec<String> {
    if setting.in_flags(flags).is_some() {
        return Vec::new();
    }
    match setting.in_file(file) {
        Some(FileSays::Value(_) | FileSays::Aws(_)) => Vec::new(),
        Some(FileSays::Variable(name)) => vec![name.to_string()],
        None => setting.env_vars().iter().map(|v| v.to_string()).collect(),
    }
}

fn invalid(r: &Resolved, e: impl fmt::Display) -> ConnectionError {
    ConnectionError::Invalid {
        at: r.source.clone(),
        message: e.to_string(),
    }
}

/// The resolved connection of one org, ready to build a client.
#[derive(Debug, Clone)]
pub struct Connection {
    pub endpoint: Endpoint,
    /// The credentials, or the client id and where in AWS its secret is still to be read.
    pub credentials: OrgCredentials,
    /// The overall deadline of each call.
    pub deadline: Duration,
    /// "us-east-1 (api.mypurecloud.com)" or the API URL, for display.
    pub target: String,
    /// Where each setting that was found came from.
    pub sources: Vec<(Setting, Source)>,
}

/// Resolves every setting by [`resolve_setting`], then builds the endpoint (an API URL, from
/// wherever it came, overrides the region, as the README documents) and the credentials.
pub fn resolve(
    flags: &ConnectionFlags,
    file: Option<&ConnectionSpec>,
    env: &Environment,
) -> Result<Connection, ConnectionError> {
    let file = file.cloned().unwrap_or_default();
    check_inputs(flags, &file, env)?;
    let get = |s: Setting| resolve_setting(s, flags, &file, env);
    let (api_url, login_url) = (get(Setting::ApiUrl).ok(), get(Setting::LoginUrl).ok());
    let (endpoint, target) = endpoint(
        api_url.clone(),
        get(Setting::Region),
        login_url.clone(),
        env,
    )?;
    trust::check_endpoint(&endpoint, api_url.as_ref(), login_url.as_ref(), env)?;
    if let Some(url) = &api_url {
        endpoint.check_no_api_path().map_err(|e| invalid(url, e))?;
    }
    let credentials = credentials(
        get(Setting::ClientId),
        get(Setting::ClientSecret),
        &file,
        env,
    )?;
    let sources = Setting::ALL
        .into_iter()
        .filter_map(|s| get(s).ok().map(|r| (s, r.source)))
        .collect();
    Ok(Connection {
        endpoint,
        credentials,
        deadline: deadline(flags, env)?,
        target,
        sources,
    })
}

/// What is wrong before any value is used: empty flags, file variable names that are not
/// names, and aliases that disagree.
fn check_inputs(
    flags: &ConnectionFlags,
    file: &ConnectionSpec,
    env: &Environment,
) -> Result<(), ConnectionError> {
    for s in Setting::ALL {
        if s.in_flags(flags).is_some_and(|v| v.trim().is_empty()) {
            return Err(ConnectionError::EmptyFlag { flag: s.flag() });
        }
        if let Some(FileSays::Variable(name)) = s.in_file(file) {
            if !trust::is_variable_name(name) {
                return Err(ConnectionError::NotAVariableName { key: s.names().1 });
            }
        }
        if let Some((a, b)) = env.conflict(&env_vars_read(s, flags, file)) {
            return Err(ConnectionError::AliasConflict {
                first: a.name().to_string(),
                first_origin: env.origin(&a),
                second: b.name().to_string(),
                second_origin: env.origin(&b),
            });
        }
    }
    Ok(())
}

/// `--timeout`, else `GENESYS_TIMEOUT_SECS`, else the client's default (60 s).
fn deadline(flags: &ConnectionFlags, env: &Environment) -> Result<Duration, ConnectionError> {
    let secs = match (flags.timeout_secs, env.find(&[TIMEOUT_VAR.to_string()])) {
        (Some(s), _) => s,
        (None, Some((v, source))) => {
            v.trim()
                .parse::<u64>()
                .map_err(|_| ConnectionError::Invalid {
                    at: source,
                    message: format!("'{v}' is not a whole number of seconds (e.g. 60)"),
                })?
        }
        (None, None) => return Ok(DEFAULT_DEADLINE),
    };
    if secs == 0 || secs > 3600 {
        return Err(ConnectionError::Invalid {
            at: Source::Flag("--timeout"),
            message: format!("{secs} is out of range: give 1 to 3600 seconds"),
        });
    }
    Ok(Duration::from_secs(secs))
}

fn endpoint(
    api_url: Option<Resolved>,
    region: Result<Resolved, Unset>,
    login_url: Option<Resolved>,
    env: &Environment,
) -> Result<(Endpoint, String), ConnectionError> {
    let region = match region {
        Ok(r) => Some(r),
        Err(unset) if api_url.is_none() => {
            return Err(empty_or(unset, "region", env, || ConnectionError::NoRegion))
        }
        Err(_) => None,
    };
    // A region flag is checked even when an API URL overrides it: a typo must not pass silently
    // only because GENESYS_API_URL happens to be set.
    if let Some(r) = region
        .as_ref()
        .filter(|r| matches!(r.source, Source::Flag(_)))
    {
        Region::parse(&r.value).map_err(|e| invalid(r, e))?;
    }
    let login = login_url.as_ref();
    match (api_url, region) {
        (Some(url), _) => {
            Endpoint::from_api_url(&url.value, None).map_err(|e| invalid(&url, e))?;
            let ep = Endpoint::from_api_url(&url.value, login.map(|l| l.value.as_str()))
                .map_err(|e| invalid(login.expect("only a login URL can fail here"), e))?;
            Ok((ep, url.value))
        }
        (None, Some(r)) => {
            let region = Region::parse(&r.value).map_err(|e| invalid(&r, e))?;
            let mut ep = Endpoint::for_region(&region);
            if let Some(l) = login {
                ep = Endpoint::from_api_url(ep.api_base.as_str(), Some(&l.value))
                    .map_err(|e| invalid(l, e))?;
            }
            Ok((ep, format!("{} ({})", region.code(), region.domain())))
        }
        (None, None) => Err(ConnectionError::NoRegion),
    }
}

/// "X is set but empty" when a variable that could have given the setting is empty, else `other`.
fn empty_or(
    unset: Unset,
    what: &'static str,
    env: &Environment,
    other: impl FnOnce() -> ConnectionError,
) -> ConnectionError {
    match unset.empty.first() {
        Some(source) => ConnectionError::Empty {
            what,
            var: source.name().to_string(),
            origin: env.origin(source),
        },
        None => other(),
    }
}

/// Both from flags reads as "the flags"; otherwise the variable names (a flag's own name for a
/// half given by flag), marked as `.env` when either half came from there.
fn credentials(
    id: Result<Resolved, Unset>,
    secret: Result<Resolved, Unset>,
    file: &ConnectionSpec,
    env: &Environment,
) -> Result<OrgCredentials, ConnectionError> {
    let missing = |what, unset: Unset, setting: Setting| ConnectionError::NoCredential {
        what,
        vars: unset.vars,
        flag: setting.flag(),
    };
    let id = id.map_err(|u| {
        let what = "OAuth client id";
        empty_or(u.clone(), what, env, || {
            missing("client id", u, Setting::ClientId)
        })
    })?;
    let secret = secret.map_err(|u| {
        let what = "OAuth client secret";
        empty_or(u.clone(), what, env, || {
            missing("client secret", u, Setting::ClientSecret)
        })
    })?;
    if let (Source::File(SECRET_FROM_KEY), Some(from)) = (&secret.source, &file.client_secret_from)
    {
        return Ok(OrgCredentials::InAws {
            client_id: id.value,
            id_source: id.source,
            secret: from.clone(),
        });
    }
    let source = match (&id.source, &secret.source) {
        (Source::Flag(_), Source::Flag(_)) => CredentialSource::Flags,
        (a, b) => {
            let (id_var, secret_var) = (a.name().to_string(), b.name().to_string());
            if matches!(a, Source::DotEnv(_)) || matches!(b, Source::DotEnv(_)) {
                CredentialSource::DotEnv { id_var, secret_var }
            } else {
                CredentialSource::Env { id_var, secret_var }
            }
        }
    };
    Ok(OrgCredentials::Known(Credentials {
        client_id: id.value,
        client_secret: Secret::new(secret.value),
        source,
    }))
}

/// The endpoint settings as resolved, in the file's own terms, for `gcbridge export`: what the
/// user gave (not the expanded endpoint) and never a credential. The API URL, when there is one,
/// replaces the region, as it does when connecting.
pub fn endpoint_spec(
    flags: &ConnectionFlags,
    file: &ConnectionSpec,
    env: &Environment,
) -> ConnectionSpec {
    let get = |s: Setting| resolve_setting(s, flags, file, env).ok().map(|r| r.value);
    let api_url = get(Setting::ApiUrl);
    ConnectionSpec {
        region: if api_url.is_some() {
            None
        } else {
            get(Setting::Region)
        },
        api_url,
        login_url: get(Setting::LoginUrl),
        client_id_env: None,
        client_secret_env: None,
        client_secret_from: None,
    }
}
