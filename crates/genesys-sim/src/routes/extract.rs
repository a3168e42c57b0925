//! Request extractors that fail with the Genesys error body instead of axum's plain-text
//! rejections: the authenticated caller, the query string, and a JSON body parsed only
//! once the handler has checked permissions.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde_json::Value;

use crate::backend::auth::Caller;
use crate::errors::ApiError;

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        // The gateway middleware authenticates every /api/v2 request and leaves the caller.
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(ApiError::authentication_required)
    }
}

/// The query string as name/value pairs, repeated names kept.
pub struct QueryPairs(pub Vec<(String, String)>);

impl QueryPairs {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, comma-separated lists split, so `expand=a,b` and
    /// `expand=a&expand=b` mean the same.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|Query(q)| QueryPairs(q))
            .map_err(|e| ApiError::bad_request(format!("The query string is malformed: {e}")))
    }
}

/// A request body not parsed yet.
pub struct Body {
    content_type: Option<String>,
    bytes: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            // Over the body limit a gateway answers 413, not a generic 400.
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "request.entity.too.large",
                    "The request body is larger than the 2 MB this API accepts.",
                )
            } else {
                ApiError::bad_request(format!("The request body cannot be read: {e}"))
            }
        })?;
        Ok(Body {
            content_type,
            bytes,
        })
    }
}

impl Body {
    /// The body as a JSON object, or the 400 Genesys gives for anything else.
    pub fn json_object(&self) -> Result<serde_json::Map<String, Value>, ApiError> {
        let is_json = self.content_type.as_deref().is_some_and(|ct| {
            let essence = ct.split(';').next().unwrap_or("").trim();
            essence == "application/json" || essence.ends_with("+json")
        });
        if !is_json {
            return Err(ApiError::bad_request(format!(
                "The request body must be JSON with Content-Type application/json; got {}.",
                self.content_type.as_deref().unwrap_or("no Content-Type")
            )));
        }
        match serde_json::from_slice::<Value>(&self.bytes) {
            Ok(Value::Object(o)) => Ok(o),
            Ok(_) => Err(ApiError::bad_request(
                "The request body must be a JSON object.",
            )),
            Err(e) => Err(ApiError::bad_request(format!(
                "The request body is not valid JSON: {e}"
            ))),
        }
    }
}

/// A field of a body that must hold one JSON type when it is there: absent or null is None,
/// a value `take` refuses is a 400 naming the field and what it must be (`must_be`). Every
/// typed field of a request body is read this way, so their 400s read alike.
fn opt_field<T>(
    body: &serde_json::Map<String, Value>,
    field: &str,
    must_be: &str,
    take: impl FnOnce(&Value) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => take(v).map(Some).ok_or_else(|| {
            ApiError::bad_field(
                field,
                format!("The field {field} must be {must_be}; got {v}."),
            )
        }),
    }
}

/// A string field of a body: absent or null is None, another type is a 400 naming it.
pub fn opt_string(
    body: &serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<String>, ApiError> {
    opt_field(body, field, "a string", |v| v.as_str().map(str::to_string))
}

/// An object field of a body: absent or null is None, another type is a 400 naming it.
pub fn opt_object(
    body: &serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<serde_json::Map<String, Value>>, ApiError> {
    opt_field(body, field, "an object", |v| v.as_object().cloned())
}

/// A non-negative integer field of a body (a config `version`, a fault `seed`): absent or
/// null is None, anything else is a 400 naming it.
pub fn opt_u64(
    body: &serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<u64>, ApiError> {
    opt_field(body, field, "a non-negative integer", Value::as_u64)
}
