//! The emulator for tests: started in-process on `127.0.0.1:0`, tokens fetched directly from
//! `/oauth/token`, and the control API under `/sim/v1` (request counters, reset, faults).
//! Every helper takes the emulator's base URL, so it serves a `RunningSim` and a `gcbridge sim`
//! subprocess alike; every call panics on a transport error or a non-2xx answer.
//!
//! Quirks for a whole suite: with [`QUIRKS_ENV`] (`GCBRIDGE_TEST_SIM_QUIRKS`) set, e.g. to `all`
//! or `no-expand,consistency-lag=1500`, every emulator [`start`] starts gets those quirks added,
//! and [`subprocess_env`] hands them to `gcbridge sim` subprocesses as `GCBRIDGE_SIM_QUIRKS`.
//! [`start_exact`] starts the config as given (the emulator's own tests of its defaults).

use std::time::Duration;

use genesys_sim::{Quirks, RunningSim, SimConfig};
use serde_json::Value;

pub use genesys_sim::{
    ADMIN_CLIENT_ID as ADMIN, DEFAULT_SECRET as SECRET, VIEWER_CLIENT_ID as VIEWER,
};

/// The env var that adds quirks to every emulator a test starts.
pub const QUIRKS_ENV: &str = "GCBRIDGE_TEST_SIM_QUIRKS";
/// The env var `gcbridge sim` reads its extra quirks from.
pub const SIM_QUIRKS_ENV: &str = "GCBRIDGE_SIM_QUIRKS";

/// The quirks [`QUIRKS_ENV`] asks for (none when unset); panics when it names an unknown one.
pub fn env_quirks() -> Quirks {
    match std::env::var(QUIRKS_ENV) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|e| panic!("{QUIRKS_ENV}={v:?}: {e}")),
        Err(_) => Quirks::default(),
    }
}

/// The env a `gcbridge sim` subprocess needs to play the suite's quirks (empty without them).
pub fn subprocess_env() -> Vec<(&'static str, String)> {
    let quirks = env_quirks();
    if quirks.is_empty() {
        Vec::new()
    } else {
        vec![(SIM_QUIRKS_ENV, quirks.to_string())]
    }
}

/// Starts an emulator with `config` plus the quirks of [`QUIRKS_ENV`] on a free loopback port.
pub async fn start(mut config: SimConfig) -> RunningSim {
    config.quirks.merge(&env_quirks());
    start_exact(config).await
}

/// Starts an emulator with exactly `config` (no quirks from the env) on a free loopback port.
pub async fn start_exact(config: SimConfig) -> RunningSim {
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

/// Sends `method path` (a JSON `body` when given, `token` as bearer when given) to the emulator
/// at `base`; panics on a transport error or a non-2xx status, showing the body.
pub async fn api(
    method: reqwest::Method,
    base: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut req = reqwest::Client::new().request(method.clone(), format!("{base}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = r.status();
    if !status.is_success() {
        let text = r.text().await.unwrap_or_default();
        panic!("{method} {path}: {status} {text}");
    }
    r
}

/// `api` for a JSON answer.
async fn api_json(method: reqwest::Method, base: &str, path: &str, token: Option<&str>) -> Value {
    api(method.clone(), base, path, token, None)
        .await
        .json()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: the answer is not JSON ({e})"))
}

/// `GET /sim/v1/requests`: the request counters (`total`, `writes`, `byRoute`, ...).
pub async fn requests(base: &str) -> Value {
    api_json(reqwest::Method::GET, base, "/sim/v1/requests", None).await
}

/// The number of write requests the emulator has answered.
pub async fn writes(base: &str) -> u64 {
    requests(base).await["writes"].as_u64().expect("writes")
}

/// `DELETE /sim/v1/requests`: the counters start again from zero.
pub async fn clear_requests(base: &str) {
    api(
        reqwest::Method::DELETE,
        base,
        "/sim/v1/requests",
        None,
        None,
    )
    .await;
}

/// `POST /sim/v1/events`: the emulator publishes `count` events now for each ACTIVE integration
/// whose suffix is `suffix` (PutPartnerEvents to its EventBridge endpoint); answers what it put.
pub async fn publish(base: &str, suffix: &str, count: u32) -> Value {
    post_events(
        base,
        &serde_json::json!({ "count": count, "suffix": suffix }),
    )
    .await
}

/// [`publish`] for every ACTIVE integration, whatever its suffix.
pub async fn publish_all(base: &str, count: u32) -> Value {
    post_events(base, &serde_json::json!({ "count": count })).await
}

async fn post_events(base: &str, body: &Value) -> Value {
    let answer = api(
        reqwest::Method::POST,
        base,
        "/sim/v1/events",
        None,
        Some(body),
    )
    .await;
    answer.json().await.expect("the publish answer is JSON")
}

/// `POST /sim/v1/reset`: back to the configured orgs, with no integration.
pub async fn reset(base: &str) {
    api(reqwest::Method::POST, base, "/sim/v1/reset", None, None).await;
}

/// `POST /sim/v1/tokens/revoke`: every token issued so far stops working.
pub async fn revoke_tokens(base: &str) {
    api(
        reqwest::Method::POST,
        base,
        "/sim/v1/tokens/revoke",
        None,
        None,
    )
    .await;
}

/// `PUT /sim/v1/faults`: replaces the fault rules with `rules` (a JSON array).
pub async fn set_faults(base: &str, rules: &Value) {
    api(
        reqwest::Method::PUT,
        base,
        "/sim/v1/faults",
        None,
        Some(rules),
    )
    .await;
}

/// `DELETE /sim/v1/faults`: no more faults.
pub async fn clear_faults(base: &str) {
    api(reqwest::Method::DELETE, base, "/sim/v1/faults", None, None).await;
}

/// Every live integration (up to 100) of the org `token` belongs to, as JSON with its config under
/// `config.current`, as a real client must read them: an entity the list returns without its config
/// (the `no-expand` quirk) has it read on its own, and one that is being deleted (`intendedState`
/// DELETED, the `deleted-linger` quirk) is not live.
pub async fn integrations_as(base: &str, token: &str) -> Vec<Value> {
    let path = "/api/v2/integrations?pageSize=100&expand=config.current";
    let v = api_json(reqwest::Method::GET, base, path, Some(token)).await;
    let mut out = Vec::new();
    for mut entity in v["entities"].as_array().expect("entities").clone() {
        if entity["intendedState"] == "DELETED" {
            continue;
        }
        if entity["config"]["current"].is_null() {
            let id = entity["id"].as_str().expect("an id").to_string();
            let path = format!("/api/v2/integrations/{id}/config/current");
            let config = api_json(reqwest::Method::GET, base, &path, Some(token)).await;
            entity["config"] = serde_json::json!({ "current": config });
        }
        out.push(entity);
    }
    out
}

/// Every integration (up to 100) of the default org, as its admin sees them.
pub async fn integrations(base: &str) -> Vec<Value> {
    integrations_as(base, &admin_token(base).await).await
}

/// `POST /api/v2/integrations` as the default org's admin: an EventBridge integration `name`
/// with no config, never enabled, as a run that died right after its create leaves one behind.
pub async fn create_bare_integration(base: &str, name: &str) {
    let body =
        serde_json::json!({"name": name, "integrationType": {"id": "amazon-eventbridge-source"}});
    let token = admin_token(base).await;
    let path = "/api/v2/integrations";
    api(reqwest::Method::POST, base, path, Some(&token), Some(&body)).await;
}

/// The id of the default org's integration `name`; panics when there is none.
pub async fn integration_id(base: &str, name: &str) -> String {
    integrations(base)
        .await
        .into_iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no integration {name}"))["id"]
        .as_str()
        .expect("an id")
        .to_string()
}

/// `PATCH /api/v2/integrations/{id}` `{"intendedState": state}` as the default org's admin, as
/// someone disabling or enabling it by hand in Genesys Cloud would.
pub async fn set_intended_state(base: &str, id: &str, state: &str) {
    let body = serde_json::json!({ "intendedState": state });
    let token = admin_token(base).await;
    let path = format!("/api/v2/integrations/{id}");
    api(
        reqwest::Method::PATCH,
        base,
        &path,
        Some(&token),
        Some(&body),
    )
    .await;
}
