//! Where the credentials may go when the URL came from the environment or a `.env` file: only to
//! a Genesys Cloud host of a known region or to this machine. A `.env` in a checked-out fork (or
//! a stray exported variable) must not be able to send the client secret to another host; a host
//! the user typed (a flag) or wrote in the config file they named with `-f` is theirs to choose.

use genesys_client::{is_loopback, Endpoint, Region, Url};

use super::environment::{Environment, Source};
use super::resolved::{ConnectionError, Resolved};

/// Refuses an endpoint whose token URL or API base came from the environment or `.env` and
/// points at neither a known Genesys Cloud host nor loopback.
pub(super) fn check_endpoint(
    endpoint: &Endpoint,
    api_url: Option<&Resolved>,
    login_url: Option<&Resolved>,
    env: &Environment,
) -> Result<(), ConnectionError> {
    // The token URL is the login URL if one was given, else derived from the API URL.
    if let Some(origin) = login_url.or(api_url) {
        if from_variables(&origin.source) && !known_host(&endpoint.token_url, "login.") {
            return Err(untrusted(origin, &endpoint.token_url, env));
        }
    }
    if let Some(api) = api_url {
        if from_variables(&api.source) && !known_host(&endpoint.api_base, "api.") {
            return Err(untrusted(api, &endpoint.api_base, env));
        }
    }
    Ok(())
}

fn from_variables(source: &Source) -> bool {
    matches!(source, Source::Env(_) | Source::DotEnv(_))
}

/// Loopback, or `https://<prefix><domain>` of a known region.
fn known_host(url: &Url, prefix: &str) -> bool {
    if is_loopback(url) {
        return true;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    url.scheme() == "https"
        && Region::all()
            .iter()
            .any(|r| host.strip_prefix(prefix) == Some(r.domain()))
}

fn untrusted(r: &Resolved, url: &Url, env: &Environment) -> ConnectionError {
    ConnectionError::UntrustedHost {
        var: r.source.name().to_string(),
        origin: env.origin(&r.source),
        host: url.host_str().unwrap_or_default().to_string(),
    }
}

/// Whether a config file's `client_id_env` / `client_secret_env` value is an environment
/// variable's name as such names are written: upper-case letters, digits and `_`, not starting
/// with a digit, at least two characters. Anything else may be the secret itself.
pub(super) fn is_variable_name(name: &str) -> bool {
    name.len() >= 2
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        for ok in ["GENESYS_CLIENT_SECRET", "PROD_SECRET_2", "_X", "AB"] {
            assert!(is_variable_name(ok), "{ok}");
        }
        for bad in [
            "",
            "A",
            "lower_case",
            "Mixed_Case",
            "HAS SPACE",
            "2ND",
            "A-B",
            "x",
        ] {
            assert!(!is_variable_name(bad), "{bad}");
        }
    }

    #[test]
    fn known_hosts() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(known_host(
            &u("https://login.mypurecloud.de/oauth/token"),
            "login."
        ));
        assert!(known_host(&u("https://LOGIN.usw2.pure.cloud./x"), "login."));
        assert!(known_host(&u("http://127.0.0.9:1/oauth/token"), "login."));
        assert!(known_host(&u("http://[::1]:1/"), "api."));
        assert!(!known_host(&u("https://api.mypurecloud.com/"), "login."));
        assert!(!known_host(
            &u("https://login.mypurecloud.com.evil.example/"),
            "login."
        ));
        assert!(!known_host(
            &u("https://evil.example/oauth/token"),
            "login."
        ));
        assert!(!known_host(&u("https://login.example.com/"), "login."));
    }
}
