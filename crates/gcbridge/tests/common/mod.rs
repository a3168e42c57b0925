//! Shared harness of the CLI tests: an emulator on loopback, the gcbridge binary as a subprocess
//! with a clean environment, and the emulator's request counters.

#![allow(dead_code)]

pub mod fleet;

use std::path::Path;
use std::time::Duration;

use genesys_sim::{RunningSim, SimConfig};
use serde_json::Value;

pub const ADMIN: &str = genesys_sim::ADMIN_CLIENT_ID;
pub const VIEWER: &str = genesys_sim::VIEWER_CLIENT_ID;
pub const SECRET: &str = genesys_sim::DEFAULT_SECRET;

pub async fn sim() -> RunningSim {
    sim_with(SimConfig {
        activation_delay: Duration::from_millis(100),
        ..SimConfig::default()
    })
    .await
}

pub async fn sim_with(config: SimConfig) -> RunningSim {
    genesys_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("the emulator starts")
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs gcbridge in `dir` with only the given env vars (plus PATH), stdin closed (not a terminal).
pub async fn gcbridge(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    gcbridge_within(dir, env, args, Duration::from_secs(60)).await
}

/// `gcbridge` with an explicit time limit (fault tests retry for a while).
pub async fn gcbridge_within(
    dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    limit: Duration,
) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_gcbridge"));
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = tokio::time::timeout(limit, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("gcbridge finished within {}s", limit.as_secs()))
        .expect("gcbridge runs");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The env that points gcbridge at `sim` as `client`.
pub fn env_for<'a>(sim: &'a RunningSim, url: &'a str, client: &'a str) -> Vec<(&'a str, &'a str)> {
    let _ = sim;
    vec![
        ("GENESYS_API_URL", url),
        ("GENESYS_CLIENT_ID", client),
        ("GENESYS_CLIENT_SECRET", SECRET),
    ]
}

pub async fn counters(base: &str) -> Value {
    reqwest::get(format!("{base}/sim/v1/requests"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub async fn writes(base: &str) -> u64 {
    counters(base).await["writes"].as_u64().unwrap()
}

pub async fn clear_counters(base: &str) {
    reqwest::Client::new()
        .delete(format!("{base}/sim/v1/requests"))
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
}

/// A token for `client_id` / `secret`, fetched directly from the emulator.
pub async fn token(base: &str, client_id: &str, secret: &str) -> String {
    let v: Value = reqwest::Client::new()
        .post(format!("{base}/oauth/token"))
        .basic_auth(client_id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["access_token"].as_str().unwrap().to_string()
}

/// An admin token, for arranging state directly through the API.
pub async fn admin_token(base: &str) -> String {
    token(base, ADMIN, SECRET).await
}

/// Every integration (up to 100) of the org `token` belongs to, as JSON with config expanded.
pub async fn integrations_as(base: &str, token: &str) -> Vec<Value> {
    let v: Value = reqwest::Client::new()
        .get(format!(
            "{base}/api/v2/integrations?pageSize=100&expand=config.current"
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["entities"].as_array().unwrap().clone()
}

/// Every integration of the default org (up to 100), as JSON with config expanded.
pub async fn integrations(base: &str) -> Vec<Value> {
    integrations_as(base, &admin_token(base).await).await
}
