//! Drives the emulator (a real loopback server, started once) with arbitrary methods, paths,
//! query strings, headers and bodies. No request may panic a handler (the connection would drop)
//! or get a 5xx, and every 4xx under /api/v2 carries the Genesys error body (under /oauth, the
//! OAuth error body). The /sim/v1 test routes are left alone: they reset state and inject faults
//! on purpose.
#![no_main]
use std::sync::OnceLock;
use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct World {
    rt: tokio::runtime::Runtime,
    base: String,
    token: String,
    id: String,
    client: reqwest::Client,
    _sim: genesys_sim::RunningSim,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (sim, token, id) = rt.block_on(async {
            let sim = genesys_sim::start(
                genesys_sim::SimConfig {
                    rate_limit_per_minute: u32::MAX / 2,
                    activation_delay: Duration::from_millis(1),
                    ..Default::default()
                },
                "127.0.0.1:0".parse().unwrap(),
            )
            .await
            .unwrap();
            let base = sim.base_url();
            let client = reqwest::Client::new();
            // Both set-up calls answer JSON; a set-up failure is a broken harness, not a finding.
            let json_of = |req: reqwest::RequestBuilder| async move {
                let bytes = req.send().await.unwrap().bytes().await.unwrap();
                serde_json::from_slice::<Value>(&bytes).unwrap()
            };
            let v = json_of(
                client
                    .post(format!("{base}/oauth/token"))
                    .basic_auth(
                        genesys_sim::ADMIN_CLIENT_ID,
                        Some(genesys_sim::DEFAULT_SECRET),
                    )
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body("grant_type=client_credentials"),
            )
            .await;
            let token = v["access_token"].as_str().unwrap().to_string();
            let created = json_of(
                client
                    .post(format!("{base}/api/v2/integrations"))
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(
                        r#"{"name":"fuzz","integrationType":{"id":"amazon-eventbridge-source"}}"#,
                    ),
            )
            .await;
            let id = created["id"].as_str().unwrap().to_string();
            (sim, token, id)
        });
        World {
            base: sim.base_url(),
            rt,
            token,
            id,
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            _sim: sim,
        }
    })
}

#[derive(Debug, Arbitrary)]
enum Path {
    Token,
    Me,
    Integrations,
    Integration(Option<String>),
    Config(Option<String>),
    Type(String),
    Schema(String, String),
    Topics,
    Raw(String),
}

#[derive(Debug, Arbitrary)]
struct Req {
    method: u8,
    custom_method: String,
    path: Path,
    query: Vec<(String, String)>,
    auth: u8,
    content_type: u8,
    custom_content_type: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const CONTENT_TYPES: [&str; 4] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/json; charset=utf-8",
];

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fuzz_target!(|r: Req| {
    let w = world();
    let id = |o: &Option<String>| o.as_deref().map(enc).unwrap_or_else(|| w.id.clone());
    let path = match &r.path {
        Path::Token => "/oauth/token".to_string(),
        Path::Me => "/api/v2/organizations/me".into(),
        Path::Integrations => "/api/v2/integrations".into(),
        Path::Integration(i) => format!("/api/v2/integrations/{}", id(i)),
        Path::Config(i) => format!("/api/v2/integrations/{}/config/current", id(i)),
        Path::Type(t) => format!("/api/v2/integrations/types/{}", enc(t)),
        Path::Schema(t, c) => format!(
            "/api/v2/integrations/types/{}/configschemas/{}",
            enc(t),
            enc(c)
        ),
        Path::Topics => "/api/v2/notifications/availabletopics".into(),
        Path::Raw(p) => format!("/{}", p.split('/').map(enc).collect::<Vec<_>>().join("/")),
    };
    if path.starts_with("/sim") || path.to_ascii_lowercase().contains("/sim/") {
        return;
    }
    let mut url = format!("{}{path}", w.base);
    if !r.query.is_empty() {
        let q: Vec<String> = r
            .query
            .iter()
            .take(8)
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        url.push('?');
        url.push_str(&q.join("&"));
    }
    let method = match METHODS.get(r.method as usize % (METHODS.len() + 1)) {
        Some(m) => reqwest::Method::from_bytes(m.as_bytes()).unwrap(),
        None => match reqwest::Method::from_bytes(r.custom_method.as_bytes()) {
            Ok(m) => m,
            Err(_) => return,
        },
    };
    // HEAD answers carry no body to check.
    let head = method == reqwest::Method::HEAD;
    let mut req = w.client.request(method.clone(), &url).body(r.body.clone());
    req = match r.auth % 4 {
        0 => req.bearer_auth(&w.token),
        1 => req.basic_auth(
            genesys_sim::ADMIN_CLIENT_ID,
            Some(genesys_sim::DEFAULT_SECRET),
        ),
        2 => req.bearer_auth("not-a-token"),
        _ => req,
    };
    match CONTENT_TYPES.get(r.content_type as usize % (CONTENT_TYPES.len() + 2)) {
        Some(ct) => req = req.header("content-type", *ct),
        None if r.content_type % 2 == 0 => {
            if let Ok(v) = reqwest::header::HeaderValue::from_str(&r.custom_content_type) {
                req = req.header("content-type", v);
            }
        }
        None => {}
    }
    for (k, v) in r.headers.iter().take(8) {
        let lk = k.to_ascii_lowercase();
        // Framing headers would make the request itself malformed (hyper's business, not ours).
        if [
            "content-length",
            "transfer-encoding",
            "host",
            "connection",
            "expect",
            "upgrade",
            "te",
        ]
        .contains(&lk.as_str())
        {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            reqwest::header::HeaderName::from_bytes(k.as_bytes()),
            reqwest::header::HeaderValue::from_str(v),
        ) {
            req = req.header(name, value);
        }
    }
    let (status, body) = w.rt.block_on(async {
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: no response (a handler panicked?): {e}"));
        let status = resp.status();
        (status, resp.bytes().await.unwrap_or_default())
    });
    assert!(
        !status.is_server_error(),
        "{method} {url}: {status} {}",
        String::from_utf8_lossy(&body)
    );
    if status.is_client_error() && !head {
        let v: Value = serde_json::from_slice(&body).unwrap_or_else(|_| {
            panic!(
                "{method} {url}: {status} with a non-JSON body {:?}",
                String::from_utf8_lossy(&body)
            )
        });
        let genesys_body =
            v["status"] == status.as_u16() && v["code"].is_string() && v["message"].is_string();
        if path.starts_with("/oauth/") {
            // The token route's own errors use the OAuth body; the router's (a wrong method, 405)
            // use the Genesys body, as the emulator's other routes do.
            assert!(
                v["error"].is_string() || genesys_body,
                "{method} {url}: {status} {v}"
            );
        } else {
            assert!(
                genesys_body,
                "{method} {url}: {status} without the Genesys error body: {v}"
            );
        }
    }
});
