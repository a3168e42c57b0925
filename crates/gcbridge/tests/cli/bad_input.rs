//! The bad inputs the corpus (tests/bad-input, run by `corpus`) cannot express: missing
//! credentials and region (the corpus always sets credentials), a wrong secret from a `.env` file
//! (exit 1, and the secret never printed), and `gcbridge sim`'s own checks: listen address, option ranges, the banner.

use crate::common::*;
use std::time::Duration;

use tokio::io::AsyncBufReadExt;

#[tokio::test(flavor = "multi_thread")]
async fn missing_credentials_and_region_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = gcbridge(
        dir.path(),
        &[("GENESYS_API_URL", "http://127.0.0.1:9")],
        &["whoami"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("GENESYS_CLIENT_ID")
            && out.stderr.contains("GENESYSCLOUD_OAUTHCLIENT_ID"),
        "{out:?}"
    );
    let out = gcbridge(
        dir.path(),
        &[("GENESYS_CLIENT_ID", "x"), ("GENESYS_CLIENT_SECRET", "y")],
        &["whoami"],
    )
    .await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("--region") && out.stderr.contains("GENESYS_REGION"),
        "{out:?}"
    );
}

/// `whoami -vvv` with the admin client and `secret` under the Terraform provider's names, from a
/// `.env` file in the world's directory.
async fn whoami_with_dotenv(w: &World, secret: &str) -> Output {
    w.write(
        ".env",
        &format!("GENESYSCLOUD_OAUTHCLIENT_ID={ADMIN}\nGENESYSCLOUD_OAUTHCLIENT_SECRET={secret}\n"),
    );
    w.run(&["whoami", "-vvv"]).await
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_secret_says_where_it_came_from_and_never_prints_it() {
    let sim = sim().await;
    let env = vec![("GENESYS_API_URL".to_string(), sim.base_url())];
    let w = World::new(sim, env);
    let secret = "s3cr3t-value-that-must-not-leak";
    let out = whoami_with_dotenv(&w, secret).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("GENESYSCLOUD_OAUTHCLIENT_SECRET"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains(".env"),
        "the message says the values came from .env: {out:?}"
    );
    assert!(
        !out.stderr.contains(secret) && !out.stdout.contains(secret),
        "{out:?}"
    );

    // The right secret from .env works.
    let out = whoami_with_dotenv(&w, SECRET).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.stderr.contains(SECRET),
        "the secret is never logged: {out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sim_command_prints_its_url_first_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--listen", "127.0.0.1:0", "--activation-delay-ms", "10"];
    let (mut child, url) = spawn_sim(dir.path(), &args, std::process::Stdio::null()).await;
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let out = gcbridge(
        dir.path(),
        &[
            ("GENESYS_API_URL", &url),
            ("GENESYS_CLIENT_ID", ADMIN),
            ("GENESYS_CLIENT_SECRET", SECRET),
        ],
        &["whoami", "-o", "json"],
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.json()["org_id"], genesys_sim::DEFAULT_ORG_ID);

    let out = gcbridge(dir.path(), &[], &["sim", "--listen", "0.0.0.0:0"]).await;
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--allow-remote"), "{out:?}");
    child.kill().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn seconds_are_whole_numbers_and_flag_lists_are_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    for (args, says) in [
        (
            &["tail", "--for", "0.5"][..],
            "seconds must be a whole number",
        ),
        (&["tail", "--for", "1m"], "seconds must be a whole number"),
        (&["tail", "--for", "0"], "out of range"),
        (
            &["doctor", "--probe", "2.5"],
            "seconds must be a whole number",
        ),
        (&["doctor", "--probe", "99999"], "out of range"),
    ] {
        let out = gcbridge(dir.path(), &[], args).await;
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(says), "{args:?}: {out:?}");
    }
    // `--event-types 'user, routing'` read as the list it says; a `--topic` is trimmed too.
    let env = env_for("http://127.0.0.1:9", ADMIN);
    for (flag, value) in [
        ("--event-types", "user, routing"),
        ("--event-types", " routing ,user"),
        ("--topic", " v2.users.{id}.presence "),
    ] {
        let args = [
            "plan",
            "--name",
            "a",
            "--aws-account-id",
            "123456789012",
            "--aws-region",
            "us-east-1",
            "--suffix",
            "a",
            flag,
            value,
        ];
        let out = gcbridge(dir.path(), &env, &args).await;
        assert!(
            !out.stderr.contains("leading or trailing spaces"),
            "{flag} {value:?}: {out:?}"
        );
        // The flags are valid: the run gets as far as the (closed) API.
        assert_eq!(out.code, 1, "{flag} {value:?}: {out:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sim_options_near_u64_max_are_refused_at_start_up_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let max = u64::MAX.to_string();
    for (flag, key) in [
        ("--token-ttl-secs", "token_ttl_secs"),
        ("--activation-delay-ms", "activation_delay_ms"),
        ("--latency-ms", "latency_ms"),
    ] {
        let args = ["sim", "--listen", "127.0.0.1:0", flag, &max];
        // A bound that regressed would serve (and panic on the first request): never wait on it.
        let out = tokio::time::timeout(Duration::from_secs(20), gcbridge(dir.path(), &[], &args))
            .await
            .unwrap_or_else(|_| panic!("{flag} {max}: the emulator started"));
        assert_eq!(out.code, 2, "{flag}: {out:?}");
        assert!(
            out.stderr.contains(key) && out.stderr.contains(" to "),
            "{flag}: {out:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sim_banner_names_the_configured_clients_never_their_secret() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sim.toml");
    std::fs::write(
        &config,
        "[[org]]\nname = \"prod\"\n[[org.client]]\nid = \"prod-admin\"\nsecret = \"s3cr3t-of-prod\"\npermissions = [\"integrations:integration:view\"]\n",
    )
    .unwrap();
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--config",
        config.to_str().unwrap(),
    ];
    let (mut child, _url) = spawn_sim(dir.path(), &args, std::process::Stdio::piped()).await;
    // The banner follows the URL line on stderr, ending with how to stop: read up to there.
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut stderr = String::new();
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            stderr.push_str(&line);
            stderr.push('\n');
            if line.contains("stop with Ctrl-C") {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("the banner ends");
    child.kill().await.unwrap();
    assert!(
        stderr.contains("org prod") && stderr.contains("prod-admin"),
        "{stderr}"
    );
    assert!(stderr.contains("integrations:integration:view"), "{stderr}");
    assert!(!stderr.contains(genesys_sim::ADMIN_CLIENT_ID), "{stderr}");
    assert!(!stderr.contains("s3cr3t-of-prod"), "{stderr}");
}

/// A state file the emulator could not persist to, or that another emulator holds, stops
/// `gcbridge sim` at start with exit 1 naming the file (one JSON error document with `-o json`).
/// The unwritable case is a path under a regular file: it fails for root too.
#[tokio::test(flavor = "multi_thread")]
async fn sim_refuses_a_state_file_it_cannot_keep() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plain"), "x").unwrap();
    let bad = dir.path().join("plain").join("state.json");
    let bad = bad.to_str().unwrap();
    let args = ["sim", "--listen", "127.0.0.1:0", "--state-file", bad];
    let out = gcbridge(dir.path(), &[], &args).await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains(bad) && out.stderr.contains("cannot be written"),
        "{out:?}"
    );
    let out = gcbridge(dir.path(), &[], &[&args[..], &["-o", "json"]].concat()).await;
    assert_eq!(out.code, 1, "{out:?}");
    let message = out.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains(bad), "{out:?}");

    let shared = dir.path().join("shared.json");
    let shared = shared.to_str().unwrap();
    let args = ["sim", "--listen", "127.0.0.1:0", "--state-file", shared];
    let (mut first, _) = spawn_sim(dir.path(), &args[1..], std::process::Stdio::null()).await;
    let out = gcbridge(dir.path(), &[], &args).await;
    assert_eq!(out.code, 1, "{out:?}");
    let pid = first.id().unwrap();
    assert!(
        out.stderr.contains(shared)
            && out.stderr.contains("in use by another emulator")
            && out.stderr.contains(&format!("pid {pid}")),
        "{out:?}"
    );
    first.kill().await.unwrap();
}
