//! Where the client sends its requests: the API base URL and the OAuth token URL, either derived
//! from a [`Region`] or given explicitly (the emulator, a proxy). Enforces that credentials and
//! tokens never travel over plain HTTP except to this machine.

use std::fmt;

use url::{Host, Url};

use crate::policy::is_loopback;
use crate::region::Region;
use crate::url_text::redact_url;

/// The two URLs a client needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Base of `/api/v2/...` paths, e.g. `https://api.mypurecloud.com`.
    pub api_base: Url,
    /// The full OAuth token URL, e.g. `https://login.mypurecloud.com/oauth/token`.
    pub token_url: Url,
}

impl Endpoint {
    /// The public Genesys Cloud endpoint of a region.
    pub fn for_region(r: &Region) -> Endpoint {
        Endpoint {
            api_base: r.api_base(),
            token_url: r
                .login_base()
                .join("oauth/token")
                .expect("a static path joins onto a static URL"),
        }
    }

    /// An explicit API URL (the emulator, a proxy, or a Genesys host). Without a login URL the
    /// token URL is derived as every SDK does: `https://api.<domain>` gives
    /// `https://login.<domain>/oauth/token`; loopback and hosts not starting with `api.` give
    /// `<api>/oauth/token`. A login URL without a path gives `<login>/oauth/token`; one with a
    /// path is the token URL itself. A URL without a scheme is taken as `https://`.
    pub fn from_api_url(api: &str, login: Option<&str>) -> Result<Endpoint, EndpointError> {
        let api_base = parse_base(api)?;
        let token_url = match login {
            None => match login_host_of(&api_base) {
                Some(login) => join_path(&login, "oauth/token"),
                None => join_path(&api_base, "oauth/token"),
            },
            Some(l) => {
                let login = parse_base(l)?;
                if login.path() == "/" || login.path().is_empty() {
                    join_path(&login, "oauth/token")
                } else {
                    login
                }
            }
        };
        Ok(Endpoint {
            api_base,
            token_url,
        })
    }

    /// Refuses an API base with the API's own path, or any path on a Genesys `api.` host. Kept
    /// apart from parsing so a caller can first refuse a host the secret must not go to.
    pub fn check_no_api_path(&self) -> Result<(), EndpointError> {
        reject_api_path(&self.api_base, self.api_base.as_str())
    }

    /// The absolute URL of an API path such as `/api/v2/integrations`, keeping any path prefix
    /// of the base (a proxy may mount the API below one).
    pub fn api_url(&self, path: &str) -> Url {
        join_path(&self.api_base, path)
    }
}

/// `https://api.<domain>` -> `https://login.<domain>` (path dropped); `None` for loopback and
/// for hosts that do not start with `api.`.
fn login_host_of(api: &Url) -> Option<Url> {
    if is_loopback(api) || api.scheme() != "https" {
        return None;
    }
    let Some(Host::Domain(host)) = api.host() else {
        return None;
    };
    let lowered = host.to_ascii_lowercase();
    let domain = lowered.strip_prefix("api.").filter(|d| !d.is_empty())?;
    let mut login = api.clone();
    login.set_host(Some(&format!("login.{domain}"))).ok()?;
    login.set_path("/");
    Some(login)
}

/// The API base is a host, not a resource: `https://api.mypurecloud.com/api/v2` would send
/// `/api/v2/api/v2/...` and a token request the login service cannot answer (then reported as
/// a rejected OAuth client). A Genesys `api.` host never has a path; a proxy may mount the API
/// below a prefix, but not below the API's own `/api/v2` or `/oauth` paths.
fn reject_api_path(base: &Url, input: &str) -> Result<(), EndpointError> {
    let path = base.path().trim_end_matches('/');
    if path.is_empty() {
        return Ok(());
    }
    let genesys_host = login_host_of(base).is_some();
    let lowered = path.to_ascii_lowercase();
    let api_path = ["/api", "/oauth"]
        .iter()
        .any(|p| lowered == *p || lowered.contains(&format!("{p}/")) || lowered.ends_with(p));
    if !genesys_host && !api_path {
        return Ok(());
    }
    let mut bare = base.clone();
    bare.set_path("/");
    Err(EndpointError::HasPath {
        input: redact_url(input),
        path: path.to_string(),
        bare: bare.as_str().trim_end_matches('/').to_string(),
    })
}

/// Appends `path` to `base`'s path; `Url::join` would replace the last segment instead.
fn join_path(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!(
        "{}/{}",
        base.path().trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    url.set_path(&joined);
    url
}

fn parse_base(input: &str) -> Result<Url, EndpointError> {
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let invalid = |reason: &str| EndpointError::Invalid {
        input: redact_url(input),
        reason: reason.to_string(),
    };
    let url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
    if url.host().is_none() {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // The HTTP stack would send these as a Basic header of their own, to whatever host.
        return Err(invalid(
            "a base URL cannot carry a user name or password; give credentials as the OAuth \
             client id and secret",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a base URL cannot carry a query or fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(EndpointError::InsecureHttp {
            url: redact_url(input),
        }),
        other => Err(invalid(&format!("scheme '{other}' is not http or https"))),
    }
}

/// An API or login URL that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointError {
    /// Not a usable URL (`input` is shown without userinfo or query).
    Invalid { input: String, reason: String },
    /// `http://` to a host other than this machine: the client secret and tokens would travel
    /// in clear text.
    InsecureHttp { url: String },
    /// An API URL with the API's own path (`/api/v2`) or any path on a Genesys `api.` host.
    HasPath {
        input: String,
        path: String,
        bare: String,
    },
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::Invalid { input, reason } => write!(
                f,
                "'{input}' is not a usable API URL ({reason}); give a URL such as \
                 https://api.mypurecloud.com or http://127.0.0.1:8080"
            ),
            EndpointError::HasPath { input, path, bare } => write!(
                f,
                "'{input}': the base URL has no path; drop '{path}' and give {bare} (gcbridge adds \
                 /api/v2/... and /oauth/token itself)"
            ),
            EndpointError::InsecureHttp { url } => write!(
                f,
                "refusing plain http:// for '{url}': the client secret and access tokens would be \
                 sent unencrypted; plain http is allowed only for loopback hosts (127.0.0.0/8, \
                 ::1, localhost), use https:// for any other host"
            ),
        }
    }
}

impl std::error::Error for EndpointError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `from_api_url(api, login)` derives the token URL `expected`, and returns the
    /// endpoint for any further checks.
    #[track_caller]
    fn assert_token_url(api: &str, login: Option<&str>, expected: &str) -> Endpoint {
        let e = Endpoint::from_api_url(api, login).unwrap_or_else(|e| panic!("{api}: {e}"));
        assert_eq!(e.token_url.as_str(), expected, "{api} with login {login:?}");
        e
    }

    #[test]
    fn region_endpoint() {
        // (region as written, API base, token URL)
        for (region, api_base, token_url) in [
            (
                "eu-central-1",
                "https://api.mypurecloud.de/",
                "https://login.mypurecloud.de/oauth/token",
            ),
            (
                "eusc_de_east_1",
                "https://api.edee1.eusc-pure.cloud/",
                "https://login.edee1.eusc-pure.cloud/oauth/token",
            ),
        ] {
            let e = Endpoint::for_region(&Region::parse(region).unwrap());
            assert_eq!(e.api_base.as_str(), api_base, "{region}");
            assert_eq!(e.token_url.as_str(), token_url, "{region}");
        }
        let e = Endpoint::for_region(&Region::parse("eu-central-1").unwrap());
        assert_eq!(
            e.api_url("/api/v2/integrations").as_str(),
            "https://api.mypurecloud.de/api/v2/integrations"
        );
        assert_eq!(
            Region::parse("eusc_de_east_1").unwrap().code(),
            "eusc-de-east-1"
        );
    }

    #[test]
    fn loopback_http_is_allowed() {
        for api in [
            "http://127.0.0.1:8080",
            "http://127.5.6.7:1",
            "http://[::1]:9000/",
            "http://localhost:3000",
            "http://LOCALHOST",
        ] {
            let e = Endpoint::from_api_url(api, None).unwrap_or_else(|e| panic!("{api}: {e}"));
            assert!(e.token_url.path().ends_with("/oauth/token"), "{api}");
        }
        assert_token_url(
            "http://127.0.0.1:8080",
            None,
            "http://127.0.0.1:8080/oauth/token",
        );
    }

    #[test]
    fn non_loopback_http_is_refused_with_reason() {
        for api in [
            "http://api.mypurecloud.com",
            "http://10.0.0.1:8080",
            "http://128.0.0.1",
            "http://localhost.example.com",
        ] {
            let err = Endpoint::from_api_url(api, None).unwrap_err();
            assert!(matches!(err, EndpointError::InsecureHttp { .. }), "{api}");
            let msg = err.to_string();
            assert!(msg.contains("plain http"), "{msg}");
            assert!(msg.contains("loopback"), "{msg}");
        }
        let err = Endpoint::from_api_url("http://127.0.0.1:1", Some("http://login.example.com"))
            .unwrap_err();
        assert!(matches!(err, EndpointError::InsecureHttp { .. }));
    }

    #[test]
    fn an_api_host_gives_its_login_host() {
        for (api, token_url) in [
            (
                "https://api.edee1.eusc-pure.cloud",
                "https://login.edee1.eusc-pure.cloud/oauth/token",
            ),
            (
                "api.mypurecloud.ie/",
                "https://login.mypurecloud.ie/oauth/token",
            ),
            (
                "https://proxy.example.com/genesys",
                "https://proxy.example.com/genesys/oauth/token",
            ),
            ("http://127.0.0.1:9000", "http://127.0.0.1:9000/oauth/token"),
        ] {
            assert_token_url(api, None, token_url);
        }
    }

    #[test]
    fn an_api_url_with_the_api_path_or_on_a_genesys_host_is_refused() {
        for api in [
            "https://api.mypurecloud.com/api/v2",
            "https://api.mypurecloud.de/anything/",
            "http://127.0.0.1:8080/api/v2/",
            "https://proxy.example.com/genesys/oauth/token",
            "https://proxy.example.com/API",
        ] {
            let e = Endpoint::from_api_url(api, None)
                .unwrap()
                .check_no_api_path()
                .unwrap_err();
            assert!(
                e.to_string().contains("the base URL has no path"),
                "{api}: {e}"
            );
        }
        // A proxy may still mount the API below a prefix of its own.
        for api in [
            "https://proxy.example.com/genesys",
            "https://api.mypurecloud.com/",
        ] {
            let ep = Endpoint::from_api_url(api, None).unwrap();
            ep.check_no_api_path()
                .unwrap_or_else(|e| panic!("{api}: {e}"));
        }
    }

    #[test]
    fn login_url_rules() {
        assert_token_url(
            "https://api.mypurecloud.com",
            Some("https://login.mypurecloud.com"),
            "https://login.mypurecloud.com/oauth/token",
        );
        let e = assert_token_url(
            "https://proxy.example.com/genesys/",
            Some("https://auth.example.com/custom/token"),
            "https://auth.example.com/custom/token",
        );
        assert_eq!(
            e.api_url("/api/v2/organizations/me").as_str(),
            "https://proxy.example.com/genesys/api/v2/organizations/me"
        );
        // The login host, as the SDKs derive it.
        let e = assert_token_url(
            "api.mypurecloud.jp",
            None,
            "https://login.mypurecloud.jp/oauth/token",
        );
        assert_eq!(e.api_base.scheme(), "https");
    }

    #[test]
    fn invalid_urls() {
        assert!(matches!(
            Endpoint::from_api_url("ftp://x.example.com", None),
            Err(EndpointError::Invalid { .. })
        ));
        assert!(Endpoint::from_api_url("https://", None).is_err());
        assert!(Endpoint::from_api_url("https://a.example.com?x=1", None).is_err());
        for bad in [
            "https://u:hunter2@api.mypurecloud.com",
            "https://hunter2@api.mypurecloud.com",
            "https://api.mypurecloud.com/?k=hunter2",
            "http://u:hunter2@10.0.0.1",
            "gopher://u:hunter2@x.example.com/?hunter2",
        ] {
            let err = Endpoint::from_api_url(bad, None).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{bad}: {err}");
        }
    }
}
