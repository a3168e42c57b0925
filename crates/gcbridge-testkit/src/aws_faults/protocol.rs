//! What the AWS SDK sends, as the proxy reads it: the service (the SigV4 credential scope of the
//! `Authorization` header), the action (`X-Amz-Target` in the JSON protocols of EventBridge, SQS and
//! CloudWatch Logs; the `Action=` form field in the query protocols of STS and SNS; the method and
//! path in Lambda's rest-JSON), and each protocol's error answer, shaped as AWS shapes it so the
//! SDK classifies it as AWS's own (a throttle is retried as a throttle, a 500 as a transient error).

use hyper::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use hyper::{Method, StatusCode};

/// The wire protocol of a request, which decides the shape of an error answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// awsJson1_0 / awsJson1_1 (`X-Amz-Target`): the error code in `__type`.
    Json,
    /// awsQuery (a form with `Action=`): an XML `ErrorResponse`.
    Query,
    /// restJson1 (Lambda): the error code in `x-amzn-ErrorType`.
    RestJson,
}

/// The request's `service:Action` (the counter key a rule matches) and its protocol.
pub fn classify(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> (String, Protocol) {
    let service = service(headers).unwrap_or_else(|| "unknown".into());
    if let Some(target) = header(headers, "x-amz-target") {
        let action = target.rsplit_once('.').map_or(target, |(_, a)| a);
        return (format!("{service}:{action}"), Protocol::Json);
    }
    let form = String::from_utf8_lossy(body);
    if let Some(action) = form.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
        return (format!("{service}:{action}"), Protocol::Query);
    }
    (
        format!("{service}:{}", rest_action(method, path)),
        Protocol::RestJson,
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `Credential=KEY/DATE/REGION/SERVICE/aws4_request` of the SigV4 `Authorization` header.
fn service(headers: &HeaderMap) -> Option<String> {
    let auth = header(headers, "authorization")?;
    let scope = auth.split("Credential=").nth(1)?.split(',').next()?;
    Some(scope.split('/').nth(3)?.to_string())
}

/// Lambda's operations that gcbridge calls, by method and path; any other as `METHOD /path`.
fn rest_action(method: &Method, path: &str) -> String {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let name = match (method, parts.as_slice()) {
        (&Method::GET, [_, "functions", _, "policy"]) => "GetPolicy",
        (&Method::POST, [_, "functions", _, "policy"]) => "AddPermission",
        (&Method::DELETE, [_, "functions", _, "policy", _]) => "RemovePermission",
        (&Method::GET, [_, "functions", _]) => "GetFunction",
        (&Method::POST, [_, "functions"]) => "CreateFunction",
        _ => return format!("{method} {path}"),
    };
    name.to_string()
}

/// An error answer: status, headers and body.
pub struct ErrorAnswer {
    pub status: StatusCode,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

/// The throttling error of `protocol`, as AWS answers it.
pub fn throttle(protocol: Protocol, request_headers: &HeaderMap) -> ErrorAnswer {
    match protocol {
        Protocol::Json => json_error(
            request_headers,
            StatusCode::BAD_REQUEST,
            "ThrottlingException",
            "Rate exceeded",
        ),
        Protocol::Query => query_error(StatusCode::BAD_REQUEST, "Throttling", "Rate exceeded"),
        Protocol::RestJson => rest_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsException",
            "Rate exceeded",
        ),
    }
}

/// The error `code` with `message` at `status`, in `protocol`.
pub fn error(
    protocol: Protocol,
    request_headers: &HeaderMap,
    status: u16,
    code: &str,
    message: &str,
) -> ErrorAnswer {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    match protocol {
        Protocol::Json => json_error(request_headers, status, code, message),
        Protocol::Query => query_error(status, code, message),
        Protocol::RestJson => rest_error(status, code, message),
    }
}

/// `body` (JSON) at `status`, in the request's JSON protocol version.
pub fn json_answer(request_headers: &HeaderMap, status: u16, body: &str) -> ErrorAnswer {
    ErrorAnswer {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        headers: vec![
            ("content-type", json_content_type(request_headers)),
            ("x-amzn-requestid", request_id()),
        ],
        body: body.to_string(),
    }
}

/// HTTP 500 `InternalFailure` in `protocol`.
pub fn internal_failure(protocol: Protocol, request_headers: &HeaderMap) -> ErrorAnswer {
    error(
        protocol,
        request_headers,
        500,
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
    )
}

/// The request's JSON protocol version, which the answer speaks (SQS 1.0, EventBridge and Logs 1.1).
fn json_content_type(request_headers: &HeaderMap) -> String {
    request_headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/x-amz-json-1.1")
        .to_string()
}

fn json_error(
    request_headers: &HeaderMap,
    status: StatusCode,
    code: &str,
    message: &str,
) -> ErrorAnswer {
    ErrorAnswer {
        status,
        headers: vec![
            ("content-type", json_content_type(request_headers)),
            ("x-amzn-requestid", request_id()),
            // SQS's JSON protocol is query-compatible: the SDK reads the code from here first.
            (
                "x-amzn-query-error",
                format!("{code};{}", fault_party(status)),
            ),
        ],
        body: serde_json::json!({ "__type": code, "message": message }).to_string(),
    }
}

fn query_error(status: StatusCode, code: &str, message: &str) -> ErrorAnswer {
    let kind = if status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    };
    let id = request_id();
    ErrorAnswer {
        status,
        headers: vec![("content-type", "text/xml".into()), ("x-amzn-requestid", id.clone())],
        body: format!(
            "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{id}</RequestId></ErrorResponse>"
        ),
    }
}

fn rest_error(status: StatusCode, code: &str, message: &str) -> ErrorAnswer {
    ErrorAnswer {
        status,
        headers: vec![
            ("content-type", "application/json".into()),
            ("x-amzn-errortype", code.to_string()),
            ("x-amzn-requestid", request_id()),
        ],
        body: serde_json::json!({ "Type": "User", "message": message }).to_string(),
    }
}

/// Whose fault the query protocols say it is: the caller's (4xx) or the service's (5xx).
fn fault_party(status: StatusCode) -> &'static str {
    if status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    }
}

fn request_id() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("00000000-fa17-0000-0000-{n:012}")
}

/// Whether a header is hop-by-hop (or recomputed), so never copied across the proxy.
pub fn hop_by_hop(name: &str) -> bool {
    matches!(
        name,
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "transfer-encoding"
            | "te"
            | "trailer"
            | "upgrade"
            | "content-length"
    )
}

/// `value` as a header value, or nothing when it cannot be one.
pub fn value(v: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(service: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let auth = format!("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0");
        h.insert("authorization", value(&auth).unwrap());
        h
    }

    #[test]
    fn the_action_of_each_protocol() {
        let mut h = signed("events");
        h.insert("x-amz-target", value("AWSEvents.PutRule").unwrap());
        assert_eq!(
            classify(&Method::POST, "/", &h, b"{}"),
            ("events:PutRule".into(), Protocol::Json)
        );
        let h = signed("sts");
        let body = b"Action=GetCallerIdentity&Version=2011-06-15";
        assert_eq!(
            classify(&Method::POST, "/", &h, body),
            ("sts:GetCallerIdentity".into(), Protocol::Query)
        );
        let h = signed("lambda");
        let got = classify(&Method::POST, "/2015-03-31/functions/f/policy", &h, b"{}");
        assert_eq!(got, ("lambda:AddPermission".into(), Protocol::RestJson));
    }
}
