//! No secret leaks: every command runs with a recognisable client secret, `-vvv` and
//! `RUST_BACKTRACE=1`, through a recording proxy that captures every bearer token the emulator
//! issues; stdout, stderr (trace logs, crash and broken-pipe output) and every file in the working
//! directory are then searched for the secret, its `id:secret` Basic form and every token.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::Output;
use genesys_sim::{ClientSpec, OrgSpec, SimConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

mod from_aws;

const CLIENT: &str = "canary-admin";
const CANARY: &str = "S3cr3t-canary-7f9a2c";
const WRONG: &str = "Wr0ng-canary-4b1d9e";

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A TCP proxy in front of the emulator that keeps every byte the emulator sends back, so the
/// test knows each access token gcbridge was given.
async fn recording_proxy(upstream: std::net::SocketAddr) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let record = Arc::new(Mutex::new(Vec::new()));
    let rec = record.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let rec = rec.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                    let _ = sw.shutdown().await;
                });
                let mut buf = vec![0u8; 16384];
                loop {
                    match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            rec.lock().unwrap().extend_from_slice(&buf[..n]);
                            if cw.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = cw.shutdown().await;
                up.abort();
            });
        }
    });
    (format!("http://{addr}"), record)
}

/// Every `"access_token":"..."` value in the recorded responses.
fn tokens_in(record: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(record);
    let mut tokens = Vec::new();
    for part in text.split("\"access_token\"").skip(1) {
        let rest = part.trim_start().trim_start_matches(':').trim_start();
        if let Some(v) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
            if !v.is_empty() && !tokens.contains(&v.to_string()) {
                tokens.push(v.to_string());
            }
        }
    }
    tokens
}

/// gcbridge with a clean env plus `env` and `RUST_BACKTRACE=1` (a crash shows its backtrace).
fn command(dir: &Path, env: &[(&str, &str)]) -> tokio::process::Command {
    crate::common::command(dir, env.iter().copied().chain([("RUST_BACKTRACE", "1")]))
}

async fn run(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = command(dir, env);
    cmd.args(args);
    gcbridge_testkit::cli::output_within(cmd, Duration::from_secs(120)).await
}

/// stdout closed after the first bytes: the broken-pipe path, stderr kept.
async fn run_broken_pipe(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = command(dir, env);
    cmd.args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    let _ = stdout.read(&mut first).await;
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .unwrap()
        .unwrap();
    Output {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&first).into_owned(),
        stderr,
    }
}

fn files_under(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else if let Ok(bytes) = std::fs::read(&p) {
            out.push((
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    out
}

/// How a run of the leak test must end (whatever the end, its output is searched).
#[derive(Clone, Copy)]
enum Ends {
    Any,
    Code(i32),
    Fails,
}

/// The environment a run of the leak test has.
#[derive(Clone, Copy, Debug)]
enum With {
    /// The credentials in `GENESYS_*`.
    Env,
    /// The variables the config file names.
    FileVars,
    /// A wrong secret in `GENESYS_CLIENT_SECRET`.
    WrongSecret,
    /// [`With::Env`], and gcbridge aborts after its first write (as a SIGKILL would leave it).
    Aborting,
}

/// The emulator with one org whose only client is `CLIENT`, its secret `CANARY`.
async fn canary_sim() -> genesys_sim::RunningSim {
    crate::common::sim_with(SimConfig {
        orgs: vec![OrgSpec {
            id: genesys_sim::DEFAULT_ORG_ID.into(),
            name: "canary-org".into(),
            rate_limit_per_minute: None,
            clients: vec![ClientSpec {
                id: CLIENT.into(),
                secret: CANARY.into(),
                permissions: [
                    "integrations:integration:add",
                    "integrations:integration:view",
                    "integrations:integration:edit",
                    "integrations:integration:delete",
                ]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            }],
        }],
        activation_delay: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn no_command_prints_logs_or_writes_the_secret_or_a_token() {
    let sim = canary_sim().await;
    let (url, record) = recording_proxy(sim.addr()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = [
        ("GENESYS_API_URL", url.as_str()),
        ("GENESYS_CLIENT_ID", CLIENT),
        ("GENESYS_CLIENT_SECRET", CANARY),
    ];
    let wrong_env = [
        ("GENESYS_API_URL", url.as_str()),
        ("GENESYS_CLIENT_ID", CLIENT),
        ("GENESYS_CLIENT_SECRET", WRONG),
    ];
    // A config file naming the env vars (the secret itself never goes in a file).
    std::fs::write(
        d.join("gcbridge.toml"),
        format!(
            "[genesys]\napi_url = \"{url}\"\nclient_id_env = \"CANARY_ID\"\nclient_secret_env = \"CANARY_SECRET\"\n\n\
             [[destination]]\nname = \"canary\"\naws_account_id = \"123456789012\"\naws_region = \"us-east-1\"\n\
             event_source_suffix = \"canary\"\nevent_types = [\"user\"]\n"
        ),
    )
    .unwrap();
    let file_env = [("CANARY_ID", CLIENT), ("CANARY_SECRET", CANARY)];
    let mut crash_env = env.to_vec();
    crash_env.push(("GCBRIDGE_TEST_ABORT_AFTER_WRITES", "1"));
    let dest = "--name flags-dest --aws-account-id 123456789012 --aws-region us-east-1 \
                --suffix flags-dest --event-types routing";
    let secret_as_a_flag = format!("whoami --client-secret {CANARY} --client-id {CLIENT}");
    use Ends::{Any, Code, Fails};
    use With::{Aborting, Env, FileVars, WrongSecret};
    // Every command at -vvv (added after its name), in an order that has each one find what it
    // reads: apply creates what status, export and doctor read, delete and destroy remove it.
    let steps: [(With, &str, Ends); 18] = [
        (Env, "whoami", Any),
        (Env, "whoami -o json", Any),
        (Env, "topics --family user", Any),
        (Env, &format!("plan {dest}"), Any),
        (Env, &format!("apply --auto-approve --wait {dest}"), Code(0)),
        (FileVars, "apply -f gcbridge.toml --auto-approve", Any),
        (Env, "status", Any),
        (Env, "status -o json", Any),
        (Env, "export", Code(0)),
        (FileVars, "validate -f gcbridge.toml --online", Any),
        (Env, "doctor flags-dest", Any),
        (Env, "delete flags-dest --yes", Any),
        (FileVars, "destroy -f gcbridge.toml --auto-approve", Any),
        (Env, "demo", Any),
        (WrongSecret, "whoami", Code(1)),
        (WrongSecret, "apply -f gcbridge.toml --auto-approve", Any),
        (Env, &secret_as_a_flag, Any),
        (Aborting, &format!("apply --auto-approve {dest}"), Fails),
    ];
    let mut outputs: Vec<(String, Output)> = Vec::new();
    for (with, line, ends) in steps {
        let label = format!("{with:?}: {line}");
        let vars: &[(&str, &str)] = match with {
            Env => &env,
            FileVars => &file_env,
            WrongSecret => &wrong_env,
            Aborting => &crash_env,
        };
        let (name, rest) = line.split_once(' ').unwrap_or((line, ""));
        let args: Vec<&str> = [name, "-vvv"]
            .into_iter()
            .chain(rest.split_whitespace())
            .collect();
        let out = run(d, vars, &args).await;
        match ends {
            Any => {}
            Code(code) => assert_eq!(out.code, code, "{label}: {out:?}"),
            Fails => assert_ne!(out.code, 0, "{label}: {out:?}"),
        }
        outputs.push((label, out));
    }
    // export's output saved as a user would, so that the file search reads it too.
    let export = &outputs
        .iter()
        .find(|(label, _)| label == "Env: export")
        .unwrap()
        .1;
    std::fs::write(d.join("exported.toml"), &export.stdout).unwrap();
    // A closed pipe.
    outputs.push((
        "broken pipe".into(),
        run_broken_pipe(d, &env, &["topics", "-vvv", "--all"]).await,
    ));

    // The tokens gcbridge was given, and one fetched directly with the same credentials.
    let direct = crate::common::token(&url, CLIENT, CANARY).await;
    let tokens = tokens_in(&record.lock().unwrap());
    assert!(
        tokens.len() >= 10,
        "the proxy saw the tokens issued: {}",
        tokens.len()
    );
    assert!(tokens.contains(&direct));
    let basic = base64(format!("{CLIENT}:{CANARY}").as_bytes());
    let basic_wrong = base64(format!("{CLIENT}:{WRONG}").as_bytes());
    let mut needles: Vec<(String, String)> = vec![
        ("the secret".into(), CANARY.into()),
        ("the wrong secret".into(), WRONG.into()),
        ("the Basic credentials".into(), basic),
        ("the wrong Basic credentials".into(), basic_wrong),
        ("a bearer header".into(), "Bearer ".into()),
        ("a bearer header".into(), "bearer ey".into()),
    ];
    for t in &tokens {
        needles.push(("an access token".into(), t.clone()));
    }

    let mut haystacks: Vec<(String, String)> = Vec::new();
    let mut trace_lines = 0;
    for (label, out) in &outputs {
        trace_lines += out.stderr.lines().filter(|l| l.contains("TRACE")).count();
        haystacks.push((format!("{label}: stdout"), out.stdout.clone()));
        haystacks.push((format!("{label}: stderr"), out.stderr.clone()));
    }
    assert!(trace_lines > 0, "-vvv produced trace logs to search");
    for (path, text) in files_under(d) {
        haystacks.push((format!("file {path}"), text));
    }
    let mut leaks = Vec::new();
    for (where_, text) in &haystacks {
        for (what, needle) in &needles {
            if text.contains(needle.as_str()) {
                leaks.push(format!("{what} in {where_}"));
            }
        }
    }
    assert!(leaks.is_empty(), "leaks: {leaks:#?}");
    eprintln!(
        "secrets: {} runs, {} outputs and files searched, {} tokens, {} trace lines: no leak",
        outputs.len(),
        haystacks.len(),
        tokens.len(),
        trace_lines
    );
}

/// TLS is verified against the platform's roots, and nothing turns that off: an https endpoint
/// on loopback with a self-signed certificate (openssl s_server) is refused with a TLS error that
/// says what to check, and no request carrying credentials completes. Skipped (with a note) when
/// openssl is not installed. Plain http to a remote host is refused by the bad-input corpus
/// (bad_input.rs, "plain http to a remote host").
#[tokio::test(flavor = "multi_thread")]
async fn a_self_signed_certificate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let gen = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .current_dir(d)
        .output();
    match gen {
        Ok(o) if o.status.success() => {}
        _ => {
            eprintln!("SKIPPED: openssl is not available to make a self-signed certificate");
            return;
        }
    }
    let port = gcbridge_testkit::listeners::free_port();
    let mut server = tokio::process::Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-accept",
            // Loopback only (a bare port would listen on every interface).
            &format!("127.0.0.1:{port}"),
            "-cert",
            "cert.pem",
            "-key",
            "key.pem",
            "-www",
        ])
        .current_dir(d)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = format!("https://127.0.0.1:{port}");
    let env = [
        ("GENESYS_API_URL", url.as_str()),
        ("GENESYS_CLIENT_ID", CLIENT),
        ("GENESYS_CLIENT_SECRET", CANARY),
    ];
    let out = run(d, &env, &["whoami"]).await;
    let _ = server.start_kill();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("TLS with '127.0.0.1' failed") && out.stderr.contains("certificate"),
        "a TLS error naming the host and the certificate problem: {out:?}"
    );
    assert!(!out.stderr.contains(CANARY) && !out.stdout.contains(CANARY));
    // No flag or env var disables verification.
    let help = run(d, &[], &["--help"]).await.stdout.to_lowercase();
    for word in ["insecure", "no-verify", "skip-verify", "danger"] {
        assert!(!help.contains(word), "--help offers {word}");
    }
}
