//! Every call ends within its deadline and says what it spent: a host that accepts and never
//! answers, a refused loopback port (tried twice, not eight times), and the real elapsed time
//! and attempts in the message.

use std::time::Duration;

use gcbridge_testkit::listeners::silent_listener;
use genesys_client::{Error, GenesysClient, HttpPolicy};

use crate::support::{client_with, refused_connection};

fn client(base: &str, policy: HttpPolicy) -> GenesysClient {
    client_with(base, "id", "s3cret", policy)
}

/// The "in N.Ns" figure of an effort text.
fn reported_secs(msg: &str) -> f64 {
    let after = msg.split(" in ").nth(1).expect("an elapsed time");
    after.split('s').next().unwrap().parse().expect("seconds")
}

#[tokio::test]
async fn a_host_that_never_answers_fails_at_the_deadline_saying_the_real_time() {
    let base = silent_listener().await;
    let policy = HttpPolicy {
        deadline: Duration::from_secs(1),
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(100),
        ..HttpPolicy::default()
    };
    let err = client(&base, policy).organization_me().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("POST /oauth/token"), "{msg}");
    assert!(
        msg.contains("no response: gave up after 1 attempt in "),
        "{msg}"
    );
    assert!(msg.contains("(deadline 1s)"), "{msg}");
    // The per-request timeout (30 s) is not what the message claims: the deadline cut it.
    assert!(!msg.contains("30s"), "{msg}");
    assert!(reported_secs(&msg) >= 1.0, "{msg}");
}

#[tokio::test]
async fn a_refused_loopback_port_is_tried_twice_not_eight_times() {
    let (msg, c) = refused_connection(HttpPolicy::default()).await;
    assert!(msg.contains("gave up after 2 attempts in "), "{msg}");
    assert!(msg.contains("(deadline 60s)"), "{msg}");
    assert_eq!(c.stats().retries, 1);
}

#[tokio::test]
async fn a_server_error_that_persists_says_the_attempts() {
    let stub = crate::support::Stub::start(vec![crate::support::Canned::json(
        503,
        serde_json::json!({"message": "down", "status": 503}),
    )])
    .await;
    let policy = HttpPolicy {
        max_attempts: 3,
        ..crate::support::fast_policy()
    };
    let err = client(&stub.base_url(), policy)
        .get_integration("i-1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { .. }), "{err:?}");
    assert!(
        err.to_string().contains("gave up after 3 attempts in "),
        "{err}"
    );
    assert_eq!(stub.api_requests().len(), 3);
}
