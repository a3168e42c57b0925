//! Connection-level faults: a listener whose connections the gateway can cut, so a
//! client sees what a broken network shows it (no response at all, or a response whose
//! body stops short of its `Content-Length`), not a clean HTTP answer.
//!
//! hyper writes a response into the socket after the handler returns, so the gateway
//! cannot break it from inside. Instead every accepted socket is wrapped in a
//! [`FaultyStream`] sharing a [`ConnHandle`] with the requests read from it (through
//! axum's `ConnectInfo`). The gateway marks the handle; the stream then refuses the next
//! response's bytes (close) or lets the head and part of the body through (truncate).
//! Either way the write fails, hyper drops the connection and the socket closes. The
//! server carries on with its other connections.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::sync::lock;

/// What to do to the next response written on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    None,
    /// Write nothing; fail.
    Close,
    /// Write the head and this many body bytes; then fail.
    AfterHead(usize),
}

/// The gateway's grip on the connection a request came in on.
#[derive(Debug, Clone)]
pub struct ConnHandle {
    pub peer: SocketAddr,
    cut: Arc<Mutex<Cut>>,
}

impl ConnHandle {
    fn new(peer: SocketAddr) -> Self {
        ConnHandle {
            peer,
            cut: Arc::new(Mutex::new(Cut::None)),
        }
    }

    /// The response to this request will not be sent: the connection closes first.
    pub fn close(&self) {
        tracing::debug!(peer = %self.peer, "fault: closing the connection");
        *lock(&self.cut) = Cut::Close;
    }

    /// The response to this request gets its head and `body_bytes` of its body, then
    /// the connection closes.
    pub fn truncate_after_head(&self, body_bytes: usize) {
        tracing::debug!(peer = %self.peer, body_bytes, "fault: truncating the response");
        *lock(&self.cut) = Cut::AfterHead(body_bytes);
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP listener whose connections can be cut.
pub struct FaultListener {
    inner: TcpListener,
}

impl FaultListener {
    pub fn new(inner: TcpListener) -> Self {
        FaultListener { inner }
    }
}

impl Listener for FaultListener {
    type Io = FaultyStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // axum's own accept loop for TcpListener retries transient errors.
        let (stream, peer) = Listener::accept(&mut self.inner).await;
        let handle = ConnHandle::new(peer);
        let io = FaultyStream {
            inner: stream,
            cut: handle.cut.clone(),
            state: WriteState::Pass,
        };
        (io, handle)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr().map(ConnHandle::new)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriteState {
    Pass,
    /// Looking for the blank line ending the head (`matched` bytes of `\r\n\r\n` seen).
    Head {
        matched: u8,
        body_left: usize,
    },
    Body {
        left: usize,
    },
    Dead,
}

const HEAD_END: &[u8; 4] = b"\r\n\r\n";

fn step(matched: u8, byte: u8) -> u8 {
    if byte == HEAD_END[matched as usize] {
        matched + 1
    } else if byte == b'\r' {
        1
    } else {
        0
    }
}

/// Where the head ends in `buf` (the index after the blank line), given `matched`
/// bytes of it already seen, and the match state at the end of `buf` otherwise.
fn find_head_end(mut matched: u8, buf: &[u8]) -> Result<usize, u8> {
    for (i, &b) in buf.iter().enumerate() {
        matched = step(matched, b);
        if matched == 4 {
            return Ok(i + 1);
        }
    }
    Err(matched)
}

fn cut_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection cut by a genesys-sim fault",
    )
}

/// An accepted socket that obeys its [`ConnHandle`].
pub struct FaultyStream {
    inner: TcpStream,
    cut: Arc<Mutex<Cut>>,
    state: WriteState,
}

impl AsyncRead for FaultyStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultyStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.state == WriteState::Pass {
            let cut = std::mem::replace(&mut *lock(&this.cut), Cut::None);
            this.state = match cut {
                Cut::None => WriteState::Pass,
                Cut::Close => WriteState::Dead,
                Cut::AfterHead(n) => WriteState::Head {
                    matched: 0,
                    body_left: n,
                },
            };
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        match this.state {
            WriteState::Pass => Pin::new(&mut this.inner).poll_write(cx, buf),
            WriteState::Dead => Poll::Ready(Err(cut_error())),
            WriteState::Body { left: 0 } => {
                this.state = WriteState::Dead;
                Poll::Ready(Err(cut_error()))
            }
            WriteState::Body { left } => {
                let n =
                    ready!(Pin::new(&mut this.inner).poll_write(cx, &buf[..left.min(buf.len())]))?;
                this.state = WriteState::Body { left: left - n };
                Poll::Ready(Ok(n))
            }
            WriteState::Head { matched, body_left } => {
                let allowed = match find_head_end(matched, buf) {
                    Ok(end) => end + body_left.min(buf.len() - end),
                    Err(_) => buf.len(),
                };
                if allowed == 0 {
                    this.state = WriteState::Dead;
                    return Poll::Ready(Err(cut_error()));
                }
                let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &buf[..allowed]))?;
                this.state = match find_head_end(matched, &buf[..n]) {
                    Ok(end) => WriteState::Body {
                        left: body_left - (n - end),
                    },
                    Err(matched) => WriteState::Head { matched, body_left },
                };
                Poll::Ready(Ok(n))
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_end_of_the_head_across_writes() {
        assert_eq!(find_head_end(0, b"HTTP/1.1 200 OK\r\n\r\n{}"), Ok(19));
        let Err(m) = find_head_end(0, b"a: b\r\n\r") else {
            panic!("no end yet")
        };
        assert_eq!(m, 3);
        assert_eq!(find_head_end(m, b"\nbody"), Ok(1));
        assert_eq!(find_head_end(0, b"\r\r\n\r\n"), Ok(5));
        assert!(find_head_end(0, b"\r\n\r").is_err());
    }
}
