//! Every bad input of the apply/plan flow: exit 2, a message naming the field, and no write request.

mod common;

use common::*;

struct Case {
    what: &'static str,
    args: Vec<String>,
    /// A file to write as gcbridge.toml first ({URL} is replaced by the emulator's URL).
    file: Option<&'static str>,
    /// Substrings the error output must contain.
    expect: &'static [&'static str],
}

fn flags(extra: &[&str], without: &[&str]) -> Vec<String> {
    let base = [
        ("--name", "d"),
        ("--aws-account-id", "123456789012"),
        ("--aws-region", "us-east-1"),
        ("--suffix", "d"),
        ("--event-types", "routing"),
    ];
    let mut out = vec!["apply".to_string(), "--auto-approve".to_string()];
    for (k, v) in base {
        if !without.contains(&k) && !extra.contains(&k) {
            out.push(k.into());
            out.push(v.into());
        }
    }
    out.extend(extra.iter().map(|s| s.to_string()));
    out
}

fn cases() -> Vec<Case> {
    let org = genesys_sim::DEFAULT_ORG_ID;
    vec![
        Case { what: "short account id", args: flags(&["--aws-account-id", "1234"], &[]), file: None, expect: &["--aws-account-id", "12 digits"] },
        Case { what: "letters in account id", args: flags(&["--aws-account-id", "12345678901x"], &[]), file: None, expect: &["--aws-account-id"] },
        Case { what: "unknown AWS region", args: flags(&["--aws-region", "us-east-9"], &[]), file: None, expect: &["--aws-region", "us-east-9"] },
        Case { what: "region with underscores", args: flags(&["--aws-region", "us_east_1"], &[]), file: None, expect: &["--aws-region", "\"us-east-1\""] },
        Case { what: "suffix with a space", args: flags(&["--suffix", "a b"], &[]), file: None, expect: &["--suffix", "' '"] },
        Case { what: "suffix too long", args: flags(&["--suffix", &"s".repeat(65)], &[]), file: None, expect: &["--suffix", "64"] },
        Case { what: "missing name", args: flags(&[], &["--name"]), file: None, expect: &["--name", "required"] },
        Case { what: "empty name", args: flags(&["--name", ""], &[]), file: None, expect: &["--name", "empty"] },
        Case { what: "missing account", args: flags(&[], &["--aws-account-id"]), file: None, expect: &["--aws-account-id", "required"] },
        Case { what: "no topics", args: flags(&[], &["--event-types"]), file: None, expect: &["--topic", "no topics"] },
        Case { what: "unknown topic", args: flags(&["--topic", "v2.users.{id}.presense"], &[]), file: None, expect: &["--topic", "v2.users.{id}.presence"] },
        Case { what: "WebSocket-only topic", args: flags(&["--topic", "v2.system.socket_closing"], &[]), file: None, expect: &["v2.system.socket_closing", "EventBridge"] },
        Case { what: "unknown family", args: flags(&["--event-types", "conversaton"], &[]), file: None, expect: &["conversaton", "\"conversation\""] },
        Case { what: "glob matching nothing", args: flags(&["--topic", "v2.nothing.*"], &[]), file: None, expect: &["v2.nothing.*", "matches no topic"] },
        Case { what: "garbage ARN", args: flags(&["--event-bus-arn", "not-an-arn"], &["--aws-account-id", "--aws-region", "--suffix"]), file: None, expect: &["--event-bus-arn", "is not an ARN"] },
        Case { what: "default bus ARN", args: flags(&["--event-bus-arn", "arn:aws:events:us-east-1:123456789012:event-bus/default"], &["--aws-account-id", "--aws-region", "--suffix"]), file: None, expect: &["--event-bus-arn", "partner"] },
        Case { what: "ARN plus suffix", args: flags(&["--event-bus-arn", &format!("arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/{org}/x")], &["--aws-account-id", "--aws-region"]), file: None, expect: &["--suffix", "together with"] },
        Case { what: "file and flags", args: vec!["plan".into(), "-f".into(), "gcbridge.toml".into(), "--name".into(), "x".into()], file: Some("[[destination]]\n"), expect: &["--name", "cannot be combined"] },
        Case { what: "nothing to plan", args: vec!["plan".into()], file: None, expect: &["-f gcbridge.toml"] },
        Case { what: "bad region flag", args: { let mut a = flags(&[], &[]); a.extend(["--region".into(), "mars-1".into()]); a }, file: None, expect: &["--region"] },
        Case { what: "plain http to a remote host", args: { let mut a = flags(&[], &[]); a.extend(["--api-url".into(), "http://example.com".into()]); a }, file: None, expect: &["--api-url", "loopback"] },
        Case { what: "unknown output format", args: vec!["status".into(), "--output".into(), "yaml".into()], file: None, expect: &["yaml"] },
        Case { what: "detailed exit code on apply", args: flags(&["--detailed-exitcode"], &[]), file: None, expect: &["--detailed-exitcode"] },
        Case {
            what: "unknown key in file",
            args: vec!["apply".into(), "-f".into(), "gcbridge.toml".into(), "--auto-approve".into()],
            file: Some("[genesys]\napi_url = \"{URL}\"\n\n[[destination]]\nname = \"a\"\naws_acount_id = \"123456789012\"\n"),
            expect: &["gcbridge.toml:6:", "aws_acount_id", "did you mean \"aws_account_id\""],
        },
        Case {
            what: "broken TOML",
            args: vec!["plan".into(), "-f".into(), "gcbridge.toml".into()],
            file: Some("[genesys\napi_url = \"{URL}\"\n"),
            expect: &["gcbridge.toml:1:"],
        },
        Case {
            what: "secret in file",
            args: vec!["plan".into(), "-f".into(), "gcbridge.toml".into()],
            file: Some("[genesys]\napi_url = \"{URL}\"\nclient_secret = \"hunter2\"\n"),
            expect: &["gcbridge.toml:3:", "client_secret_env"],
        },
        Case {
            what: "account id as a number in file",
            args: vec!["plan".into(), "-f".into(), "gcbridge.toml".into()],
            file: Some("[genesys]\napi_url = \"{URL}\"\n[[destination]]\nname = \"a\"\naws_account_id = 123456789012\naws_region = \"us-east-1\"\nevent_source_suffix = \"a\"\nevent_types = [\"user\"]\n"),
            expect: &["gcbridge.toml:5:", "aws_account_id", "quoted"],
        },
        Case {
            what: "duplicate suffix in file",
            args: vec!["plan".into(), "-f".into(), "gcbridge.toml".into()],
            file: Some("[genesys]\napi_url = \"{URL}\"\n[[destination]]\nname = \"a\"\naws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\nevent_source_suffix = \"s\"\nevent_types = [\"user\"]\n[[destination]]\nname = \"b\"\naws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\nevent_source_suffix = \"s\"\nevent_types = [\"user\"]\n"),
            expect: &["gcbridge.toml:9:", "event_source_suffix", "already used"],
        },
        Case {
            what: "unknown topic in file",
            args: vec!["plan".into(), "-f".into(), "gcbridge.toml".into()],
            file: Some("[genesys]\napi_url = \"{URL}\"\n[[destination]]\nname = \"a\"\naws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\nevent_source_suffix = \"a\"\ntopics = [\n  \"v2.users.{id}.presence\",\n  \"v2.users.{id}.precense\",\n]\n"),
            expect: &["gcbridge.toml:10:", "topics", "v2.users.{id}.presence"],
        },
        Case {
            what: "missing config file",
            args: vec!["plan".into(), "-f".into(), "nope.toml".into()],
            file: None,
            expect: &["nope.toml", "cannot read"],
        },
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_input_exits_2_names_the_field_and_writes_nothing() {
    let sim = sim().await;
    let url = sim.base_url();
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        if let Some(text) = case.file {
            std::fs::write(
                dir.path().join("gcbridge.toml"),
                text.replace("{URL}", &url),
            )
            .unwrap();
        }
        let mut env = env_for(&sim, &url, ADMIN);
        if case.file.is_some() {
            env.retain(|(k, _)| *k != "GENESYS_API_URL");
        }
        let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
        let out = gcbridge(dir.path(), &env, &args).await;
        let missing: Vec<&&str> = case
            .expect
            .iter()
            .filter(|e| !out.stderr.contains(*e))
            .collect();
        if out.code != 2 || !missing.is_empty() {
            failures.push(format!(
                "{}: expected exit 2 and {missing:?}\n{out:?}",
                case.what
            ));
        }
    }
    let c = counters(&url).await;
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert_eq!(c["writes"], 0, "bad input must never reach a write: {c}");
}

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

#[tokio::test(flavor = "multi_thread")]
async fn wrong_secret_says_where_it_came_from_and_never_prints_it() {
    let sim = sim().await;
    let url = sim.base_url();
    let dir = tempfile::tempdir().unwrap();
    let secret = "s3cr3t-value-that-must-not-leak";
    // Terraform provider names, from a .env file.
    std::fs::write(
        dir.path().join(".env"),
        format!("GENESYSCLOUD_OAUTHCLIENT_ID={ADMIN}\nGENESYSCLOUD_OAUTHCLIENT_SECRET={secret}\n"),
    )
    .unwrap();
    let out = gcbridge(
        dir.path(),
        &[("GENESYS_API_URL", &url)],
        &["whoami", "-vvv"],
    )
    .await;
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
    std::fs::write(
        dir.path().join(".env"),
        format!("GENESYSCLOUD_OAUTHCLIENT_ID={ADMIN}\nGENESYSCLOUD_OAUTHCLIENT_SECRET={SECRET}\n"),
    )
    .unwrap();
    let out = gcbridge(
        dir.path(),
        &[("GENESYS_API_URL", &url)],
        &["whoami", "-vvv"],
    )
    .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        !out.stderr.contains(SECRET),
        "the secret is never logged: {out:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sim_command_prints_its_url_first_and_serves() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_gcbridge"))
        .args([
            "sim",
            "--listen",
            "127.0.0.1:0",
            "--activation-delay-ms",
            "10",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_string();
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
