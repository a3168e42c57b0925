//! Shared by the client's tests: clients wired to the emulator (started by gcbridge-testkit; a
//! dev-dependency only, so genesys-client never depends on genesys-sim in a normal build), and a
//! scripted HTTP stub for the failures the emulator does not produce on demand (503s, arbitrary 429s).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gcbridge_testkit::http_stub::{HttpStub, StubRequest, StubResponse};
use genesys_client::{
    ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient, HttpPolicy,
};
use genesys_sim::{RunningSim, SimConfig, ADMIN_CLIENT_ID, DEFAULT_SECRET};

/// `err` is a 403 `Forbidden` naming the missing `permission` (what gcbridge tells the user to
/// grant).
#[track_caller]
pub fn assert_forbidden(err: &genesys_client::Error, permission: &str) {
    match err {
        genesys_client::Error::Forbidden { permission: p, .. } => {
            assert_eq!(p.as_deref(), Some(permission))
        }
        other => panic!("{other:?}"),
    }
}

pub fn env_source() -> CredentialSource {
    CredentialSource::Env {
        id_var: "GENESYS_CLIENT_ID".into(),
        secret_var: "GENESYS_CLIENT_SECRET".into(),
    }
}

/// A policy that keeps failing tests quick.
pub fn fast_policy() -> HttpPolicy {
    HttpPolicy {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(10),
        max_retry_elapsed: Duration::from_secs(20),
        max_retry_after: Duration::from_secs(10),
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_attempts: 5,
        deadline: Duration::from_secs(20),
    }
}

/// A client of `base_url` with the [`fast_policy`].
pub fn client_for(base_url: &str, id: &str, secret: &str) -> GenesysClient {
    client_with(base_url, id, secret, fast_policy())
}

/// A client of `base_url` with credentials from the environment-variable source and this retry
/// `policy`: the one way every test builds a client, whether it tunes the policy or not.
pub fn client_with(base_url: &str, id: &str, secret: &str, policy: HttpPolicy) -> GenesysClient {
    let endpoint = Endpoint::from_api_url(base_url, None).expect("a usable API URL");
    let mut cfg = ClientConfig::new(endpoint, Credentials::new(id, secret, env_source()));
    cfg.policy = policy;
    GenesysClient::new(cfg).expect("client builds")
}

/// The connect error of an `organization_me` call to a closed loopback port (the port is bound
/// then dropped, so it is very likely closed), as text, and the client, for its stats.
pub async fn refused_connection(policy: HttpPolicy) -> (String, GenesysClient) {
    let port = gcbridge_testkit::listeners::free_port();
    let client = client_with(&format!("http://127.0.0.1:{port}"), "id", "s3cret", policy);
    let err = client.organization_me().await.unwrap_err();
    assert!(
        matches!(err, genesys_client::Error::Connect { .. }),
        "{err:?}"
    );
    (err.to_string(), client)
}

pub use gcbridge_testkit::sim::start as start_sim;

pub fn sim_client(sim: &RunningSim, id: &str) -> GenesysClient {
    client_for(&sim.base_url(), id, DEFAULT_SECRET)
}

/// The emulator started with `config`, and a client of its admin OAuth client: how most emulator
/// tests begin.
pub async fn sim_with_admin(config: SimConfig) -> (RunningSim, GenesysClient) {
    let sim = start_sim(config).await;
    let client = sim_client(&sim, ADMIN_CLIENT_ID);
    (sim, client)
}

/// `GET /sim/v1/requests`.
pub async fn sim_requests(sim: &RunningSim) -> serde_json::Value {
    gcbridge_testkit::sim::requests(&sim.base_url()).await
}

/// One canned response of the stub.
pub type Canned = StubResponse;

/// What the stub received.
pub type Seen = StubRequest;

/// The shared loopback stub ([`HttpStub`]) playing a script: every request but the token call takes
/// the next canned response (the last one repeats).
pub struct Stub {
    http: HttpStub,
}

impl Stub {
    pub async fn start(script: Vec<Canned>) -> Stub {
        let script = Mutex::new(VecDeque::from(script));
        let next = move |_: &StubRequest| {
            let mut s = script.lock().unwrap();
            if s.len() > 1 {
                s.pop_front().unwrap()
            } else {
                s.front().cloned().expect("script is not empty")
            }
        };
        Stub {
            http: HttpStub::start(Arc::new(next)).await,
        }
    }

    pub fn base_url(&self) -> String {
        self.http.base_url()
    }

    /// Requests other than the token call.
    pub fn api_requests(&self) -> Vec<Seen> {
        self.http.api_requests()
    }

    pub fn all_requests(&self) -> Vec<Seen> {
        self.http.requests()
    }
}
