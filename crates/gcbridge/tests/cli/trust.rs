//! Where the secret may go and what reaches the terminal: a `.env` or variable that points the
//! credentials at another host is refused, loopback traffic never goes through a proxy, `.env`
//! is read as written (BOM, empty values, real variables first under every alias), URLs are
//! never echoed with userinfo or query, names from the org cannot inject terminal escapes, and
//! every call ends within its deadline.

use std::sync::atomic::Ordering;

use gcbridge_testkit::listeners::{counting_proxy, silent_listener};

use crate::common::{env_for, gcbridge, sim, ADMIN, SECRET};

const CANARY: &str = "hunter2-canary-5e1f";

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dotenv_or_variable_url_cannot_send_the_secret_elsewhere() {
    let s = sim().await;
    let url = s.base_url();
    for var in ["GENESYS_LOGIN_URL", "GENESYS_API_URL"] {
        for host in [
            "https://login.attacker.invalid",
            "https://api.mypurecloud.com.attacker.invalid/x",
        ] {
            // In .env, next to real credentials.
            let d = dir();
            std::fs::write(d.path().join(".env"), format!("{var}={host}\n")).unwrap();
            let real = [
                ("GENESYS_REGION", "us-east-1"),
                ("GENESYS_CLIENT_ID", ADMIN),
                ("GENESYS_CLIENT_SECRET", CANARY),
            ];
            let out = gcbridge(d.path(), &real, &["-v", "whoami"]).await;
            assert_eq!(out.code, 2, "{var}={host}: {out:?}");
            let dotenv = std::fs::canonicalize(d.path().join(".env")).unwrap();
            let named = format!("{var} (from the .env file {})", dotenv.display());
            assert!(out.stderr.contains(&named), "{out:?}");
            assert!(out.stderr.contains("is not sent there"), "{out:?}");
            assert!(
                out.stderr.contains(&format!("it supplies {var} ")),
                "-v names the .env and its variables: {out:?}"
            );
            assert!(!out.stderr.contains(CANARY) && !out.stdout.contains(CANARY));
            // The same from the environment.
            let mut env = real.to_vec();
            env.push((var, host));
            let out = gcbridge(dir().path(), &env, &["whoami"]).await;
            assert_eq!(out.code, 2, "{out:?}");
            assert!(
                out.stderr
                    .contains(&format!("{var} (from the environment)")),
                "{out:?}"
            );
        }
    }
    // The emulator's own loopback URL from .env is fine, and -v lists names, never values.
    let d = dir();
    std::fs::write(
        d.path().join(".env"),
        format!(
            "GENESYS_API_URL={url}\nGENESYS_CLIENT_ID={ADMIN}\nGENESYS_CLIENT_SECRET={SECRET}\n"
        ),
    )
    .unwrap();
    let out = gcbridge(d.path(), &[], &["-v", "whoami"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("it supplies GENESYS_API_URL, GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET"),
        "{out:?}"
    );
    assert!(!out.stderr.contains(SECRET), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dotenv_is_read_as_written_and_real_variables_win_under_every_alias() {
    let s = sim().await;
    let url = s.base_url();
    // A BOM before the first name; a .env client id that a real alias overrides.
    let d = dir();
    std::fs::write(
        d.path().join(".env"),
        format!("\u{feff}GENESYS_API_URL={url}\nGENESYS_CLIENT_ID=not-a-client\n"),
    )
    .unwrap();
    let real = [
        ("GENESYSCLOUD_OAUTHCLIENT_ID", ADMIN),
        ("GENESYSCLOUD_OAUTHCLIENT_SECRET", SECRET),
    ];
    let out = gcbridge(d.path(), &real, &["whoami", "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["client_id"], ADMIN, "{out:?}");

    // An empty value is reported as empty, with where it is.
    std::fs::write(
        d.path().join(".env"),
        format!("GENESYS_API_URL={url}\nGENESYS_CLIENT_ID={ADMIN}\nGENESYS_CLIENT_SECRET=\n"),
    )
    .unwrap();
    let out = gcbridge(d.path(), &[], &["whoami"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("GENESYS_CLIENT_SECRET is set but empty (in the .env file "),
        "{out:?}"
    );

    // Two aliases with different values: an error naming both and where each came from.
    let mut env = env_for(&url, ADMIN);
    env.push(("GENESYSCLOUD_OAUTHCLIENT_ID", "someone-else"));
    let out = gcbridge(dir().path(), &env, &["whoami"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("GENESYS_CLIENT_ID (from the environment) and GENESYSCLOUD_OAUTHCLIENT_ID (from the environment)"),
        "{out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn urls_are_never_echoed_with_userinfo_or_query_and_secret_names_are_checked() {
    let d = dir();
    for api_url in [
        format!("https://admin:{CANARY}@api.mypurecloud.com"),
        format!("https://api.mypurecloud.com/?access_token={CANARY}"),
        format!("http://u:{CANARY}@127.0.0.1:1"),
        format!("ftp://u:{CANARY}@example.com/?{CANARY}"),
        format!("http://10.0.0.1/?k={CANARY}"),
    ] {
        let env = [("GENESYS_CLIENT_ID", "id"), ("GENESYS_CLIENT_SECRET", "s")];
        for format in ["human", "json"] {
            let out = gcbridge(
                d.path(),
                &env,
                &["-vvv", "-o", format, "whoami", "--api-url", &api_url],
            )
            .await;
            assert_eq!(out.code, 2, "{api_url}: {out:?}");
            assert!(
                !out.stdout.contains(CANARY) && !out.stderr.contains(CANARY),
                "{out:?}"
            );
        }
    }
    for bad in [CANARY, "my secret value", "x", "lowercase_name"] {
        std::fs::write(
            d.path().join("g.toml"),
            format!(
                "[genesys]\nregion = \"us-east-1\"\nclient_id_env = \"MY_ID\"\nclient_secret_env = \"{bad}\"\n\n\
                 [[destination]]\nname = \"prod\"\naws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\n\
                 event_source_suffix = \"prod\"\nevent_types = [\"routing\"]\n"
            ),
        )
        .unwrap();
        let out = gcbridge(d.path(), &[("MY_ID", "id")], &["whoami", "-f", "g.toml"]).await;
        assert_eq!(out.code, 2, "{bad}: {out:?}");
        assert!(out.stderr.contains("client_secret_env"), "{out:?}");
        if bad.len() > 1 {
            assert!(
                !out.stderr.contains(bad) && !out.stdout.contains(bad),
                "{out:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_on_the_command_line_is_warned_about_once() {
    let s = sim().await;
    let url = s.base_url();
    // whoami with the credentials on the command line, `secret` as the secret.
    let whoami = |secret: &'static str| {
        let url = url.clone();
        async move {
            let args = [
                "whoami",
                "--api-url",
                &url,
                "--client-id",
                ADMIN,
                "--client-secret",
                secret,
            ];
            gcbridge(dir().path(), &[], &args).await
        }
    };
    let out = whoami(SECRET).await;
    assert_eq!(out.code, 0, "{out:?}");
    let warnings = out
        .stderr
        .lines()
        .filter(|l| l.contains("--client-secret shows in process lists"))
        .count();
    assert_eq!(warnings, 1, "{out:?}");
    let out = gcbridge(dir().path(), &env_for(&url, ADMIN), &["whoami"]).await;
    assert!(!out.stderr.contains("--client-secret"), "{out:?}");
    let out = whoami("").await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--client-secret is empty"), "{out:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn names_from_the_org_cannot_inject_terminal_escapes() {
    let s = sim().await;
    let url = s.base_url();
    let evil = "ok\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\nFAKE LINE\u{202e}";
    gcbridge_testkit::sim::create_bare_integration(&url, evil).await;
    let env = env_for(&url, ADMIN);
    for args in [
        vec!["status"],
        vec!["status", "nope"],
        vec!["delete", "nope", "--yes"],
    ] {
        let out = gcbridge(dir().path(), &env, &args).await;
        let all = format!("{}{}", out.stdout, out.stderr);
        for raw in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(
                !all.contains(raw),
                "{args:?}: raw {raw:?} reached the terminal: {out:?}"
            );
        }
        assert!(all.contains("ok\\u{1b}]0;pwned"), "{args:?}: {out:?}");
        assert!(
            !all.lines().any(|l| l.starts_with("FAKE LINE")),
            "{args:?}: {out:?}"
        );
    }
    let out = gcbridge(dir().path(), &env, &["status", "-o", "json"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains('\u{1b}'), "{out:?}");
    assert_eq!(out.json()["integrations"][0]["name"], evil);
}

#[tokio::test(flavor = "multi_thread")]
async fn loopback_calls_never_go_through_a_proxy() {
    let s = sim().await;
    let url = s.base_url();
    for var in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        let (proxy, used) = counting_proxy().await;
        let mut env = env_for(&url, ADMIN);
        env.push((var, &proxy));
        let out = gcbridge(dir().path(), &env, &["whoami"]).await;
        assert_eq!(out.code, 0, "{var}: {out:?}");
        assert_eq!(
            used.load(Ordering::SeqCst),
            0,
            "{var}: the proxy saw loopback traffic"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_call_ends_within_its_deadline_saying_what_it_spent() {
    let silent = silent_listener().await;
    let creds = [("GENESYS_CLIENT_ID", "id"), ("GENESYS_CLIENT_SECRET", "s")];
    let mut env = creds.to_vec();
    env.push(("GENESYS_API_URL", &silent));
    let out = gcbridge(dir().path(), &env, &["whoami", "--timeout", "1"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr
            .contains("no response: gave up after 1 attempt in "),
        "{out:?}"
    );
    assert!(out.stderr.contains("(deadline 1s)"), "{out:?}");
    env.push(("GENESYS_TIMEOUT_SECS", "2"));
    let out = gcbridge(dir().path(), &env, &["whoami"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("(deadline 2s)"), "{out:?}");
    // A refused loopback port: twice, with a log line for the retry, not eight silent tries.
    let closed = gcbridge_testkit::listeners::closed_url();
    let mut env = creds.to_vec();
    env.push(("GENESYS_API_URL", &closed));
    let out = gcbridge(dir().path(), &env, &["whoami"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("gave up after 2 attempts in "),
        "{out:?}"
    );
    assert_eq!(out.stderr.matches("retrying in").count(), 1, "{out:?}");
}

/// A proxy that cannot be reached (a closed loopback port) or refuses the tunnel (502) for a real
/// Genesys login host: exit 1, the message names the proxy and the variable that set it, never the
/// secret. Nothing leaves the machine: with a proxy set, the HTTP stack sends `CONNECT host:443` to
/// the proxy and resolves nothing itself (under `unshare -n`, without DNS, the error is the same).
#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_proxy_is_named_with_its_variable() {
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"] {
        let proxy = gcbridge_testkit::listeners::closed_url();
        let env = [
            ("GENESYS_REGION", "us-east-1"),
            ("GENESYS_CLIENT_ID", "someone"),
            ("GENESYS_CLIENT_SECRET", CANARY),
            (var, proxy.as_str()),
        ];
        for extra in [&[][..], &["-o", "json"][..]] {
            let args = [&["whoami"][..], extra].concat();
            let out = gcbridge(dir().path(), &env, &args).await;
            assert_eq!(out.code, 1, "{var}: {out:?}");
            let text = format!("{}{}", out.stdout, out.stderr);
            assert!(
                text.contains(&format!("through the proxy {proxy}/ (from {var})")),
                "{var}: {out:?}"
            );
            assert!(!text.contains(CANARY), "{var}: {out:?}");
        }
    }
    let (proxy, used) = counting_proxy().await;
    let env = [
        ("GENESYS_REGION", "eu-west-1"),
        ("GENESYS_CLIENT_ID", "someone"),
        ("GENESYS_CLIENT_SECRET", CANARY),
        ("HTTPS_PROXY", proxy.as_str()),
    ];
    let out = gcbridge(dir().path(), &env, &["whoami"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        used.load(Ordering::SeqCst) > 0,
        "the request went to the proxy"
    );
    assert!(
        out.stderr
            .contains(&format!("through the proxy {proxy}/ (from HTTPS_PROXY)")),
        "{out:?}"
    );
    assert!(!out.stderr.contains(CANARY), "{out:?}");
}
