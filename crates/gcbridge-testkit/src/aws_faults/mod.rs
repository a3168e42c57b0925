//! A fault-injecting HTTP proxy in front of moto, the AWS half's fault matrix: bound on
//! `127.0.0.1:0`, it forwards every request to moto unless a [`FaultRule`] picks it, and then
//! answers as AWS does under load (a throttle, a 500 `InternalFailure`), drops the connection,
//! forwards it late, or answers a given error or body (`AwsFault::Error`, `AwsFault::Answer`:
//! what real AWS says where moto cannot, such as a role IAM has not propagated yet). A test points gcbridge's AWS endpoint (`--aws-endpoint`) at [`AwsFaultProxy::url`]
//! and keeps its own clients on moto itself.
//!
//! Requests are counted per `service:Action` (`events:PutRule`, `sqs:SetQueueAttributes`,
//! `sts:GetCallerIdentity`, `lambda:AddPermission`): how many arrived and how many got a fault.
//! The first matching rule decides; a rule counts its own matching requests (see `rule.rs`).

mod protocol;
mod rule;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub use protocol::Protocol;
pub use rule::{AwsFault, FaultRule, Which};

/// Requests of one `service:Action` so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionCount {
    pub requests: u64,
    /// Of those, how many got an error answer or a dropped connection.
    pub injected: u64,
    /// Of those, how many were answered late.
    pub delayed: u64,
}

struct Installed {
    rule: FaultRule,
    /// Matching requests so far, for the rule's range.
    seen: u64,
}

struct State {
    rules: Vec<Installed>,
    counts: BTreeMap<String, ActionCount>,
    draws: rule::Draws,
}

/// A running proxy; it serves until the test's runtime ends.
pub struct AwsFaultProxy {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// Why a request was not forwarded: the service then drops the connection.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the AWS fault proxy")
    }
}

impl std::error::Error for Dropped {}

impl AwsFaultProxy {
    /// A proxy to `upstream` (moto's `http://127.0.0.1:PORT`) with `rules`; `seed` drives the
    /// fraction rules.
    pub async fn start(upstream: &str, rules: Vec<FaultRule>, seed: u64) -> AwsFaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            rules: install(rules),
            counts: BTreeMap::new(),
            draws: rule::Draws::new(seed),
        }));
        let forward = Forward {
            client: reqwest::Client::builder().no_proxy().build().unwrap(),
            upstream: upstream.trim_end_matches('/').to_string(),
            state: state.clone(),
        };
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let forward = forward.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let forward = forward.clone();
                        async move { forward.handle(req).await }
                    });
                    // An error here is a dropped connection (ours, or the client's): nothing to do.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(sock), service)
                        .await;
                });
            }
        });
        AwsFaultProxy { addr, state }
    }

    /// The endpoint to give gcbridge (`--aws-endpoint`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the rules (their counts start again); `[]` lets everything through.
    pub fn set_rules(&self, rules: Vec<FaultRule>) {
        self.state.lock().unwrap().rules = install(rules);
    }

    /// No more faults: every request is forwarded.
    pub fn clear(&self) {
        self.set_rules(Vec::new());
    }

    /// Every `service:Action` seen so far and its counts.
    pub fn counts(&self) -> BTreeMap<String, ActionCount> {
        self.state.lock().unwrap().counts.clone()
    }

    /// The counts of `action` (`PutRule` summed over services, or `events:PutRule`).
    pub fn count(&self, action: &str) -> ActionCount {
        let probe = FaultRule::new(AwsFault::Drop).action(action);
        self.counts()
            .iter()
            .filter(|(key, _)| probe.matches(key))
            .fold(ActionCount::default(), |a, (_, c)| ActionCount {
                requests: a.requests + c.requests,
                injected: a.injected + c.injected,
                delayed: a.delayed + c.delayed,
            })
    }

    /// Error answers and dropped connections so far, over every action (delays not included).
    pub fn injected(&self) -> u64 {
        self.counts().values().map(|c| c.injected).sum()
    }

    /// Late answers so far, over every action.
    pub fn delayed(&self) -> u64 {
        self.counts().values().map(|c| c.delayed).sum()
    }

    /// Requests so far, over every action.
    pub fn requests(&self) -> u64 {
        self.counts().values().map(|c| c.requests).sum()
    }

    /// Forgets the counts (the rules keep theirs).
    pub fn reset_counts(&self) {
        self.state.lock().unwrap().counts.clear();
    }
}

fn install(rules: Vec<FaultRule>) -> Vec<Installed> {
    rules
        .into_iter()
        .map(|rule| Installed { rule, seen: 0 })
        .collect()
}

#[derive(Clone)]
struct Forward {
    client: reqwest::Client,
    upstream: String,
    state: Arc<Mutex<State>>,
}

impl Forward {
    async fn handle(&self, req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Dropped> {
        let (parts, body) = req.into_parts();
        let body = body.collect().await.map_err(|_| Dropped)?.to_bytes();
        let (key, protocol) =
            protocol::classify(&parts.method, parts.uri.path(), &parts.headers, &body);
        let fault = self.decide(&key);
        match fault {
            Some(AwsFault::Throttle) => Ok(answer(protocol::throttle(protocol, &parts.headers))),
            Some(AwsFault::InternalFailure) => {
                Ok(answer(protocol::internal_failure(protocol, &parts.headers)))
            }
            Some(AwsFault::Error {
                status,
                code,
                message,
            }) => Ok(answer(protocol::error(
                protocol,
                &parts.headers,
                status,
                &code,
                &message,
            ))),
            Some(AwsFault::Answer { status, body }) => {
                Ok(answer(protocol::json_answer(&parts.headers, status, &body)))
            }
            Some(AwsFault::Drop) => Err(Dropped),
            Some(AwsFault::Delay(d)) => {
                tokio::time::sleep(d).await;
                self.forward(parts, body).await
            }
            None => self.forward(parts, body).await,
        }
    }

    /// Counts the request and picks its fault (the first matching rule that hits).
    fn decide(&self, key: &str) -> Option<AwsFault> {
        let mut state = self.state.lock().unwrap();
        let State {
            rules,
            counts,
            draws,
        } = &mut *state;
        let count = counts.entry(key.to_string()).or_default();
        count.requests += 1;
        let mut picked = None;
        for installed in rules.iter_mut().filter(|i| i.rule.matches(key)) {
            installed.seen += 1;
            if picked.is_none() && installed.rule.hits(installed.seen, || draws.next()) {
                picked = Some(installed.rule.fault.clone());
            }
        }
        match picked {
            Some(AwsFault::Delay(_)) => count.delayed += 1,
            Some(_) => count.injected += 1,
            None => {}
        }
        picked
    }

    async fn forward(
        &self,
        parts: hyper::http::request::Parts,
        body: Bytes,
    ) -> Result<Response<Full<Bytes>>, Dropped> {
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut headers = parts.headers.clone();
        without_hop_by_hop(&mut headers);
        let sent = self
            .client
            .request(parts.method, format!("{}{path}", self.upstream))
            .headers(headers)
            .body(body)
            .send()
            .await;
        // moto unreachable: the client sees what it would see of a dead endpoint.
        let sent = sent.map_err(|_| Dropped)?;
        let mut out = Response::builder().status(sent.status());
        for (k, v) in sent.headers() {
            if !protocol::hop_by_hop(k.as_str()) {
                out = out.header(k, v);
            }
        }
        let bytes = sent.bytes().await.map_err(|_| Dropped)?;
        Ok(out.body(Full::new(bytes)).unwrap())
    }
}

/// Removes the hop-by-hop headers of a map.
fn without_hop_by_hop(headers: &mut hyper::HeaderMap) {
    let drop: Vec<_> = headers
        .keys()
        .filter(|k| protocol::hop_by_hop(k.as_str()))
        .cloned()
        .collect();
    for k in drop {
        headers.remove(k);
    }
}

fn answer(a: protocol::ErrorAnswer) -> Response<Full<Bytes>> {
    let mut out = Response::builder().status(a.status);
    for (k, v) in &a.headers {
        if let Some(v) = protocol::value(v) {
            out = out.header(*k, v);
        }
    }
    out.body(Full::new(Bytes::from(a.body))).unwrap()
}
