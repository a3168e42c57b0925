//! Classifies failures of the HTTP stack (reqwest/hyper/rustls) once, for both the retry
//! decision and the user-facing error, so the token call and API calls agree.

use std::error::Error as StdError;

use crate::error::{Error, RequestContext};
use crate::policy::HttpPolicy;
use crate::retry::Failure;

/// What kind of transport failure a reqwest error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetKind {
    Dns,
    Tls,
    /// The connection was not established; nothing was sent.
    Connect,
    /// This machine refused the connection (nothing listens on that loopback port).
    RefusedLocally,
    Timeout,
    /// Broke after the request may have been sent, or the body could not be read.
    Other,
}

pub(crate) fn kind_of(err: &reqwest::Error) -> NetKind {
    let chain = chain_text(err).to_ascii_lowercase();
    if err.is_dns() || chain.contains("dns error") || chain.contains("failed to lookup address") {
        NetKind::Dns
    } else if chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("handshake")
        || chain.contains("ssl")
        || chain.contains("corrupt message")
        || chain.contains("fatal alert")
    {
        // rustls is not a direct dependency, so its errors are recognised by their text. TLS to a
        // plain-HTTP port is rustls's "received corrupt message of type InvalidContentType": a TLS
        // failure (not retried), not the loopback refusal its `is_connect()` would make it.
        NetKind::Tls
    } else if err.is_connect()
        && !err.is_timeout()
        && (to_loopback(err) || refused_by_local_proxy(err, &chain))
    {
        NetKind::RefusedLocally
    } else if err.is_connect() {
        NetKind::Connect
    } else if err.is_timeout() {
        NetKind::Timeout
    } else {
        NetKind::Other
    }
}

/// The retry view of a transport failure; `None` for failures that repeating cannot fix.
pub(crate) fn failure_of(kind: NetKind) -> Option<Failure> {
    match kind {
        NetKind::Dns | NetKind::Tls => None,
        NetKind::Connect => Some(Failure::ConnectBeforeSend),
        NetKind::RefusedLocally => Some(Failure::RefusedLocally),
        NetKind::Timeout | NetKind::Other => Some(Failure::AfterSend),
    }
}

pub(crate) fn to_error(
    request: RequestContext,
    err: &reqwest::Error,
    kind: NetKind,
    policy: &HttpPolicy,
) -> Error {
    let host = err
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("the API host")
        .to_string();
    let request = Box::new(request);
    let detail = cause_text(err);
    match kind {
        NetKind::Dns => Error::Dns {
            request,
            host,
            detail,
        },
        NetKind::Tls => Error::Tls {
            request,
            host,
            detail,
        },
        NetKind::Connect if err.is_timeout() => Error::Timeout {
            request,
            after: policy.connect_timeout,
        },
        NetKind::Connect | NetKind::RefusedLocally => Error::Connect {
            request,
            host,
            detail,
            proxy: proxy_of(err),
        },
        NetKind::Timeout => Error::Timeout {
            request,
            after: policy.request_timeout,
        },
        NetKind::Other if err.is_decode() || err.is_body() => Error::InvalidResponse {
            request,
            status: err.status().map(|s| s.as_u16()),
            detail,
        },
        NetKind::Other => Error::Connect {
            request,
            host,
            detail,
            proxy: proxy_of(err),
        },
    }
}

/// The proxy the failed request went through, as the error names it.
fn proxy_of(err: &reqwest::Error) -> Option<String> {
    err.url()
        .and_then(crate::proxy::proxy_for)
        .map(|p| p.to_string())
}

/// A proxy on this machine refused the connection: nothing listens there, repeating is useless
/// (the same rule as a refused loopback API).
fn refused_by_local_proxy(err: &reqwest::Error, chain: &str) -> bool {
    chain.contains("connection refused")
        && err
            .url()
            .and_then(crate::proxy::proxy_for)
            .is_some_and(|p| p.loopback)
}

fn to_loopback(err: &reqwest::Error) -> bool {
    err.url().is_some_and(crate::policy::is_loopback)
}

/// The causes below reqwest's own message (which only repeats the URL), innermost last.
fn cause_text(err: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        // hyper-util's "client error (Connect)" wrapper only repeats what the variant says.
        if !text.starts_with("client error (") && !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    if parts.is_empty() {
        // reqwest's own message repeats the URL, query included.
        "no further detail from the HTTP stack".to_string()
    } else {
        parts.join(": ")
    }
}

/// The source chain without reqwest's top message, whose URL could contain "tls" or "ssl".
fn chain_text(err: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
