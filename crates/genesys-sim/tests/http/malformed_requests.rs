//! Malformed requests to every route: bad JSON, a wrong content type, empty and oversized bodies,
//! non-object JSON, unknown fields, huge headers and odd paths. Each is refused with a 4xx and the
//! Genesys error body (`/oauth/token`: the OAuth error body), nothing is a 5xx, nothing panics
//! (a panicking handler would drop the connection), and the emulator keeps serving.

use std::time::Duration;

use genesys_sim::{RunningSim, SimConfig};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

async fn sim() -> RunningSim {
    gcbridge_testkit::sim::start_exact(SimConfig {
        // Hundreds of requests from one client: no 429s here.
        rate_limit_per_minute: 1_000_000,
        activation_delay: Duration::from_millis(10),
        ..SimConfig::default()
    })
    .await
}

/// An integration to aim the `{integrationId}` routes at.
async fn create(base: &str, token: &str) -> String {
    let v: Value = Client::new()
        .post(format!("{base}/api/v2/integrations"))
        .bearer_auth(token)
        .json(&json!({"name": "target", "integrationType": {"id": "amazon-eventbridge-source"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("created: {v}"))
        .to_string()
}

/// One request; `Err` describes what broke a rule.
struct Probe<'a> {
    what: String,
    method: Method,
    path: String,
    content_type: Option<&'a str>,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

/// Sends `p` and checks the answer: never a 5xx or a dropped connection; any error status carries
/// the error body of its host (Genesys for /api/v2 and unknown paths, OAuth for /oauth/token).
async fn send(
    client: &Client,
    base: &str,
    token: &str,
    p: &Probe<'_>,
) -> Result<StatusCode, String> {
    let mut req = client
        .request(p.method.clone(), format!("{base}{}", p.path))
        .bearer_auth(token)
        .body(p.body.clone());
    if let Some(ct) = p.content_type {
        req = req.header("content-type", ct);
    }
    for (k, v) in &p.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let resp = req
        .send()
        .await
        .map_err(|e| format!("{}: {} {}: no response ({e})", p.what, p.method, p.path))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if status.is_server_error() {
        return Err(format!(
            "{}: {} {}: {status} {text}",
            p.what, p.method, p.path
        ));
    }
    if status.is_client_error() {
        let body: Value = serde_json::from_str(&text).map_err(|_| {
            format!(
                "{}: {} {}: {status} with a non-JSON body {text:?}",
                p.what, p.method, p.path
            )
        })?;
        let ok = if p.path.starts_with("/oauth/") {
            body["error"].is_string()
        } else {
            body["status"] == status.as_u16()
                && body["code"].is_string()
                && body["message"].is_string()
                && body["contextId"].is_string()
        };
        if !ok {
            return Err(format!(
                "{}: {} {}: {status} without the error body: {text}",
                p.what, p.method, p.path
            ));
        }
    }
    Ok(status)
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_4xx_with_the_error_body_and_the_server_keeps_serving() {
    let sim = sim().await;
    let base = sim.base_url();
    let token = gcbridge_testkit::sim::admin_token(&base).await;
    let id = create(&base, &token).await;
    // No connection reuse: a connection the server closed after an early answer (see below) must
    // not be picked for the next probe.
    let client = Client::builder().pool_max_idle_per_host(0).build().unwrap();

    // (method, path, takes a JSON body)
    let routes: Vec<(Method, String, bool)> = vec![
        (Method::POST, "/oauth/token".into(), false),
        (Method::GET, "/api/v2/organizations/me".into(), false),
        (Method::GET, "/api/v2/integrations".into(), false),
        (Method::POST, "/api/v2/integrations".into(), true),
        (Method::GET, format!("/api/v2/integrations/{id}"), false),
        (Method::PATCH, format!("/api/v2/integrations/{id}"), true),
        (
            Method::GET,
            format!("/api/v2/integrations/{id}/config/current"),
            false,
        ),
        (
            Method::PUT,
            format!("/api/v2/integrations/{id}/config/current"),
            true,
        ),
        (
            Method::GET,
            "/api/v2/integrations/types/amazon-eventbridge-source".into(),
            false,
        ),
        (
            Method::GET,
            "/api/v2/integrations/types/amazon-eventbridge-source/configschemas/properties".into(),
            false,
        ),
        (
            Method::GET,
            "/api/v2/notifications/availabletopics".into(),
            false,
        ),
        (
            Method::DELETE,
            "/api/v2/integrations/00000000-0000-0000-0000-000000000000".into(),
            false,
        ),
    ];
    let ten_mb = vec![b'{'; 10 * 1024 * 1024];
    let bodies: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        ("bad JSON", Some("application/json"), br#"{"name": "x", "#.to_vec()),
        ("JSON as text/plain", Some("text/plain"), br#"{"name": "x"}"#.to_vec()),
        ("JSON without a content type", None, br#"{"name": "x"}"#.to_vec()),
        ("form body", Some("application/x-www-form-urlencoded"), b"name=x".to_vec()),
        ("empty body", Some("application/json"), Vec::new()),
        ("a JSON array", Some("application/json"), b"[1, 2]".to_vec()),
        ("a JSON string", Some("application/json"), b"\"x\"".to_vec()),
        ("JSON null", Some("application/json"), b"null".to_vec()),
        ("invalid UTF-8", Some("application/json"), b"{\"name\": \"\xff\xfe\"}".to_vec()),
        ("a 10 MB body", Some("application/json"), ten_mb),
        ("deeply nested JSON", Some("application/json"), {
            let mut b = vec![b'['; 100_000];
            b.extend(vec![b']'; 100_000]);
            b
        }),
        ("wrong field types", Some("application/json"), br#"{"name": 5, "intendedState": [], "version": "x", "properties": 3, "integrationType": "x"}"#.to_vec()),
    ];

    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for (method, path, takes_body) in &routes {
        for (what, ct, body) in &bodies {
            let p = Probe {
                what: what.to_string(),
                method: method.clone(),
                path: path.clone(),
                content_type: *ct,
                body: body.clone(),
                headers: vec![],
            };
            match send(&client, &base, &token, &p).await {
                Ok(status) => {
                    // A route that reads a body must refuse every one of these.
                    if *takes_body && !status.is_client_error() {
                        failures.push(format!("{what}: {method} {path}: accepted with {status}"));
                    }
                    if *takes_body
                        && body.len() > 2 * 1024 * 1024
                        && status != StatusCode::PAYLOAD_TOO_LARGE
                    {
                        failures.push(format!("{what}: {method} {path}: {status}, expected 413"));
                    }
                    seen.push(format!("{status} {what}: {method} {path}"));
                }
                // Over the 2 MB body limit the emulator answers (400, or 200 where the route
                // reads no body) before the client has sent the rest, and hyper closes the
                // connection: the client may see a reset instead of the answer. Fine, as long as
                // the server keeps serving (checked below).
                Err(e) if body.len() > 2 * 1024 * 1024 && e.contains("no response") => {
                    seen.push(format!("closed early {what}: {method} {path}"));
                }
                Err(e) => failures.push(e),
            }
        }
    }

    // Unknown fields: the integration and config bodies are refused field by field where Genesys
    // refuses them; whatever the emulator decides, it is a 2xx or a 4xx with the error body.
    for (method, path, body) in [
        (
            Method::POST,
            "/api/v2/integrations".to_string(),
            json!({"name": "u", "integrationType": {"id": "amazon-eventbridge-source"}, "eventBridgeArn": "x"}),
        ),
        (
            Method::PATCH,
            format!("/api/v2/integrations/{id}"),
            json!({"intendedState": "DISABLED", "bogus": true}),
        ),
        (
            Method::PUT,
            format!("/api/v2/integrations/{id}/config/current"),
            json!({"version": 1, "properties": {"awsAccountId": "123456789012"}, "advanced": {}, "bogus": 1}),
        ),
    ] {
        let p = Probe {
            what: "unknown field".into(),
            method,
            path,
            content_type: Some("application/json"),
            body: serde_json::to_vec(&body).unwrap(),
            headers: vec![],
        };
        match send(&client, &base, &token, &p).await {
            Ok(status) => seen.push(format!("{status} unknown field: {} {}", p.method, p.path)),
            Err(e) => failures.push(e),
        }
    }

    // Odd paths, methods and headers.
    type Headers = Vec<(String, String)>;
    let odd: Vec<(Method, String, Headers)> = vec![
        (Method::GET, "/api/v2/integrations/%00".into(), vec![]),
        (
            Method::GET,
            "/api/v2/integrations/..%2f..%2fetc".into(),
            vec![],
        ),
        (
            Method::GET,
            format!("/api/v2/integrations/{}", "x".repeat(8000)),
            vec![],
        ),
        (
            Method::GET,
            "/api/v2/integrations?pageSize=-1&pageNumber=abc&expand=%ff".into(),
            vec![],
        ),
        (
            Method::GET,
            "/api/v2/integrations?pageSize=99999999999999999999".into(),
            vec![],
        ),
        (Method::POST, "/api/v2/organizations/me".into(), vec![]),
        (
            Method::from_bytes(b"BREW").unwrap(),
            "/api/v2/integrations".into(),
            vec![],
        ),
        (Method::GET, "/api/v2/nothing/here".into(), vec![]),
        (
            Method::GET,
            "/api/v2/integrations".into(),
            vec![("x-huge".into(), "h".repeat(60 * 1024))],
        ),
        (
            Method::GET,
            "/api/v2/integrations".into(),
            (0..90)
                .map(|i| (format!("x-many-{i}"), "v".into()))
                .collect(),
        ),
        (
            Method::GET,
            "/api/v2/integrations".into(),
            vec![("authorization".into(), "Bearer".into())],
        ),
        (
            Method::GET,
            "/api/v2/integrations".into(),
            vec![(
                "authorization".into(),
                format!("Bearer {}", "t".repeat(10_000)),
            )],
        ),
        (
            Method::POST,
            "/oauth/token".into(),
            vec![("authorization".into(), "Basic %%%".into())],
        ),
    ];
    for (method, path, headers) in odd {
        let replaces_auth = headers.iter().any(|(k, _)| k == "authorization");
        let p = Probe {
            what: "odd request".into(),
            method,
            path,
            content_type: None,
            body: Vec::new(),
            headers,
        };
        // The probe's own bearer token is overridden by an explicit authorization header.
        let tok = if replaces_auth { "" } else { token.as_str() };
        let result = if replaces_auth {
            let mut req = client.request(p.method.clone(), format!("{base}{}", p.path));
            for (k, v) in &p.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            match req.send().await {
                Ok(resp) if resp.status().is_server_error() => {
                    Err(format!("{} {}: {}", p.method, p.path, resp.status()))
                }
                Ok(resp) => Ok(resp.status()),
                Err(e) => Err(format!("{} {}: no response ({e})", p.method, p.path)),
            }
        } else {
            send(&client, &base, tok, &p).await
        };
        match result {
            Ok(status) => seen.push(format!("{status} odd: {} {:.80}", p.method, p.path)),
            Err(e) => failures.push(e),
        }
    }

    // Still serving, and the state is intact.
    let me = client
        .get(format!("{base}/api/v2/integrations/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "the emulator keeps serving");
    if std::env::var_os("SHOW_STATUSES").is_some() {
        eprintln!("{}", seen.join("\n"));
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A header far over the server's limit is refused by the HTTP layer itself (431, no JSON: the
/// request never reaches a route), and the emulator keeps serving.
#[tokio::test(flavor = "multi_thread")]
async fn oversized_headers_are_refused_and_the_server_keeps_serving() {
    let sim = sim().await;
    let base = sim.base_url();
    let client = Client::new();
    let resp = client
        .get(format!("{base}/api/v2/integrations"))
        .header("x-huge", "h".repeat(1024 * 1024))
        .send()
        .await;
    // hyper may also close the connection instead of answering.
    if let Ok(r) = resp {
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let token = gcbridge_testkit::sim::admin_token(&base).await;
    let r = client
        .get(format!("{base}/api/v2/organizations/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
