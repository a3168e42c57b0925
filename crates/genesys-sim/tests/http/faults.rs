//! Fault injection, as a client sees it: one test per kind, rates, counts, the
//! `/sim/v1/faults` routes and their validation, seeded determinism.

use std::time::{Duration, Instant};

use genesys_sim::{FaultKind, FaultRule, SimConfig, ADMIN_CLIENT_ID, DEFAULT_SECRET};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{quick_config, Api, Harness, Reply, EB};

const LIST: &str = "/api/v2/integrations";

impl Harness {
    /// Calls `/sim/v1/faults` with an optional JSON body.
    async fn faults(&self, method: Method, body: Option<Value>) -> Reply {
        self.call(method, "/sim/v1/faults", body).await
    }

    async fn set_faults(&self, rules: Value) {
        gcbridge_testkit::sim::set_faults(&self.base, &rules).await;
    }

    async fn counters(&self) -> Value {
        gcbridge_testkit::sim::requests(&self.base).await
    }

    /// A GET with a bearer token that returns reqwest's own result.
    async fn try_get(&self, token: &str, path: &str) -> reqwest::Result<reqwest::Response> {
        self.request(Method::GET, path)
            .bearer_auth(token)
            .send()
            .await
    }
}

/// Asserts that at least `ms` milliseconds passed since `start` (a delaying fault held the call).
#[track_caller]
fn assert_took_at_least(start: Instant, ms: u64) {
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(ms), "{took:?}");
}

/// POSTs a create whose response a fault keeps from the client; the client's error.
async fn create_without_answer(api: &Api, name: &str) -> reqwest::Error {
    api.request(Method::POST, LIST)
        .json(&json!({"name": name, "integrationType": {"id": EB}}))
        .send()
        .await
        .expect_err("no response expected: the fault cuts it")
}

#[tokio::test]
async fn status_faults_answer_with_a_genesys_error() {
    let (h, api) = Harness::with_admin().await;
    for (status, code) in [
        (500, "internal.server.error"),
        (502, "bad.gateway"),
        (503, "service.unavailable"),
        (504, "gateway.timeout"),
    ] {
        h.set_faults(
            json!([{"route": "GET /api/v2/integrations", "kind": "status", "status": status}]),
        )
        .await;
        api.get(LIST).await.assert_error(status, code);
        // Other routes are untouched.
        assert_eq!(api.get("/api/v2/organizations/me").await.status, 200);
    }
    let c = h.counters().await;
    assert_eq!(c["faultsInjected"], json!({"status": 4}), "{c}");
    assert_eq!(c["byStatus"]["503"], 1);
    assert_eq!(c["byRoute"]["GET /api/v2/integrations"], 4);
}

#[tokio::test]
async fn rate_limit_storm_with_and_without_retry_after() {
    let (h, api) = Harness::with_admin().await;
    h.set_faults(json!([{"kind": "rate-limit", "retry_after_secs": 3}]))
        .await;
    let r = api.get(LIST).await;
    r.assert_error(429, "too.many.requests.retry.after");
    assert_eq!(r.header("retry-after"), "3");
    // The token endpoint is a matching route too.
    assert_eq!(
        h.token_response(ADMIN_CLIENT_ID, DEFAULT_SECRET)
            .await
            .status,
        429
    );

    h.set_faults(json!([{"kind": "rate-limit", "rate": 1.0}]))
        .await;
    let r = api.get(LIST).await;
    r.assert_error(429, "too.many.requests");
    assert!(r.headers.get("retry-after").is_none());
    assert_eq!(h.counters().await["faultsInjected"]["rate-limit"], 3);
}

#[tokio::test]
async fn latency_delays_the_request() {
    let (h, api) = Harness::with_admin().await;
    h.set_faults(json!([{"kind": "latency", "ms": 150, "route": "/api/v2/integrations"}]))
        .await;
    let t = Instant::now();
    let r = api.get(LIST).await;
    assert_took_at_least(t, 150);
    assert_eq!(r.status, 200, "then handled normally");
    assert_eq!(h.counters().await["faultsInjected"]["latency"], 1);
}

#[tokio::test]
async fn close_connection_gives_the_client_no_response() {
    let (h, api) = Harness::with_admin().await;
    h.set_faults(
        json!([{"kind": "close-connection", "route": "POST /api/v2/integrations", "count": 1}]),
    )
    .await;
    let e = create_without_answer(&api, "x").await;
    assert!(!e.is_status(), "{e:?}");
    assert!(e.status().is_none());
    // Nothing was handled, and the server carries on.
    assert_eq!(api.get(LIST).await.body["total"], 0);
    api.create("after", EB).await;
    let c = h.counters().await;
    assert_eq!(c["faultsInjected"]["close-connection"], 1);
    assert_eq!(c["byRoute"]["POST /api/v2/integrations"], 2);
    assert_eq!(c["byStatus"]["200"], 3, "no status for the closed one: {c}");
}

#[tokio::test]
async fn truncated_body_is_a_body_error() {
    let (h, api) = Harness::with_admin().await;
    api.create("x", EB).await;
    h.set_faults(
        json!([{"kind": "truncated-body", "route": "GET /api/v2/integrations", "count": 1}]),
    )
    .await;
    let r = h.try_get(&api.token, LIST).await.expect("the head arrives");
    assert_eq!(r.status(), StatusCode::OK);
    let announced = r.content_length().expect("a Content-Length");
    assert!(announced > 10);
    let e = r.bytes().await.expect_err("the body stops short");
    assert!(e.is_body() || e.is_decode(), "{e:?}");
    // The next call is whole.
    let r = api.get(LIST).await;
    assert_eq!(r.body["total"], 1);
    assert_eq!(h.counters().await["faultsInjected"]["truncated-body"], 1);
}

#[tokio::test]
async fn slow_token_delays_only_the_token_endpoint() {
    let h = Harness::start().await;
    h.set_faults(json!([{"kind": "slow-token", "ms": 150}]))
        .await;
    let t = Instant::now();
    let api = h.admin().await;
    assert_took_at_least(t, 150);
    assert_eq!(api.get(LIST).await.status, 200);
    let doc = h.faults(Method::GET, None).await.body;
    assert_eq!(doc["rules"][0]["injected"], 1, "not on API routes: {doc}");
    // A slow-token rule cannot name another route.
    let r = h
        .faults(
            Method::POST,
            Some(json!({"kind": "slow-token", "ms": 1, "route": "GET /api/v2/integrations"})),
        )
        .await;
    r.assert_bad_request_naming("route");
}

#[tokio::test]
async fn revoked_token_gets_401_and_a_new_token_works() {
    let (h, api) = Harness::with_admin().await;
    assert_eq!(api.get(LIST).await.status, 200);
    h.set_faults(json!([{"kind": "revoke-token", "count": 1}]))
        .await;
    api.get(LIST).await.assert_error(401, "bad.credentials");
    // Revoked for real, not just once.
    api.get(LIST).await.assert_error(401, "bad.credentials");
    let api = h.admin().await;
    assert_eq!(api.get(LIST).await.status, 200);
    let c = h.counters().await;
    assert_eq!(c["faultsInjected"]["revoke-token"], 1);
    assert_eq!(c["byStatus"]["401"], 2);
}

#[tokio::test]
async fn concurrent_edit_makes_the_read_version_stale() {
    let (h, api, id) = Harness::with_integration("x").await;
    let path = format!("/api/v2/integrations/{id}/config/current");
    let read = api.get(&path).await;
    let version = read.body["version"].as_u64().unwrap();
    h.set_faults(json!([{"kind": "concurrent-edit", "count": 1}]))
        .await;
    let r = api.configure(&id, version, "s1").await;
    r.assert_error(409, "conflict");
    let now = api.get(&path).await.body;
    assert_eq!(now["version"], version + 1, "{now}");
    assert_ne!(now["notes"], read.body["notes"]);
    // Read again, retry: it goes through (the rule's count is used up).
    let r = api.configure(&id, version + 1, "s1").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["version"], version + 2);
    assert_eq!(h.counters().await["faultsInjected"]["concurrent-edit"], 1);
}

#[tokio::test]
async fn lose_response_processes_then_drops_the_answer() {
    let (h, api) = Harness::with_admin().await;
    h.set_faults(json!([{"route": "POST /api/v2/integrations", "kind": "lose-response", "rate": 1.0, "count": 1}]))
        .await;
    let e = create_without_answer(&api, "lost").await;
    assert!(e.status().is_none(), "{e:?}");
    let list = api.get(LIST).await.body;
    assert_eq!(list["total"], 1, "created anyway: {list}");
    assert_eq!(list["entities"][0]["name"], "lost");
    let c = h.counters().await;
    assert_eq!(c["faultsInjected"]["lose-response"], 1);
    assert_eq!(c["writes"], 1);
}

#[tokio::test]
async fn rate_zero_never_one_always_and_count_limits() {
    let (h, api) = Harness::with_admin().await;
    h.set_faults(json!([{"kind": "status", "status": 500, "rate": 0.0}]))
        .await;
    for _ in 0..20 {
        assert_eq!(api.get(LIST).await.status, 200);
    }
    h.set_faults(json!([{"kind": "status", "status": 500, "rate": 1.0}]))
        .await;
    for _ in 0..20 {
        assert_eq!(api.get(LIST).await.status, 500);
    }
    h.set_faults(json!([{"kind": "status", "status": 503, "count": 2}]))
        .await;
    let statuses: Vec<u16> = list_statuses(&api, 5).await;
    assert_eq!(statuses, [503, 503, 200, 200, 200]);
    let doc = h.faults(Method::GET, None).await.body;
    assert_eq!(doc["rules"][0]["injected"], 2);
    assert_eq!(doc["rules"][0]["count"], 2);
    assert_eq!(h.counters().await["faultsInjected"]["status"], 22);
}

async fn list_statuses(api: &crate::common::Api, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(api.get(LIST).await.status.as_u16());
    }
    out
}

#[tokio::test]
async fn runtime_rules_put_post_delete_and_validation() {
    let (h, api) = Harness::with_admin().await;
    let empty = h.faults(Method::GET, None).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.body["rules"], json!([]));

    let r = h
        .faults(
            Method::PUT,
            Some(json!({"rules": [{"kind": "latency", "ms": 1}], "seed": 9})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["seed"], 9);
    let r = h
        .faults(
            Method::POST,
            Some(json!({"kind": "status", "status": 502, "route": "GET /api/v2/integrations/{integrationId}"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.body["rules"],
        json!([
            {"route": "*", "kind": "latency", "ms": 1, "rate": 1.0, "count": null, "injected": 0},
            {"route": "GET /api/v2/integrations/{integrationId}", "kind": "status", "status": 502, "rate": 1.0, "count": null, "injected": 0},
        ])
    );
    api.get("/api/v2/integrations/abc")
        .await
        .assert_error(502, "bad.gateway");
    assert_eq!(api.get(LIST).await.status, 200);
    let doc = h.faults(Method::GET, None).await.body;
    assert_eq!(doc["rules"][0]["injected"], 2);
    assert_eq!(doc["rules"][1]["injected"], 1);

    // Invalid rules are refused whole, with the field named; the old rules stay.
    for (method, body, field) in [
        (
            Method::PUT,
            json!([{"kind": "status", "status": 503}, {"kind": "status", "status": 503, "rate": 2}]),
            "rules[1].rate",
        ),
        (Method::PUT, json!({"rules": [], "colour": 1}), "colour"),
        (Method::PUT, json!({"rules": [], "seed": -1}), "seed"),
        (Method::PUT, json!("nope"), "rules"),
        (Method::POST, json!({"kind": "explode"}), "kind"),
        (Method::POST, json!({"kind": "status"}), "status"),
        (
            Method::POST,
            json!({"kind": "latency", "ms": 5, "count": "two"}),
            "count",
        ),
        (
            Method::POST,
            json!({"kind": "lose-response", "route": "POST /api/v2/nothing"}),
            "route",
        ),
        (
            Method::POST,
            json!({"kind": "status", "status": 500, "retry_after_secs": 1}),
            "retry_after_secs",
        ),
    ] {
        let r = h.faults(method, Some(body.clone())).await;
        r.assert_bad_request_naming(field);
        assert_eq!(r.body["messageParams"]["field"], field, "{body}");
    }
    let r = h
        .send(h.request(Method::POST, "/sim/v1/faults").body("{not json"))
        .await;
    r.assert_bad_request_naming("not valid JSON");
    assert_eq!(
        h.faults(Method::GET, None).await.body["rules"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    assert_eq!(h.faults(Method::DELETE, None).await.status, 204);
    assert_eq!(h.faults(Method::GET, None).await.body["rules"], json!([]));
    assert_eq!(api.get("/api/v2/integrations/abc").await.status, 404);
}

async fn statuses_with_seed(config: SimConfig, n: usize) -> Vec<u16> {
    let h = Harness::with(config).await;
    let api = h.admin().await;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(api.get(LIST).await.status.as_u16());
    }
    h.sim.shutdown().await;
    out
}

#[tokio::test]
async fn seeded_rates_are_deterministic() {
    let config = |seed| SimConfig {
        faults: vec![FaultRule::new(FaultKind::Status(503))
            .on("GET /api/v2/integrations")
            .with_rate(0.5)],
        fault_seed: Some(seed),
        ..quick_config()
    };
    let a = statuses_with_seed(config(11), 40).await;
    assert_eq!(a, statuses_with_seed(config(11), 40).await);
    assert_ne!(a, statuses_with_seed(config(12), 40).await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");

    // Reseeding at run time replays the same sequence.
    let (h, api) = Harness::with_admin().await;
    let rules = json!({"rules": [{"kind": "status", "status": 503, "rate": 0.5, "route": "GET /api/v2/integrations"}], "seed": 11});
    let mut runs = Vec::new();
    for _ in 0..2 {
        h.set_faults(rules.clone()).await;
        runs.push(list_statuses(&api, 40).await);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], a);
}

#[tokio::test]
async fn start_config_faults_and_reset_restores_them() {
    let h = Harness::with(SimConfig {
        faults: vec![FaultRule::new(FaultKind::Status(503))
            .on("GET /api/v2/organizations/me")
            .with_count(1)],
        ..quick_config()
    })
    .await;
    let api = h.admin().await;
    api.get("/api/v2/organizations/me")
        .await
        .assert_error(503, "service.unavailable");
    assert_eq!(api.get("/api/v2/organizations/me").await.status, 200);
    h.set_faults(json!([])).await;
    assert_eq!(h.raw(Method::POST, "/sim/v1/reset").await.status, 204);
    let doc = h.faults(Method::GET, None).await.body;
    assert_eq!(doc["rules"][0]["injected"], 0, "{doc}");
    let api = h.admin().await;
    assert_eq!(api.get("/api/v2/organizations/me").await.status, 503);
}

#[tokio::test]
async fn keeps_serving_through_every_kind_at_once() {
    let (h, api) = Harness::with_admin().await;
    api.create("x", EB).await;
    let kinds = [
        json!({"kind": "status", "status": 500, "rate": 0.2}),
        json!({"kind": "rate-limit", "rate": 0.1}),
        json!({"kind": "latency", "ms": 1, "rate": 0.3}),
        json!({"kind": "close-connection", "rate": 0.1}),
        json!({"kind": "truncated-body", "rate": 0.1}),
        json!({"kind": "slow-token", "ms": 1}),
        json!({"kind": "lose-response", "rate": 0.1}),
    ];
    h.set_faults(json!({"rules": kinds, "seed": 3})).await;
    let mut errors = 0;
    for _ in 0..60 {
        match h.try_get(&api.token, LIST).await {
            Ok(r) => {
                if r.bytes().await.is_err() {
                    errors += 1;
                }
            }
            Err(_) => errors += 1,
        }
    }
    assert!(errors > 0);
    assert_eq!(h.faults(Method::DELETE, None).await.status, 204);
    assert_eq!(api.get(LIST).await.body["total"], 1);
    let c = h.counters().await;
    let injected: u64 = c["faultsInjected"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(injected >= errors, "{c}");
}

/// Sends one raw HTTP/1.1 request and reads until the server closes (or errors).
async fn raw_exchange(h: &Harness, request: String) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(h.sim.addr()).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept the connection open"),
        }
    }
    out
}

#[tokio::test]
async fn on_the_wire_close_sends_nothing_and_truncate_sends_half() {
    let (h, api) = Harness::with_admin().await;
    let get = format!(
        "GET {LIST} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\r\n",
        api.token
    );
    h.set_faults(json!([{"kind": "close-connection", "count": 1}]))
        .await;
    assert!(raw_exchange(&h, get.clone()).await.is_empty());

    h.set_faults(json!([{"kind": "truncated-body", "count": 1}]))
        .await;
    let bytes = raw_exchange(&h, get).await;
    let text = String::from_utf8_lossy(&bytes);
    let (head, body) = text.split_once("\r\n\r\n").expect("a whole head");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .expect("a Content-Length")
        .parse()
        .unwrap();
    assert_eq!(body.len(), length / 2, "{text}");
}
