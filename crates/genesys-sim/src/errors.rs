//! The Genesys Cloud error body (`message`, `code`, `status`, `messageWithParams`,
//! `messageParams`, `contextId`, `details`, `errors`) and the constructors for the errors
//! the emulator returns. The backend returns these too, the way moto's backends raise
//! service exceptions, so a rule and its error text live side by side.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// An API error as Genesys reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub message_with_params: String,
    pub message_params: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status,
            code: code.to_string(),
            message_with_params: message.clone(),
            message,
            message_params: Map::new(),
        }
    }

    /// Adds a `messageParams` entry; the templated `messageWithParams` keeps the literal
    /// text in place of the `{name}` placeholder so callers may match either field.
    pub fn with_param(mut self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        self.message_with_params =
            self.message_with_params
                .replacen(&value, &format!("{{{name}}}"), 1);
        self.message_params
            .insert(name.to_string(), Value::String(value));
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad.request", message)
    }

    /// A 400 about one named request field, so the message and params both name it.
    pub fn bad_field(field: &str, message: impl Into<String>) -> Self {
        Self::bad_request(message).with_param("field", field)
    }

    pub fn not_found(what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not.found",
            format!("The requested {what} {id} was not found."),
        )
        .with_param("id", id)
    }

    pub fn route_not_found(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not.found",
            format!("No resource matches {method} {path}."),
        )
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method.not.allowed",
            format!("The method {method} is not allowed on {path}."),
        )
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn authentication_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication.required",
            "No authentication bearer token specified in authorization header.",
        )
    }

    pub fn bad_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "bad.credentials",
            "Invalid login credentials.",
        )
    }

    pub fn missing_permission(permission: &str) -> Self {
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "missing.permissions",
            format!(
                "Unable to perform the requested action. You are missing the following permission(s): [{permission}]"
            ),
        )
        .with_param("permissions", permission);
        // Point the placeholder at the bracketed list, as Genesys does.
        e.message_with_params = "Unable to perform the requested action. You are missing the following permission(s): [{permissions}]".to_string();
        e
    }

    /// The 429 that comes with a `Retry-After` header.
    pub fn too_many_requests(limit: u32, window_secs: u64) -> Self {
        Self::rate_limited("too.many.requests.retry.after", limit, window_secs)
    }

    /// The 429 that comes without a `Retry-After` header.
    pub fn too_many_requests_no_retry(limit: u32, window_secs: u64) -> Self {
        Self::rate_limited("too.many.requests", limit, window_secs)
    }

    fn rate_limited(code: &str, limit: u32, window_secs: u64) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            code,
            format!(
                "Rate limit exceeded the maximum. [{limit}] requests for [{window_secs}] seconds"
            ),
        )
        .with_param("limit", limit.to_string())
        .with_param("window", window_secs.to_string())
    }

    /// The JSON body; every error gets a fresh `contextId`, as Genesys's do.
    pub fn body(&self) -> Value {
        json!({
            "message": self.message,
            "code": self.code,
            "status": self.status.as_u16(),
            "messageWithParams": self.message_with_params,
            "messageParams": self.message_params,
            "contextId": uuid::Uuid::new_v4().to_string(),
            "details": [],
            "errors": [],
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_every_field() {
        let b = ApiError::missing_permission("integrations:integration:add").body();
        assert_eq!(b["status"], 403);
        assert_eq!(b["code"], "missing.permissions");
        assert_eq!(
            b["message"],
            "Unable to perform the requested action. You are missing the following permission(s): [integrations:integration:add]"
        );
        assert_eq!(
            b["messageParams"]["permissions"],
            "integrations:integration:add"
        );
        assert!(uuid::Uuid::parse_str(b["contextId"].as_str().unwrap()).is_ok());
        assert_eq!(b["details"], json!([]));
        assert_eq!(b["errors"], json!([]));
    }

    #[test]
    fn rate_limit_message() {
        let e = ApiError::too_many_requests(300, 60);
        assert_eq!(
            e.message,
            "Rate limit exceeded the maximum. [300] requests for [60] seconds"
        );
    }
}
