//! A fleet of orgs for the multi-org tests: an emulator config with one admin client per org,
//! the env holding their credentials, a config file with N destinations per org, and a direct
//! read of one org's integrations.

use std::fmt::Write as _;
use std::time::Duration;

use genesys_sim::{ClientSpec, OrgSpec, SimConfig};

use super::World;
use serde_json::Value;

pub const ALL_PERMISSIONS: &[&str] = &[
    "integrations:integration:add",
    "integrations:integration:view",
    "integrations:integration:edit",
    "integrations:integration:delete",
];

pub fn org_id(i: usize) -> String {
    format!("00000000-0000-4000-8000-{i:012}")
}

/// `n` orgs named org-0.., each with one admin client `org-N-admin` (secret `org-N-secret`).
pub fn fleet_config(n: usize) -> SimConfig {
    SimConfig {
        orgs: (0..n)
            .map(|i| OrgSpec {
                id: org_id(i),
                name: format!("org-{i}"),
                rate_limit_per_minute: None,
                clients: vec![ClientSpec {
                    id: format!("org-{i}-admin"),
                    secret: format!("org-{i}-secret"),
                    permissions: ALL_PERMISSIONS.iter().map(|s| s.to_string()).collect(),
                }],
            })
            .collect(),
        activation_delay: Duration::from_millis(50),
        ..SimConfig::default()
    }
}

/// The env with every org's credentials under ORG_N_ID / ORG_N_SECRET.
pub fn fleet_env(n: usize) -> Vec<(String, String)> {
    (0..n)
        .flat_map(|i| {
            [
                (format!("ORG_{i}_ID"), format!("org-{i}-admin")),
                (format!("ORG_{i}_SECRET"), format!("org-{i}-secret")),
            ]
        })
        .collect()
}

/// A config file: `orgs` [[org]] tables with `destinations` destinations each (12 topics each).
pub fn fleet_file(url: &str, orgs: usize, destinations: usize) -> String {
    let mut s = String::new();
    for i in 0..orgs {
        let _ = write!(
            s,
            "[[org]]\nname = \"org-{i}\"\napi_url = \"{url}\"\nclient_id_env = \"ORG_{i}_ID\"\nclient_secret_env = \"ORG_{i}_SECRET\"\n\n"
        );
        for d in 0..destinations {
            let _ = write!(
                s,
                "[[org.destination]]\nname = \"dest-{d}\"\naws_account_id = \"1234567890{d:02}\"\naws_region = \"us-east-1\"\nevent_source_suffix = \"org-{i}-dest-{d}\"\nevent_types = [\"routing\"]\ntopics = [\"v2.users.{{id}}.presence\"]\n\n"
            );
        }
    }
    s
}

/// A token of org `i`'s admin client.
pub async fn org_token(url: &str, i: usize) -> String {
    gcbridge_testkit::sim::token(url, &format!("org-{i}-admin"), &format!("org-{i}-secret")).await
}

/// Every integration of org `i` (up to 100), with its config.
pub async fn org_integrations(url: &str, i: usize) -> Vec<Value> {
    gcbridge_testkit::sim::integrations_as(url, &org_token(url, i).await).await
}

/// An emulator of `config`'s orgs, a working directory holding `file` with `dests` destinations
/// per org (`orgs` of them), and the env with every org's credentials; gcbridge runs get 300 s
/// (fault runs retry for a while).
pub async fn start(config: SimConfig, orgs: usize, dests: usize, file: &str) -> World {
    let mut w = World::new(super::sim_with(config).await, fleet_env(orgs));
    w.limit = Duration::from_secs(300);
    w.write(file, &fleet_file(&w.url, orgs, dests));
    w
}

/// The fleet of `orgs` orgs ([`fleet_config`]) with `dests` destinations each in gcbridge.toml
/// ([`start`]), applied (exit 0): where a test of what follows an apply starts.
pub async fn applied(orgs: usize, dests: usize) -> World {
    let f = start(fleet_config(orgs), orgs, dests, "gcbridge.toml").await;
    let out = f.apply("gcbridge.toml", &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    f
}
