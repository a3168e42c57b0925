//! A moto server of its own that enforces IAM (moto's "IAM-like Access Control"): started with
//! `INITIAL_NO_AUTH_ACTION_COUNT=0`, it authenticates every request and checks its action against
//! the policies of the IAM user whose key signed it. The variable is process-wide, so this is not
//! the suite's shared moto of `scripts/with-moto`: [`EnforcingMoto::start`] runs
//! `.venv/bin/python scripts/moto/launcher.py PORT` on a free 127.0.0.1 port (the launcher's
//! `scripts/moto/iam.py` makes the enforcement usable and says what moto checks), waits until it
//! answers and kills it when dropped.
//!
//! The static test key (`testing`) stays unchecked there: it is the emulator's partner side and
//! the test's own setup. [`EnforcingMoto::user`] makes an IAM user holding exactly one policy,
//! whose key is the one gcbridge runs with.
//!
//! Without `.venv` (moto not installed) the caller is skipped with a `SKIPPED` line, or fails
//! under CI / `GCBRIDGE_REQUIRE_MOTO`, like [`crate::moto::endpoint`].

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The moto server; killed on drop.
pub struct EnforcingMoto {
    pub endpoint: String,
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// An IAM user's access key.
#[derive(Debug, Clone)]
pub struct UserKey {
    pub user: String,
    pub key_id: String,
    pub secret: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

impl EnforcingMoto {
    /// Starts it, or `None` (skipped, said on stderr) when moto is not installed and not required.
    #[track_caller]
    pub fn start() -> Option<EnforcingMoto> {
        let python = root().join(".venv/bin/python");
        if !python.exists() {
            let test = std::thread::current().name().unwrap_or("?").to_string();
            if crate::moto::required() {
                panic!(
                    "{test} needs moto's .venv ({}), missing: run scripts/moto-server --install-only",
                    python.display()
                );
            }
            let _ = writeln!(std::io::stderr(), "SKIPPED (no .venv with moto): {test}");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("moto.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(&python)
            .arg(root().join("scripts/moto/launcher.py"))
            .arg(port.to_string())
            .current_dir(root().join("scripts/moto"))
            .env("INITIAL_NO_AUTH_ACTION_COUNT", "0")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("the moto launcher starts");
        let mut moto = EnforcingMoto {
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
            log,
            _dir: dir,
        };
        moto.wait_until_it_answers();
        Some(moto)
    }

    fn wait_until_it_answers(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let url = format!("{}/moto-api/", self.endpoint);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "moto exited ({status}) before answering: {}",
                    self.log_tail()
                );
            }
            if answers(&url) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "moto did not answer on {} within 60 s: {}",
                self.endpoint,
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Runs `scripts/moto/iam.py ENDPOINT`: each correction of the launcher's IAM patch proven
    /// against this server (panics, with its output, unless it passes).
    pub fn selfcheck(&self) {
        let out = Command::new(root().join(".venv/bin/python"))
            .arg(root().join("scripts/moto/iam.py"))
            .arg(&self.endpoint)
            .current_dir(root().join("scripts/moto"))
            .output()
            .expect("the selfcheck runs");
        assert!(
            out.status.success(),
            "scripts/moto/iam.py selfcheck failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The end of moto's log, for a failure message.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    async fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&crate::moto::sdk_config(&self.endpoint, "us-east-1").await)
    }

    /// A new IAM user `name` of moto's default account holding exactly `policy` (inline) and its
    /// access key.
    pub async fn user(&self, name: &str, policy: &serde_json::Value) -> UserKey {
        let iam = self.iam().await;
        iam.create_user()
            .user_name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("iam:CreateUser {name}: {e:?}"));
        self.set_policy(name, policy).await;
        let key = iam
            .create_access_key()
            .user_name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("iam:CreateAccessKey {name}: {e:?}"))
            .access_key
            .expect("an access key");
        UserKey {
            user: name.to_string(),
            key_id: key.access_key_id,
            secret: key.secret_access_key,
        }
    }

    /// Replaces the user's inline policy with `policy`.
    pub async fn set_policy(&self, user: &str, policy: &serde_json::Value) {
        self.iam()
            .await
            .put_user_policy()
            .user_name(user)
            .policy_name("gcbridge")
            .policy_document(policy.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("iam:PutUserPolicy {user}: {e:?}"));
    }
}

/// Whether a plain HTTP GET of `url` is answered at all (any status), without an async runtime.
fn answers(url: &str) -> bool {
    use std::io::{Read, Write};
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let (addr, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(mut s) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let req = format!("GET /{path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if s.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.")
}

impl Drop for EnforcingMoto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
