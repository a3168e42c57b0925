//! Every way a call can fail, as one enum whose messages say what happened and what to do, with
//! the method, path and Genesys `contextId` so a user can quote them to Genesys support. Also
//! the mapping from an HTTP error response (status + Genesys error body) to a variant.

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
}

impl RequestContext {
    pub(crate) fn new(method: &str, path: &str) -> RequestContext {
        RequestContext {
            method: method.to_string(),
            path: path.to_string(),
            context_id: None,
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
         (300 requests per minute by default) is spent, possibly by other tools using the same \
         client; wait a minute and run again, or use a separate OAuth client",
        retry_after_text(.retry_after)
    )]
    RateLimited {
        request: Box<RequestContext>,
        retry_after: Option<Duration>,
        message: String,
    },
    /// 5xx that retries did not get past (or a POST, which is not blindly retried).
    #[error(
        "{request}: Genesys Cloud failed with {status}: {message}; this is on the Genesys side: \
         check https://status.mypurecloud.com and run again later; if it persists, give Genesys \
         support the contextId"
    )]
    Server {
        request: Box<RequestContext>,
        status: u16,
        message: String,
        api: Option<Box<ApiErrorBody>>,
    },
    /// No response in time.
    #[error(
        "{request}: no response within {}s; the network or Genesys Cloud is slow or \
         unreachable; check connectivity and run again",
        .after.as_secs_f64()
    )]
    Timeout {
        request: Box<RequestContext>,
        after: Duration,
    },
    /// The host name did not resolve.
    #[error(
        "{request}: cannot resolve host '{host}' ({detail}); check the region or API URL and \
         this machine's DNS"
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
        "{request}: connection to '{host}' failed ({detail}); check the API URL, the network and \
         any firewall or proxy, and run again"
    )]
    Connect {
        request: Box<RequestContext>,
        host: String,
        detail: String,
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
        match self {
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
    }

    /// The Genesys `contextId` of the failed response, if any.
    pub fn context_id(&self) -> Option<&str> {
        self.request().and_then(|r| r.context_id.as_deref())
    }
}

/// The phrase the API (and the Terraform provider) uses for a stale configuration version.
const VERSION_MISMATCH: &str = "does not match the current version";

/// Maps an error response of an API call (not the token call) to an [`Error`]. 401 is mapped by
/// the caller, which knows the credentials; 429 and 5xx arrive here once retries are exhausted.
pub(crate) fn from_response(
    mut request: RequestContext,
    status: u16,
    body: &str,
    correlation_id: Option<&str>,
    retry_after: Option<Duration>,
) -> Error {
    let api: Option<ApiErrorBody> = serde_json::from_str(body).ok();
    request.context_id = api
        .as_ref()
        .and_then(|a| a.context_id.clone())
        .filter(|c| !c.is_empty())
        .or_else(|| correlation_id.map(str::to_string));
    let message = message_of(api.as_ref(), body, status);
    let code = api.as_ref().map(|a| a.code.clone()).unwrap_or_default();
    let request = Box::new(request);
    let api = api.map(Box::new);
    match status {
        403 => Error::Forbidden {
            permission: api.as_deref().and_then(missing_permissions),
            request,
            message,
            api,
        },
        404 => Error::NotFound {
            request,
            message,
            api,
        },
        408 | 409 => Error::Conflict {
            request,
            status,
            message,
            api,
        },
        400 if message.contains(VERSION_MISMATCH) => Error::Conflict {
            request,
            status,
            message,
            api,
        },
        429 => Error::RateLimited {
            request,
            retry_after,
            message,
        },
        400..=499 => Error::BadRequest {
            request,
            status,
            message,
            code,
            api,
        },
        500..=599 => Error::Server {
            request,
            status,
            message,
            api,
        },
        _ => Error::InvalidResponse {
            request,
            status: Some(status),
            detail: message,
        },
    }
}

/// The best human text of an error response: the Genesys message, else the raw body (trimmed),
/// else the status phrase.
pub(crate) fn message_of(api: Option<&ApiErrorBody>, body: &str, status: u16) -> String {
    if let Some(a) = api {
        // The messages end in a full stop; ours continue after them with "; ...".
        let m = a.message.trim().trim_end_matches('.');
        if !m.is_empty() {
            return m.to_string();
        }
    }
    let raw = body.trim();
    if !raw.is_empty() && !raw.starts_with('<') {
        let mut s: String = raw.chars().take(300).collect();
        if raw.chars().count() > 300 {
            s.push_str("...");
        }
        return s;
    }
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("no message")
        .to_string()
}

/// Genesys names missing permissions (`domain:entity:action`) in `messageParams` and in the
/// message text; collect them from both.
fn missing_permissions(api: &ApiErrorBody) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    let mut scan = |text: &str| {
        for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || "_-*:".contains(c))) {
            let parts: Vec<&str> = token.split(':').collect();
            if parts.len() == 3
                && parts.iter().all(|p| !p.is_empty())
                && !found.iter().any(|f| f == token)
            {
                found.push(token.to_string());
            }
        }
    };
    if let Some(params) = &api.message_params {
        for v in params.values() {
            match v {
                serde_json::Value::String(s) => scan(s),
                serde_json::Value::Array(items) => {
                    items.iter().filter_map(|i| i.as_str()).for_each(&mut scan)
                }
                _ => {}
            }
        }
    }
    scan(&api.message);
    if let Some(m) = &api.message_with_params {
        scan(m);
    }
    (!found.is_empty()).then(|| found.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req() -> RequestContext {
        RequestContext::new("PUT", "/api/v2/integrations/abc/config/current")
    }

    fn map(status: u16, body: serde_json::Value) -> Error {
        from_response(req(), status, &body.to_string(), None, None)
    }

    #[test]
    fn forbidden_names_the_permission() {
        let e = map(
            403,
            json!({"message": "Unable to perform the requested action. You are missing the following permission(s): [integrations:integration:add]",
                   "code": "missing.permissions", "status": 403, "contextId": "ctx-1",
                   "messageParams": {"permissions": ["integrations:integration:add"]}}),
        );
        match &e {
            Error::Forbidden { permission, .. } => {
                assert_eq!(permission.as_deref(), Some("integrations:integration:add"))
            }
            other => panic!("{other:?}"),
        }
        let msg = e.to_string();
        assert!(msg.contains("integrations:integration:add"), "{msg}");
        assert!(msg.contains("Admin > Roles"), "{msg}");
        assert!(msg.contains("Roles tab"), "{msg}");
        assert!(
            msg.contains("PUT /api/v2/integrations/abc/config/current"),
            "{msg}"
        );
        assert!(msg.contains("contextId ctx-1"), "{msg}");
        assert_eq!(e.status(), Some(403));
        assert_eq!(e.context_id(), Some("ctx-1"));

        // Only in the message text, several of them.
        let e = map(
            403,
            json!({"message": "missing: a:b:c and d:e:f", "code": "missing.any.permissions"}),
        );
        assert!(matches!(&e, Error::Forbidden { permission: Some(p), .. } if p == "a:b:c, d:e:f"));
        let e = map(403, json!({"message": "nope"}));
        assert!(e.to_string().contains("grant the OAuth client a role"));
    }

    #[test]
    fn conflicts() {
        let e = map(
            409,
            json!({"message": "version conflict", "code": "conflict"}),
        );
        assert!(e.is_conflict());
        assert_eq!(e.status(), Some(409));
        assert!(map(408, json!({})).is_conflict());
        let e = map(
            400,
            json!({"message": "The version 3 does not match the current version 4", "code": "bad.request"}),
        );
        assert!(e.is_conflict(), "{e:?}");
        assert_eq!(e.status(), Some(400));
        assert!(e.to_string().contains("read it again"));
    }

    #[test]
    fn bad_request_keeps_message_and_code() {
        let e = map(
            400,
            json!({"message": "properties.awsAccountId must be 12 digits", "code": "invalid.property", "status": 400}),
        );
        match &e {
            Error::BadRequest { message, code, .. } => {
                assert_eq!(message, "properties.awsAccountId must be 12 digits");
                assert_eq!(code, "invalid.property");
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().contains("properties.awsAccountId"));
        assert_eq!(e.api_error().unwrap().code, "invalid.property");
    }

    #[test]
    fn other_statuses_and_bodies() {
        assert!(map(404, json!({"message": "gone"})).is_not_found());
        let e = map(503, json!({"message": "down"}));
        assert!(matches!(e, Error::Server { status: 503, .. }));
        assert!(e.to_string().contains("Genesys side"));
        let e = from_response(req(), 429, "{}", None, Some(Duration::from_secs(300)));
        assert!(matches!(e, Error::RateLimited { .. }));
        assert!(e.to_string().contains("Retry-After 300s"), "{e}");
        // Non-JSON bodies and the correlation header.
        let e = from_response(req(), 502, "<html>bad gateway</html>", Some("corr-9"), None);
        assert!(e.to_string().contains("Bad Gateway"), "{e}");
        assert_eq!(e.context_id(), Some("corr-9"));
        assert!(e.api_error().is_none());
        let e = from_response(req(), 400, "plain text problem", None, None);
        assert!(e.to_string().contains("plain text problem"));
        let e = from_response(req(), 302, "", None, None);
        assert!(matches!(
            e,
            Error::InvalidResponse {
                status: Some(302),
                ..
            }
        ));
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

    #[test]
    fn error_is_small() {
        assert!(std::mem::size_of::<Error>() <= 128);
    }
}
