//! A scripted Genesys API on loopback for the variants the emulator of this tree does not play
//! (a list that ignores `expand`, deleted integrations still listed, version conflicts that
//! outlast four rounds): `/oauth/token` always issues a token, every other request goes to the
//! test's handler, and every request line is recorded.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use genesys_client::{ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the handler sees it.
pub struct Req {
    pub method: String,
    /// Path without the query.
    pub path: String,
    pub query: String,
    pub body: String,
}

pub type Handler = Arc<dyn Fn(&Req) -> (u16, serde_json::Value) + Send + Sync>;

pub struct FakeApi {
    pub addr: SocketAddr,
    /// `METHOD path?query` and the body of every API request (the token call excluded).
    pub seen: Arc<Mutex<Vec<(String, String)>>>,
}

impl FakeApi {
    pub async fn start(handler: Handler) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let Some(req) = read(&mut sock).await else {
                        return;
                    };
                    let (status, body) = if req.path == "/oauth/token" {
                        let t = serde_json::json!({"access_token": "t", "token_type": "bearer", "expires_in": 86400});
                        (200, t)
                    } else {
                        let line = format!("{} {}?{}", req.method, req.path, req.query);
                        log.lock().unwrap().push((line, req.body.clone()));
                        handler(&req)
                    };
                    let body = body.to_string();
                    let head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        FakeApi { addr, seen }
    }

    pub fn client(&self) -> GenesysClient {
        let endpoint = Endpoint::from_api_url(&format!("http://{}", self.addr), None).unwrap();
        let creds = Credentials::new("id", "secret", CredentialSource::Flags);
        GenesysClient::new(ClientConfig::new(endpoint, creds)).unwrap()
    }

    pub fn lines(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|(l, _)| l.clone())
            .collect()
    }
}

async fn read(sock: &mut tokio::net::TcpStream) -> Option<Req> {
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
    Some(Req {
        method,
        path: path.to_string(),
        query: query.to_string(),
        body: String::from_utf8_lossy(&buf[head_end..]).to_string(),
    })
}
