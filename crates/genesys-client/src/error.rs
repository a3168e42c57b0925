//! Every way a call can fail, as one enum whose messages say what happened and what to do, with
//! the method, path and Genesys `contextId` so a user can quote them to Genesys support. The
//! mapping from an HTTP error response to a variant is in `error_response`.

use std::fmt;
use std::time::Duration;

use crate::credentials::CredentialSource;
use crate::models::ApiErrorBody;

/// Which call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    pub method: String,
    pub path: String,
    /// The Genesys `contextId` (or `inin-correlation-id` header) of the failed response.
    pub context_id: Option<String>,
    /// What the client spent before giving up, once it has.
    pub effort: Option<Effort>,
}

/// The attempts and the real time one call took before it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effort {
    pub attempts: u32,
    pub elapsed: Duration,
    pub deadline: Duration,
}

impl fmt::Display for Effort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up after {} attempt{} in {:.1}s (deadline {}s)",
            self.attempts,
            if self.attempts == 1 { "" } else { "s" },
            self.elapsed.as_secs_f64(),
            self.deadline.as_secs_f64()
        )
    }
}

fn proxy_via(proxy: &Option<String>) -> String {
    proxy
        .as_ref()
        .map(|p| format!(" through {p}"))
        .unwrap_or_default()
}

fn connect_fix(proxy: &Option<String>) -> &'static str {
    match proxy {
        Some(_) => "check that the proxy is running and reachable, or fix or unset its variable",
        None => "check the API URL, the network and any firewall or proxy",
    }
}

fn effort_text(request: &RequestContext) -> String {
    request.effort.map(|e| format!("; {e}")).unwrap_or_default()
}

impl RequestContext {
    pub(crate) fn new(method: &str, path: &str) -> RequestContext {
        RequestContext {
            method: method.to_string(),
            path: path.to_string(),
            context_id: None,
            effort: None,
        }
    }
}

impl fmt::Display for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(id) = &self.context_id {
            write!(f, " (contextId {id})")?;
        }
        Ok(())
    }
}

/// A failed Genesys Cloud call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The OAuth client id or secret was rejected (`invalid_client`), or the API kept answering
    /// 401 after the token was renewed once.
    #[error(
        "{request}: Genesys Cloud rejected the OAuth client '{client_id}' ({detail}); check the \
         client id and secret; they came from {credential_source}, and must belong to a Client \
         Credentials OAuth client of this region's org"
    )]
    Unauthorized {
        request: Box<RequestContext>,
        client_id: String,
        detail: String,
        credential_source: CredentialSource,
        api: Option<Box<ApiErrorBody>>,
    },
    /// 403: the OAuth client's roles lack a permission.
    #[error("{request}: permission denied: {message}; {}", forbidden_hint(.permission.as_deref()))]
    Forbidden {
        request: Box<RequestContext>,
        permission: Option<String>,
        message: String,
        api: Option<Box<ApiErrorBody>>,
    },
    /// 404.
    #[error(
        "{request}: not found: {message}; it may have been deleted meanwhile, or it belongs to \
         another org or region than the one these credentials are for"
    )]
    NotFound {
        request: Box<RequestContext>,
        message: String,
        api: Option<Box<ApiErrorBody>>,
    },
    /// 409, 408, or a 400 saying the version "does not match the current version": someone
    /// changed the object since it was read.
    #[error(
        "{request}: conflict ({status}): {message}; the integration changed since it was read \
         (another run or a person in the admin UI); read it again and retry, which re-running \
         the command does"
    )]
    Conflict {
        request: Box<RequestContext>,
        status: u16,
        message: String,
        api: Option<Box<ApiErrorBody>>,
    },
    /// Another 4xx: the request itself is wrong.
    #[error(
        "{request}: Genesys Cloud rejected the request ({status} {code}): {message}; correct the \
         value it names and run again"
    )]
    BadRequest {
        request: Box<RequestContext>,
        status: u16,
        message: String,
        code: String,
        api: Option<Box<ApiErrorBody>>,
    },
    /// 429 that retries did not get past, or a `Retry-After` longer than the policy allows.
    #[error(
        "{request}: rate limited by Genesys Cloud ({message}{}); the OAuth client's budget \
         ({}) is spent, possibly by other tools using the same client; wait a minute and run \
         again, or use a separate OAuth client",
        retry_after_text(.retry_after),
        budget_text(.allowed)
    )]
    RateLimited {
        request: Box<RequestContext>,
        retry_after: Option<Duration>,
        message: String,
        /// The `inin-ratelimit-allowed` last reported to this client, if any was.
        allowed: Option<u32>,
    },
    /// 5xx that retries did not get past (or a POST, which is not blindly retried).
    #[error(
        "{request}: Genesys Cloud failed with {status}: {message}{}; this is on the Genesys side: \
         check https://status.mypurecloud.com and run again later; if it persists, give Genesys \
         support the contextId",
        effort_text(.request)
    )]
    Server {
        request: Box<RequestContext>,
        status: u16,
        message: String,
        api: Option<Box<ApiErrorBody>>,
    },
    /// No response in time, or a 408 Request Timeout from the server (`after` is then zero).
    #[error(
        "{request}: {}; the network or Genesys Cloud is slow or unreachable; check \
         connectivity and run again",
        timeout_text(.after, .request)
    )]
    Timeout {
        request: Box<RequestContext>,
        after: Duration,
    },
    /// The host name did not resolve.
    #[error(
        "{request}: cannot resolve host '{host}' ({detail}{}); check the region or API URL and \
         this machine's DNS",
        effort_text(.request)
    )]
    Dns {
        request: Box<RequestContext>,
        host: String,
        detail: String,
    },
    /// The TLS handshake failed.
    #[error(
        "{request}: TLS with '{host}' failed ({detail}); check the API URL, and whether a proxy \
         intercepts TLS (its CA must then be trusted by this machine)"
    )]
    Tls {
        request: Box<RequestContext>,
        host: String,
        detail: String,
    },
    /// The connection could not be made or broke.
    #[error(
        "{request}: connection to '{host}'{} failed ({detail}{}); {}, and run again",
        proxy_via(.proxy), effort_text(.request), connect_fix(.proxy)
    )]
    Connect {
        request: Box<RequestContext>,
        host: String,
        detail: String,
        /// The proxy the connection went through and the variable that set it, when one did.
        proxy: Option<String>,
    },
    /// A response this client cannot understand.
    #[error(
        "{request}: unexpected response{}: {detail}; the API may have changed or the URL does \
         not point at Genesys Cloud; report this with the contextId",
        status_text(.status)
    )]
    InvalidResponse {
        request: Box<RequestContext>,
        status: Option<u16>,
        detail: String,
    },
    /// The client could not be set up (e.g. the HTTP stack failed to initialise).
    #[error("cannot set up the Genesys Cloud client: {message}")]
    Config { message: String },
}

fn forbidden_hint(permission: Option<&str>) -> String {
    match permission {
        Some(p) => format!(
            "the OAuth client lacks the permission {p}: grant it a role holding {p} (Admin > \
             Roles, then the OAuth client's Roles tab)"
        ),
        None => "grant the OAuth client a role holding the permission this call needs (Admin > \
                 Roles, then the OAuth client's Roles tab)"
            .to_string(),
    }
}

fn budget_text(allowed: &Option<u32>) -> String {
    match allowed {
        Some(n) => {
            format!("{n} requests per window, as the API reported in inin-ratelimit-allowed")
        }
        None => {
            "the API reported no inin-ratelimit-allowed; budgets differ per endpoint".to_string()
        }
    }
}

fn timeout_text(after: &Duration, request: &RequestContext) -> String {
    match request.effort {
        _ if after.is_zero() => "the server timed out (408 Request Timeout)".to_string(),
        Some(e) => format!("no response: {e}"),
        None => format!("no response within {:.1}s", after.as_secs_f64()),
    }
}

fn retry_after_text(d: &Option<Duration>) -> String {
    match d {
        Some(d) => format!("; Retry-After {}s", d.as_secs()),
        None => String::new(),
    }
}

fn status_text(s: &Option<u16>) -> String {
    match s {
        Some(s) => format!(" ({s})"),
        None => String::new(),
    }
}

/// The request of every variant that has one, by shared or mutable reference alike (the match
/// binds by the reference it is given), so the list of variants is written once.
macro_rules! request_of {
    ($error:expr) => {
        match $error {
            Error::Unauthorized { request, .. }
            | Error::Forbidden { request, .. }
            | Error::NotFound { request, .. }
            | Error::Conflict { request, .. }
            | Error::BadRequest { request, .. }
            | Error::RateLimited { request, .. }
            | Error::Server { request, .. }
            | Error::Timeout { request, .. }
            | Error::Dns { request, .. }
            | Error::Tls { request, .. }
            | Error::Connect { request, .. }
            | Error::InvalidResponse { request, .. } => Some(request),
            Error::Config { .. } => None,
        }
    };
}

impl Error {
    /// The HTTP status behind the error, when there was a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { api, .. } => {
                Some(api.as_ref().and_then(|a| a.status).unwrap_or(401))
            }
            Error::Forbidden { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::Conflict { status, .. }
            | Error::BadRequest { status, .. }
            | Error::Server { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            Error::InvalidResponse { status, .. } => *status,
            _ => None,
        }
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// The parsed Genesys error body, when the response had one.
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Unauthorized { api, .. }
            | Error::Forbidden { api, .. }
            | Error::NotFound { api, .. }
            | Error::Conflict { api, .. }
            | Error::BadRequest { api, .. }
            | Error::Server { api, .. } => api.as_deref(),
            _ => None,
        }
    }

    /// Which call failed (absent only for [`Error::Config`]).
    pub fn request(&self) -> Option<&RequestContext> {
        request_of!(self)
    }

    /// The same error, saying what the call spent before it gave up.
    pub(crate) fn with_effort(mut self, effort: Effort) -> Error {
        if let Some(r) = self.request_mut() {
            r.effort = Some(effort);
        }
        if let Error::Timeout { after, .. } = &mut self {
            if !after.is_zero() {
                *after = effort.elapsed;
            }
        }
        self
    }

    fn request_mut(&mut self) -> Option<&mut RequestContext> {
        request_of!(self)
    }

    /// The Genesys `contextId` of the failed response, if any.
    pub fn context_id(&self) -> Option<&str> {
        self.request().and_then(|r| r.context_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_small() {
        assert!(std::mem::size_of::<Error>() <= 128);
    }

    #[test]
    fn unauthorized_says_where_credentials_came_from() {
        let e = Error::Unauthorized {
            request: Box::new(RequestContext::new("POST", "/oauth/token")),
            client_id: "abc".into(),
            detail: "invalid_client".into(),
            credential_source: CredentialSource::Env {
                id_var: "GENESYS_CLIENT_ID".into(),
                secret_var: "GENESYS_CLIENT_SECRET".into(),
            },
            api: None,
        };
        let msg = e.to_string();
        assert!(
            msg.contains("check the client id and secret; they came from GENESYS_CLIENT_ID / GENESYS_CLIENT_SECRET"),
            "{msg}"
        );
        assert_eq!(e.status(), Some(401));
    }
}
