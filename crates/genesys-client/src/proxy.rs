//! Which proxy a request to a host goes through, read from the environment the way the HTTP
//! stack reads it (`HTTPS_PROXY` / `https_proxy` for https, `HTTP_PROXY` / `http_proxy` for http,
//! then `ALL_PROXY` / `all_proxy`; `NO_PROXY` / `no_proxy` exempts hosts), so a failure to reach
//! it can name the proxy and the variable that set it instead of blaming the Genesys host.
//! Loopback targets never use one (see `client::http_client`).

use url::Url;

use crate::policy::is_loopback;
use crate::url_text::redact_url;

/// The proxy in use for a target, as it may be shown (no userinfo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProxySetting {
    pub var: &'static str,
    pub url: String,
    /// Whether the proxy itself is on this machine (a refused connection is then final).
    pub loopback: bool,
}

impl std::fmt::Display for ProxySetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the proxy {} (from {})", self.url, self.var)
    }
}

/// The proxy a request to `target` goes through, from the process environment.
pub(crate) fn proxy_for(target: &Url) -> Option<ProxySetting> {
    proxy_from(target, &|name| std::env::var(name).ok())
}

fn proxy_from(target: &Url, get: &dyn Fn(&str) -> Option<String>) -> Option<ProxySetting> {
    if is_loopback(target) || exempt(target, get) {
        return None;
    }
    let scheme_vars: &[&'static str] = match target.scheme() {
        "https" => &["HTTPS_PROXY", "https_proxy"],
        _ => &["HTTP_PROXY", "http_proxy"],
    };
    let vars = scheme_vars.iter().chain(&["ALL_PROXY", "all_proxy"]);
    vars.filter_map(|var| Some((*var, get(var)?)))
        .find(|(_, value)| !value.trim().is_empty())
        .map(|(var, value)| {
            let value = value.trim();
            let parsed = Url::parse(value).or_else(|_| Url::parse(&format!("http://{value}")));
            ProxySetting {
                var,
                url: redact_url(value),
                loopback: parsed.is_ok_and(|u| is_loopback(&u)),
            }
        })
}

/// `NO_PROXY` of `*`, the host, or a domain the host is under.
fn exempt(target: &Url, get: &dyn Fn(&str) -> Option<String>) -> bool {
    let Some(host) = target.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let list = get("NO_PROXY")
        .or_else(|| get("no_proxy"))
        .unwrap_or_default();
    list.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches('.').to_ascii_lowercase();
        entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], target: &str) -> Option<ProxySetting> {
        let map: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let get = move |name: &str| map.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        proxy_from(&Url::parse(target).unwrap(), &get)
    }

    #[test]
    fn the_variable_the_stack_uses_for_the_scheme() {
        let login = "https://login.mypurecloud.com/oauth/token";
        let p = with(&[("HTTPS_PROXY", "http://user:pw@127.0.0.1:1")], login).unwrap();
        assert_eq!(
            (p.var, p.url.as_str(), p.loopback),
            ("HTTPS_PROXY", "http://127.0.0.1:1/", true)
        );
        let p = with(
            &[("HTTP_PROXY", "http://a"), ("all_proxy", "proxy.corp:3128")],
            login,
        )
        .unwrap();
        assert_eq!((p.var, p.loopback), ("all_proxy", false));
        assert_eq!(with(&[("HTTP_PROXY", "http://a")], login), None);
        assert_eq!(
            with(&[("HTTPS_PROXY", "http://a")], "http://127.0.0.1:9/x"),
            None
        );
        for no in [
            "*",
            "mypurecloud.com",
            ".mypurecloud.com",
            "x, login.mypurecloud.com",
        ] {
            assert_eq!(
                with(&[("HTTPS_PROXY", "http://a"), ("NO_PROXY", no)], login),
                None,
                "{no}"
            );
        }
        assert!(with(
            &[("HTTPS_PROXY", "http://a"), ("no_proxy", "purecloud.com")],
            login
        )
        .is_some());
    }
}
