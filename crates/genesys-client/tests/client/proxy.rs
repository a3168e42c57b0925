//! Loopback traffic never goes through a proxy, whichever proxy variable is set: the proxy would
//! see plain-HTTP requests, Basic header and bearer token included. Each case runs in a child
//! process of this test binary (the proxy variables are process-wide), with a fake proxy that
//! records whether it was used.

use std::sync::atomic::Ordering;

use gcbridge_testkit::listeners::counting_proxy;

use crate::support::{client_for, Canned, Stub};

const CHILD: &str = "proxy::child_calls_a_loopback_stub";

#[tokio::test]
async fn no_proxy_variable_carries_loopback_traffic() {
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        let (proxy, used) = counting_proxy().await;
        let exe = std::env::current_exe().unwrap();
        let out = tokio::process::Command::new(exe)
            .args([CHILD, "--exact", "--ignored", "--nocapture"])
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env(var, &proxy)
            .output()
            .await
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{var}: the child failed:\n{text}");
        assert!(
            text.contains("1 passed"),
            "{var}: the child did not run:\n{text}"
        );
        assert_eq!(used.load(Ordering::SeqCst), 0, "{var}: the proxy was used");
    }
}

/// Run only by the test above, with a proxy variable set.
#[tokio::test]
#[ignore = "a child of no_proxy_variable_carries_loopback_traffic"]
async fn child_calls_a_loopback_stub() {
    let stub = Stub::start(vec![Canned::json(
        200,
        serde_json::json!({"id": "org-1", "name": "Org"}),
    )])
    .await;
    let client = client_for(&stub.base_url(), "id", "s3cret");
    let org = client
        .organization_me()
        .await
        .expect("reached the stub directly");
    assert_eq!(org.id, "org-1");
    assert_eq!(stub.all_requests().len(), 2, "token call and API call");
}
