//! What the gateway adds to a response on its way out: the `ININ-Correlation-Id` header
//! (a new UUID, which is also the `contextId` of an error body, as Genesys correlates
//! them), and the quirks that reshape every body: null-error-parts (error bodies with
//! `null` details, errors and messageParams) and extra-fields (a field gcbridge does not
//! know in every API object, and an unknown `reportedState.effective`).

use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::Response;
use serde_json::{json, Value};

use crate::backend::quirks::Quirks;

/// The header every response carries.
pub const CORRELATION_HEADER: &str = "inin-correlation-id";
/// The unknown field extra-fields adds to every API object.
pub const EXTRA_FIELD: &str = "x-sim-extra";
/// The `reportedState.effective` extra-fields reports, a value no SDK enum has.
pub const UNKNOWN_EFFECTIVE: &str = "Degraded";
/// Keys whose values are data (config maps, schemas, event bodies, message parameters),
/// not API objects: extra-fields adds nothing inside them.
const DATA_KEYS: &[&str] = &[
    "properties",
    "advanced",
    "credentials",
    "attributes",
    "messageParams",
    "schema",
    "eventBody",
];

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// The response with its correlation id and, for a JSON body, the quirks applied.
pub async fn finish(quirks: &Quirks, mut response: Response) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(CORRELATION_HEADER, v);
    }
    let is_error = response.status().is_client_error() || response.status().is_server_error();
    if !is_json(&response) || !(is_error || quirks.extra_fields) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if is_error {
        error_body(quirks, &mut value, &id);
    }
    if quirks.extra_fields {
        add_extra_fields(&mut value);
    }
    let bytes = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// A Genesys error body (the OAuth one has no `contextId` and is left alone) gets the
/// correlation id as its `contextId`, and null parts under null-error-parts.
fn error_body(quirks: &Quirks, value: &mut Value, id: &str) {
    let Some(o) = value
        .as_object_mut()
        .filter(|o| o.contains_key("contextId"))
    else {
        return;
    };
    o.insert("contextId".into(), json!(id));
    if quirks.null_error_parts {
        for part in ["details", "errors", "messageParams"] {
            o.insert(part.into(), Value::Null);
        }
    }
}

/// Adds [`EXTRA_FIELD`] to every object outside the [`DATA_KEYS`] values, and an unknown
/// `effective` to every `reportedState`.
fn add_extra_fields(value: &mut Value) {
    match value {
        Value::Object(o) => {
            for (key, v) in o.iter_mut() {
                if !DATA_KEYS.contains(&key.as_str()) {
                    add_extra_fields(v);
                }
            }
            if let Some(Value::Object(state)) = o.get_mut("reportedState") {
                state.insert("effective".into(), json!(UNKNOWN_EFFECTIVE));
            }
            o.insert(EXTRA_FIELD.into(), json!(1));
            o.entry("attributes").or_insert_with(|| json!({}));
        }
        Value::Array(items) => items.iter_mut().for_each(add_extra_fields),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_fields_stay_out_of_data() {
        let mut v = json!({"entities": [{"reportedState": {"effective": "Active"},
            "config": {"current": {"properties": {"awsAccountId": "1"}}}}]});
        add_extra_fields(&mut v);
        let e = &v["entities"][0];
        assert_eq!(v[EXTRA_FIELD], 1);
        assert_eq!(e[EXTRA_FIELD], 1);
        assert_eq!(e["reportedState"]["effective"], UNKNOWN_EFFECTIVE);
        assert_eq!(e["config"]["current"][EXTRA_FIELD], 1);
        assert_eq!(
            e["config"]["current"]["properties"],
            json!({"awsAccountId": "1"})
        );
        assert_eq!(e["attributes"], json!({}));
    }
}
