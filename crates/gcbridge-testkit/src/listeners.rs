//! Loopback listeners that stand for a broken network: a "proxy" that counts its connections and
//! answers each with 502 (proof that loopback traffic never went through it), and a host that
//! accepts every connection and never answers (proof that every call has a deadline).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// A "proxy" on `127.0.0.1:0` that counts its connections and answers each with 502: its URL and
/// the counter.
pub async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let used = Arc::new(AtomicUsize::new(0));
    let counter = used.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = sock
                .write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
        }
    });
    (format!("http://{addr}"), used)
}

/// A listener on `127.0.0.1:0` that accepts every connection, holds it open and never writes a
/// byte: its URL.
pub async fn silent_listener() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    format!("http://{addr}")
}

/// A loopback port nothing listens on: bound, read back and released (another process could take
/// it meanwhile, which on a test machine does not happen in the moments a test needs it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `http://127.0.0.1:PORT` of a [`free_port`]: a connection there is refused.
pub fn closed_url() -> String {
    format!("http://127.0.0.1:{}", free_port())
}
