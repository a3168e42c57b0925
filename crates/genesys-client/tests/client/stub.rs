//! Retry, timeout and redaction rules against a scripted stub server, for the failures the
//! emulator does not produce on demand (503s, arbitrary 429s, slow responses).

use std::time::{Duration, Instant};

use crate::support::*;
use genesys_client::{CreateIntegrationRequest, Error, GenesysClient, HttpPolicy, IntendedState};
use serde_json::json;

const SECRET: &str = "super-secret-value-123";

fn stub_client(stub: &Stub) -> GenesysClient {
    client_for(&stub.base_url(), "stub-id", SECRET)
}

fn unavailable() -> Canned {
    Canned::json(
        503,
        json!({"message": "Service Unavailable", "code": "service.unavailable", "status": 503, "contextId": "ctx-503"}),
    )
}

fn integration() -> Canned {
    Canned::json(
        200,
        json!({"id": "i-1", "name": "n", "integrationType": {"id": "amazon-eventbridge-source"}}),
    )
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let stub = Stub::start(vec![unavailable(), integration()]).await;
    let client = stub_client(&stub);
    let err = client
        .create_integration(&CreateIntegrationRequest::eventbridge("n"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("POST /api/v2/integrations"), "{msg}");
    assert!(msg.contains("contextId ctx-503"), "{msg}");
    assert_eq!(stub.api_requests().len(), 1);
    assert_eq!(client.stats().retries, 0);
    assert_eq!(client.stats().writes, 1);
}

#[tokio::test]
async fn idempotent_calls_are_retried_on_503() {
    let stub = Stub::start(vec![unavailable(), unavailable(), integration()]).await;
    let client = stub_client(&stub);
    let i = client
        .set_intended_state("i-1", IntendedState::Enabled)
        .await
        .unwrap();
    assert_eq!(i.id, "i-1");
    let seen = stub.api_requests();
    assert_eq!(seen.len(), 3);
    assert!(seen
        .iter()
        .all(|s| s.method == "PATCH" && s.path == "/api/v2/integrations/i-1"));
    assert_eq!(seen[2].body, r#"{"intendedState":"ENABLED"}"#);
    assert_eq!(client.stats().retries, 2);
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let stub = Stub::start(vec![unavailable()]).await;
    let client = stub_client(&stub);
    let err = client.get_integration("i-1").await.unwrap_err();
    assert!(matches!(err, Error::Server { .. }), "{err:?}");
    assert_eq!(
        stub.api_requests().len(),
        fast_policy().max_attempts as usize
    );
}

#[tokio::test]
async fn post_is_retried_on_429_after_retry_after() {
    let limited = Canned::json(
        429,
        json!({"message": "Rate limit exceeded the maximum. [5] requests for [60] seconds", "code": "too.many.requests.retry.after", "status": 429}),
    )
    .header("Retry-After", "1");
    let stub = Stub::start(vec![limited, integration()]).await;
    let client = stub_client(&stub);
    let started = Instant::now();
    client
        .create_integration(&CreateIntegrationRequest::eventbridge("n"))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert_eq!(stub.api_requests().len(), 2);
    let stats = client.stats();
    assert_eq!((stats.rate_limited_429, stats.retries), (1, 1));
}

#[tokio::test]
async fn retry_after_beyond_the_limit_gives_up_at_once() {
    let limited = Canned::json(
        429,
        json!({"message": "slow down", "code": "too.many.requests.retry.after"}),
    )
    .header("Retry-After", "600");
    let stub = Stub::start(vec![limited]).await;
    let client = stub_client(&stub);
    let started = Instant::now();
    let err = client.organization_me().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(err.to_string().contains("Retry-After 600s"), "{err}");
    assert_eq!(err.status(), Some(429));
    assert_eq!(stub.api_requests().len(), 1);
}

#[tokio::test]
async fn token_call_sends_basic_auth_and_form_and_secrets_stay_out_of_errors() {
    let stub = Stub::start(vec![Canned::json(
        400,
        json!({"message": "bad", "code": "bad.request"}),
    )])
    .await;
    let client = stub_client(&stub);
    let err = client.organization_me().await.unwrap_err();
    let all = stub.all_requests();
    let token_call = &all[0];
    assert_eq!(
        (token_call.method.as_str(), token_call.path.as_str()),
        ("POST", "/oauth/token")
    );
    assert_eq!(token_call.body, "grant_type=client_credentials");
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("stub-id:{SECRET}"));
    assert!(
        token_call.head.to_ascii_lowercase().contains(&format!(
            "authorization: basic {}",
            basic.to_ascii_lowercase()
        )),
        "{}",
        token_call.head
    );
    assert!(all[1].head.contains("Bearer stub-token") || all[1].head.contains("bearer stub-token"));
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("stub-token"), "{text}");
    }
}

#[tokio::test]
async fn slow_response_is_a_timeout() {
    let stub = Stub::start(vec![integration().delayed(Duration::from_secs(5))]).await;
    let policy = HttpPolicy {
        request_timeout: Duration::from_millis(300),
        max_attempts: 2,
        ..fast_policy()
    };
    let client = client_with(&stub.base_url(), "stub-id", SECRET, policy);
    // A POST that timed out may have been processed: it is not repeated.
    let err = client
        .create_integration(&CreateIntegrationRequest::eventbridge("n"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("no response: gave up after 1 attempt in 0."),
        "{err}"
    );
    assert_eq!(stub.api_requests().len(), 1);
    // A GET is retried up to max_attempts.
    let err = client.get_integration("i-1").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(stub.api_requests().len(), 3);
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    let policy = HttpPolicy {
        max_attempts: 2,
        ..fast_policy()
    };
    let (msg, client) = refused_connection(policy).await;
    assert!(msg.contains("POST /oauth/token"), "{msg}");
    assert!(msg.contains("127.0.0.1"), "{msg}");
    assert!(client.stats().retries >= 1);
}

#[tokio::test]
async fn unknown_host_is_a_dns_error_and_not_retried() {
    let client = client_for("https://api.gcbridge-test.invalid", "id", SECRET);
    let err = client.organization_me().await.unwrap_err();
    assert!(matches!(err, Error::Dns { .. }), "{err:?}");
    let msg = err.to_string();
    // The token call goes first, to the login host derived from the api. host.
    assert!(msg.contains("login.gcbridge-test.invalid"), "{msg}");
    assert!(msg.contains("region or API URL"), "{msg}");
    assert_eq!(client.stats().retries, 0);
}
