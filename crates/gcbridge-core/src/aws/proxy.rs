//! Which proxy the AWS SDK sends a request through, so that a request that could not be
//! dispatched names the proxy and the variable that set it rather than only the endpoint.
//!
//! This mirrors the SDK's own choice, not the Genesys client's: the default HTTPS client
//! (aws-smithy-runtime 1.x, `BehaviorVersion` 2025-08-07 or later) uses
//! `ProxyConfig::from_env`, i.e. hyper-util's `Matcher::from_env`. Its rules: no proxy at all
//! when `REQUEST_METHOD` is set (CGI); the first *set* of `HTTPS_PROXY`/`https_proxy` (https) or
//! `HTTP_PROXY`/`http_proxy` (http), falling back to `ALL_PROXY`/`all_proxy` when that value is
//! not a usable URL; `NO_PROXY`/`no_proxy` exempts IPs, IP networks and domains (with their
//! subdomains; `*` matches every host name but no IP address). Unlike the Genesys client it does
//! NOT bypass loopback by itself: a loopback endpoint goes through the proxy unless `NO_PROXY`
//! names it.

use std::net::IpAddr;

/// The proxy a request goes through, as it may be shown (no userinfo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AwsProxy {
    pub var: &'static str,
    pub url: String,
}

/// The proxy the SDK uses for `target` (a URL), from the process environment.
pub(crate) fn proxy_for(target: &str) -> Option<AwsProxy> {
    proxy_from(target, &|name| std::env::var(name).ok())
}

fn proxy_from(target: &str, get: &dyn Fn(&str) -> Option<String>) -> Option<AwsProxy> {
    if get("REQUEST_METHOD").is_some() {
        return None;
    }
    let (scheme, rest) = target.split_once("://")?;
    let host = host_of(rest)?;
    let first_set = |names: [&'static str; 2]| {
        names
            .into_iter()
            .find_map(|n| get(n).map(|v| (n, v)))
            .and_then(|(n, v)| Some((n, shown(&v)?)))
    };
    let by_scheme = match scheme.to_ascii_lowercase().as_str() {
        "https" => first_set(["HTTPS_PROXY", "https_proxy"]),
        "http" => first_set(["HTTP_PROXY", "http_proxy"]),
        _ => return None,
    };
    let (var, url) = by_scheme.or_else(|| first_set(["ALL_PROXY", "all_proxy"]))?;
    let no = get("NO_PROXY")
        .or_else(|| get("no_proxy"))
        .unwrap_or_default();
    if exempt(&host, &no) {
        return None;
    }
    Some(AwsProxy { var, url })
}

/// The host of `rest` (a URL after `scheme://`), without port, userinfo or IPv6 brackets.
fn host_of(rest: &str) -> Option<String> {
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_string())
}

/// A proxy value as hyper-util accepts it (http, https or socks scheme, or none meaning http;
/// an authority), shown as `scheme://host:port` without its userinfo; `None` when unusable.
fn shown(value: &str) -> Option<String> {
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        return None;
    }
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), value),
    };
    let usable = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];
    if !usable.contains(&scheme.as_str()) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (!host_port.is_empty()).then(|| format!("{scheme}://{host_port}"))
}

/// Whether the `NO_PROXY` list `no` exempts `host` (hyper-util's `NoProxy::contains`).
fn exempt(host: &str, no: &str) -> bool {
    let entries = no.split(',').map(str::trim).filter(|e| !e.is_empty());
    if let Ok(ip) = host.parse::<IpAddr>() {
        return entries
            .filter_map(network)
            .any(|(net, bits)| within(ip, net, bits));
    }
    entries
        .filter(|e| network(e).is_none())
        .any(|d| domain_matches(host, d))
}

/// An entry that is an IP address (`127.0.0.1`) or network (`10.0.0.0/8`), with its prefix length.
fn network(entry: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = match entry.split_once('/') {
        Some((a, b)) => (a.parse::<IpAddr>().ok()?, b.parse::<u8>().ok()?),
        None => {
            let a = entry.parse::<IpAddr>().ok()?;
            (a, if a.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((addr, bits))
}

fn within(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    bits == 0 || (a >> shift) == (b >> shift)
}

/// `example.com` and `.example.com` both match the domain and its subdomains; `*` matches all.
fn domain_matches(host: &str, d: &str) -> bool {
    let (host, d) = (host.to_ascii_lowercase(), d.to_ascii_lowercase());
    let bare = d.strip_prefix('.').unwrap_or(&d);
    d == "*" || host == bare || host.ends_with(&format!(".{bare}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], target: &str) -> Option<(&'static str, String)> {
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        proxy_from(target, &get).map(|p| (p.var, p.url))
    }

    /// Why, the environment, the endpoint, and the variable and URL the SDK uses (`None`: no proxy).
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
        Option<(&'static str, &'static str)>,
    );

    #[test]
    fn the_variable_the_sdk_uses_for_the_scheme_without_userinfo() {
        let sts = "https://sts.us-east-1.amazonaws.com";
        let cases: [Case; 7] = [
            (
                "HTTPS_PROXY for https, without its userinfo and path",
                &[("HTTPS_PROXY", "http://user:pw@10.0.0.1:3128/")],
                sts,
                Some(("HTTPS_PROXY", "http://10.0.0.1:3128")),
            ),
            (
                "HTTP_PROXY is for http endpoints only",
                &[("HTTP_PROXY", "http://p:1")],
                sts,
                None,
            ),
            (
                "ALL_PROXY is the fallback for both",
                &[("HTTP_PROXY", "http://p:1"), ("all_proxy", "corp:3128")],
                sts,
                Some(("all_proxy", "http://corp:3128")),
            ),
            (
                "loopback is not bypassed by itself",
                &[("HTTP_PROXY", "http://127.0.0.1:9")],
                "http://127.0.0.1:5000",
                Some(("HTTP_PROXY", "http://127.0.0.1:9")),
            ),
            (
                "the upper-case name wins",
                &[("HTTPS_PROXY", "http://a:1"), ("https_proxy", "http://b:1")],
                sts,
                Some(("HTTPS_PROXY", "http://a:1")),
            ),
            (
                "an unusable value falls back to ALL_PROXY",
                &[("HTTPS_PROXY", "ftp://a:1"), ("ALL_PROXY", "http://c:1")],
                sts,
                Some(("ALL_PROXY", "http://c:1")),
            ),
            (
                "no proxy at all when REQUEST_METHOD is set (CGI)",
                &[("HTTPS_PROXY", "http://a:1"), ("REQUEST_METHOD", "GET")],
                sts,
                None,
            ),
        ];
        for (why, vars, endpoint, want) in cases {
            let want = want.map(|(var, url)| (var, url.to_string()));
            assert_eq!(with(vars, endpoint), want, "{why}");
        }
    }

    #[test]
    fn no_proxy_exempts_hosts_domains_and_networks_as_the_sdk_does() {
        let p = ("HTTPS_PROXY", "http://a:1");
        let sts = "https://sts.us-east-1.amazonaws.com";
        for no in [
            "amazonaws.com",
            ".amazonaws.com",
            "x, sts.us-east-1.amazonaws.com",
            "*",
        ] {
            assert_eq!(with(&[p, ("NO_PROXY", no)], sts), None, "{no}");
        }
        assert!(with(&[p, ("NO_PROXY", "zonaws.com")], sts).is_some());
        let local = "https://127.0.0.1:5000";
        for no in ["127.0.0.1", "127.0.0.0/8", "localhost, 127.0.0.1"] {
            assert_eq!(with(&[p, ("no_proxy", no)], local), None, "{no}");
        }
        // `*` is a domain rule: an IP address still goes through the proxy.
        for no in ["*", "localhost", "10.0.0.0/8"] {
            assert!(with(&[p, ("NO_PROXY", no)], local).is_some(), "{no}");
        }
        assert_eq!(with(&[p, ("NO_PROXY", "::1")], "https://[::1]:5000"), None);
    }
}
