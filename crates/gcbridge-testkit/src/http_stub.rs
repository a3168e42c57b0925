//! A scripted HTTP/1.1 server on loopback, for the answers no emulator gives on demand (a 503 storm, a
//! list that ignores `expand`, a conflict that never ends): `/oauth/token` always issues a token, every
//! other request gets what the test's responder says, and every request (the token call included) is
//! recorded. The client's tests and core's API-variant tests both script it; it speaks just enough
//! HTTP for reqwest (one request per connection, `connection: close`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The token every stub issues.
pub const STUB_TOKEN: &str = "stub-token";

/// One request as the stub read it.
#[derive(Debug, Clone)]
pub struct StubRequest {
    pub method: String,
    /// The path without the query.
    pub path: String,
    pub query: String,
    /// The request line and headers, as sent.
    pub head: String,
    pub body: String,
}

/// One answer: a JSON body with a status, extra headers and a delay before it is sent.
#[derive(Debug, Clone)]
pub struct StubResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

impl StubResponse {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        StubResponse {
            status,
            headers: Vec::new(),
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub type Responder = Arc<dyn Fn(&StubRequest) -> StubResponse + Send + Sync>;

/// A running stub; it serves until the test's runtime ends.
pub struct HttpStub {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<StubRequest>>>,
}

impl HttpStub {
    pub async fn start(respond: Responder) -> HttpStub {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = requests.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(answer(sock, respond.clone(), log.clone()));
            }
        });
        HttpStub { addr, requests }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, the token calls included, in arrival order.
    pub fn requests(&self) -> Vec<StubRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests other than the token call.
    pub fn api_requests(&self) -> Vec<StubRequest> {
        let all = self.requests();
        all.into_iter()
            .filter(|r| r.path != "/oauth/token")
            .collect()
    }
}

async fn answer(mut sock: TcpStream, respond: Responder, log: Arc<Mutex<Vec<StubRequest>>>) {
    let Some(req) = read_request(&mut sock).await else {
        return;
    };
    let response = if req.path == "/oauth/token" {
        let token = serde_json::json!({"access_token": STUB_TOKEN, "token_type": "bearer", "expires_in": 86400});
        StubResponse::json(200, token)
    } else {
        respond(&req)
    };
    log.lock().unwrap().push(req);
    tokio::time::sleep(response.delay).await;
    let mut out = format!(
        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        response.status,
        response.body.len()
    );
    for (k, v) in &response.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&response.body);
    let _ = sock.write_all(out.as_bytes()).await;
    let _ = sock.shutdown().await;
}

async fn read_request(sock: &mut TcpStream) -> Option<StubRequest> {
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
    let target = first.next()?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Some(StubRequest {
        method,
        path: path.to_string(),
        query: query.to_string(),
        body: String::from_utf8_lossy(&buf[head_end..]).to_string(),
        head,
    })
}
