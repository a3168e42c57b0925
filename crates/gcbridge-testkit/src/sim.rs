//! The emulator for tests: started in-process on `127.0.0.1:0`, tokens fetched directly from
//! `/oauth/token`, and the control API under `/sim/v1` (request counters, reset, faults).
//! Every helper takes the emulator's base URL, so it serves a `RunningSim` and a `gcbridge sim`
//! subprocess alike; every call panics on a transport error or a non-2xx answer.

use std::time::Duration;

use genesys_sim::{RunningSim, SimConfig};
use serde_json::Value;

pub use genesys_sim::{
    ADMIN_CLIENT_ID as ADMIN, DEFAULT_SECRET as SECRET, VIEWER_CLIENT_ID as VIEWER,
};

/// Starts an emulator with `config` on a free loopback port.
pub async fn start(config: SimConfig) -> RunningSim {
    genesys_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("the emulator starts on 127.0.0.1:0")
}

/// The default emulator with integrations that activate after `activation_delay`.
pub fn quick_config(activation_delay: Duration) -> SimConfig {
    SimConfig {
        activation_delay,
        ..SimConfig::default()
    }
}

/// The `POST /oauth/token` request (client credentials, HTTP Basic) of `client_id`, unsent, for
/// tests that look at the response itself.
pub fn token_request(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    secret: &str,
) -> reqwest::RequestBuilder {
    http.post(format!("{base}/oauth/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
}

/// An access token of `client_id` / `secret`; panics unless the emulator issues one.
pub async fn token(base: &str, client_id: &str, secret: &str) -> String {
    let r = token_request(&reqwest::Client::new(), base, client_id, secret)
        .send()
        .await
        .expect("POST /oauth/token");
    let status = r.status();
    let body: Value = r.json().await.expect("the token response is JSON");
    assert!(
        status.is_success(),
        "token for {client_id}: {status} {body}"
    );
    body["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no access_token in {body}"))
        .to_string()
}

/// A token of the default org's admin client.
pub async fn admin_token(base: &str) -> String {
    token(base, ADMIN, SECRET).await
}

async fn send(req: reqwest::RequestBuilder, what: &str) -> reqwest::Response {
    let r = req.send().await.unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = r.status();
    if !status.is_success() {
        let body = r.text().await.unwrap_or_default();
        panic!("{what}: {status} {body}");
    }
    r
}

/// `GET /sim/v1/requests`: the request counters (`total`, `writes`, `byRoute`, ...).
pub async fn requests(base: &str) -> Value {
    let url = format!("{base}/sim/v1/requests");
    send(reqwest::Client::new().get(&url), "GET /sim/v1/requests")
        .await
        .json()
        .await
        .expect("the counters are JSON")
}

/// The number of write requests the emulator has answered.
pub async fn writes(base: &str) -> u64 {
    requests(base).await["writes"].as_u64().expect("writes")
}

/// `DELETE /sim/v1/requests`: the counters start again from zero.
pub async fn clear_requests(base: &str) {
    let url = format!("{base}/sim/v1/requests");
    send(
        reqwest::Client::new().delete(&url),
        "DELETE /sim/v1/requests",
    )
    .await;
}

/// `POST /sim/v1/reset`: back to the configured orgs, with no integration.
pub async fn reset(base: &str) {
    let url = format!("{base}/sim/v1/reset");
    send(reqwest::Client::new().post(&url), "POST /sim/v1/reset").await;
}

/// `PUT /sim/v1/faults`: replaces the fault rules with `rules` (a JSON array).
pub async fn set_faults(base: &str, rules: &Value) {
    let url = format!("{base}/sim/v1/faults");
    send(
        reqwest::Client::new().put(&url).json(rules),
        "PUT /sim/v1/faults",
    )
    .await;
}

/// `DELETE /sim/v1/faults`: no more faults.
pub async fn clear_faults(base: &str) {
    let url = format!("{base}/sim/v1/faults");
    send(reqwest::Client::new().delete(&url), "DELETE /sim/v1/faults").await;
}

/// Every integration (up to 100) of the org `token` belongs to, as JSON with config expanded.
pub async fn integrations_as(base: &str, token: &str) -> Vec<Value> {
    let url = format!("{base}/api/v2/integrations?pageSize=100&expand=config.current");
    let v: Value = send(
        reqwest::Client::new().get(&url).bearer_auth(token),
        "GET /api/v2/integrations",
    )
    .await
    .json()
    .await
    .expect("the integrations are JSON");
    v["entities"].as_array().expect("entities").clone()
}

/// Every integration (up to 100) of the default org, as its admin sees them.
pub async fn integrations(base: &str) -> Vec<Value> {
    integrations_as(base, &admin_token(base).await).await
}

/// `POST /sim/v1/tokens/revoke`: every token issued so far stops working.
pub async fn revoke_tokens(base: &str) {
    let url = format!("{base}/sim/v1/tokens/revoke");
    send(
        reqwest::Client::new().post(&url),
        "POST /sim/v1/tokens/revoke",
    )
    .await;
}
