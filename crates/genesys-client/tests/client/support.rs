//! Shared by the client's tests: clients wired to the emulator (started by gcbridge-testkit; a
//! dev-dependency only, so genesys-client never depends on genesys-sim in a normal build), and a
//! scripted HTTP stub for the failures the emulator does not produce on demand (503s, arbitrary 429s).

#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use genesys_client::{
    ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient, HttpPolicy,
};
use genesys_sim::{RunningSim, DEFAULT_SECRET};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

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

pub fn client_for(base_url: &str, id: &str, secret: &str) -> GenesysClient {
    let endpoint = Endpoint::from_api_url(base_url, None).expect("loopback URL");
    let mut cfg = ClientConfig::new(endpoint, Credentials::new(id, secret, env_source()));
    cfg.policy = fast_policy();
    GenesysClient::new(cfg).expect("client builds")
}

pub use gcbridge_testkit::sim::start as start_sim;

pub fn sim_client(sim: &RunningSim, id: &str) -> GenesysClient {
    client_for(&sim.base_url(), id, DEFAULT_SECRET)
}

/// `GET /sim/v1/requests`.
pub async fn sim_requests(sim: &RunningSim) -> serde_json::Value {
    gcbridge_testkit::sim::requests(&sim.base_url()).await
}

/// One canned response of the stub.
#[derive(Clone)]
pub struct Canned {
    pub delay: Duration,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Canned {
    pub fn json(status: u16, body: serde_json::Value) -> Canned {
        Canned {
            delay: Duration::ZERO,
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }

    pub fn delayed(mut self, d: Duration) -> Canned {
        self.delay = d;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Canned {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What the stub received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: String,
    pub body: String,
}

/// A tiny HTTP/1.1 server: `/oauth/token` always issues a token; every other request takes the
/// next canned response (the last one repeats).
pub struct Stub {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Stub {
    pub async fn start(script: Vec<Canned>) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let seen2 = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let seen = seen2.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut sock).await else {
                        return;
                    };
                    let canned = if req.path == "/oauth/token" {
                        Canned::json(
                            200,
                            serde_json::json!({"access_token": "stub-token", "token_type": "bearer", "expires_in": 86400}),
                        )
                    } else {
                        let mut s = script.lock().unwrap();
                        if s.len() > 1 {
                            s.pop_front().unwrap()
                        } else {
                            s.front().cloned().expect("script is not empty")
                        }
                    };
                    seen.lock().unwrap().push(req);
                    tokio::time::sleep(canned.delay).await;
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                        canned.status,
                        canned.body.len()
                    );
                    for (k, v) in &canned.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    out.push_str(&canned.body);
                    let _ = sock.write_all(out.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Stub { addr, seen }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests other than the token call.
    pub fn api_requests(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path != "/oauth/token")
            .cloned()
            .collect()
    }

    pub fn all_requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.lines().next()?.split_whitespace();
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let path = target.split('?').next().unwrap_or("").to_string();
    Some(Seen {
        method,
        path,
        headers: head,
        body: String::from_utf8_lossy(&buf[head_end..]).to_string(),
    })
}
