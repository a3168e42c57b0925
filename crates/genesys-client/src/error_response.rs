//! From an HTTP error response (status, Genesys error body, headers) to an [`Error`] variant: the
//! version-conflict phrases, the missing permissions a 403 names, the message of any body shape.

use std::time::Duration;

use crate::error::{Error, RequestContext};
use crate::models::ApiErrorBody;

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
    let api = parse_body(body);
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
        408 if is_config_put(&request) => Error::Conflict {
            request,
            status,
            message,
            api,
        },
        // Elsewhere a 408 is the server's timeout (the client retries it when idempotent).
        408 => Error::Timeout {
            request,
            after: Duration::ZERO,
        },
        409 => Error::Conflict {
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
            allowed: None,
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

/// Whether the call is the config PUT, the one call on which a 408 means a version conflict (as
/// the Terraform provider treats it).
pub(crate) fn is_config_put(request: &RequestContext) -> bool {
    request.method == "PUT" && request.path.ends_with("/config/current")
}

/// The Genesys error body, as far as it can be read: any field may be `null` or missing (the
/// model defaults it); when a field has an unexpected type the others are still taken; a body
/// that is not a JSON object (an HTML page from a gateway, a bare 502) is `None`.
fn parse_body(body: &str) -> Option<ApiErrorBody> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let obj = value.as_object()?;
    if let Ok(api) = serde_json::from_value::<ApiErrorBody>(value.clone()) {
        return Some(api);
    }
    let text = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let list = |k: &str| obj.get(k).and_then(|v| v.as_array()).cloned();
    Some(ApiErrorBody {
        message: text("message").unwrap_or_default(),
        code: text("code").unwrap_or_default(),
        status: obj
            .get("status")
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .and_then(|s| u16::try_from(s).ok()),
        message_with_params: text("messageWithParams"),
        message_params: obj
            .get("messageParams")
            .and_then(|v| v.as_object())
            .cloned(),
        context_id: text("contextId"),
        details: list("details").unwrap_or_default(),
        errors: list("errors").unwrap_or_default(),
        entity_id: text("entityId"),
        entity_name: text("entityName"),
        limit: obj.get("limit").cloned(),
    })
}

/// The best human text of an error response: the Genesys message, else a raw non-JSON,
/// non-HTML body (trimmed), else the status phrase.
pub(crate) fn message_of(api: Option<&ApiErrorBody>, body: &str, status: u16) -> String {
    if let Some(a) = api {
        // The messages end in a full stop; ours continue after them with "; ...".
        let m = a.message.trim().trim_end_matches('.');
        if !m.is_empty() {
            return m.to_string();
        }
    }
    let raw = body.trim();
    // A Genesys body without a message (all null) says nothing the status phrase does not.
    if api.is_none() && !raw.is_empty() && !raw.starts_with('<') {
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
        // A 408 elsewhere is a timeout, not a conflict.
        let get = RequestContext::new("GET", "/api/v2/integrations/abc/config/current");
        let e = from_response(get, 408, "{}", None, None);
        assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
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
}
