//! A program (in practice the gcbridge binary, `env!("CARGO_BIN_EXE_gcbridge")` of the caller) as
//! a subprocess of a test, with a clean environment: nothing of the developer's environment
//! reaches it but `PATH`, and whatever it runs can only ever load the static test keys and talk to
//! loopback:
//!
//! - `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` = `testing`, `AWS_EC2_METADATA_DISABLED=true`,
//!   and `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` pointing at nothing, so the AWS
//!   credential chain never reads a real profile nor asks the instance metadata service;
//! - `AWS_ENDPOINT_URL=http://127.0.0.1:1` (nothing listens there), so an AWS call that a test
//!   did not point at moto (`--aws-endpoint`) fails at once instead of leaving the machine.
//!
//! The caller's `env` comes after these defaults and may override them (a moto test sets its own
//! region, for one); stdin is closed (not a terminal); the child is killed when dropped.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

/// The variables every subprocess starts with (before the caller's own), see the module doc.
pub const SAFE_ENV: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", crate::moto::TEST_KEY_ID),
    ("AWS_SECRET_ACCESS_KEY", crate::moto::TEST_SECRET_KEY),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_CONFIG_FILE", "/nonexistent/gcbridge-tests/aws-config"),
    (
        "AWS_SHARED_CREDENTIALS_FILE",
        "/nonexistent/gcbridge-tests/aws-credentials",
    ),
    ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
];

/// What a finished subprocess left: its exit code (-1 when killed by a signal) and its output.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout as JSON; panics (showing it) when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// stdout as one JSON document a line (the `-o json` of a stream: `tail`, `events`); panics
    /// (showing the line) at one that is not.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

impl From<std::process::Output> for Output {
    fn from(out: std::process::Output) -> Self {
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// `program` to run in `dir` with only `PATH`, [`SAFE_ENV`] and `env`; stdin closed, killed on
/// drop. The caller adds arguments and pipes, then spawns it or hands it to [`output_within`].
pub fn command<K, V>(
    program: impl AsRef<OsStr>,
    dir: &Path,
    env: impl IntoIterator<Item = (K, V)>,
) -> tokio::process::Command
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut cmd = tokio::process::Command::new(program);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(SAFE_ENV.iter().copied())
        // The suite's emulator quirks reach `gcbridge sim` subprocesses (see crate::sim).
        .envs(crate::sim::subprocess_env())
        .envs(env)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Runs `cmd` to its end, within `limit` (else panics), capturing stdout and stderr.
pub async fn output_within(mut cmd: tokio::process::Command, limit: Duration) -> Output {
    tokio::time::timeout(limit, cmd.output())
        .await
        .unwrap_or_else(|_| panic!("the subprocess finished within {} s", limit.as_secs()))
        .expect("the subprocess runs")
        .into()
}

/// Runs `program args...` in `dir` with `env` (see [`command`]) to its end within `limit`.
pub async fn run<K, V>(
    program: impl AsRef<OsStr>,
    dir: &Path,
    env: impl IntoIterator<Item = (K, V)>,
    args: &[&str],
    limit: Duration,
) -> Output
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut cmd = command(program, dir, env);
    cmd.args(args);
    output_within(cmd, limit).await
}

/// Waits (up to 20 s) for the first stdout line of `gcbridge sim`, `listening on URL`, and returns
/// the URL; later lines are read and dropped so the emulator never blocks on a full pipe.
pub async fn sim_url(child: &mut tokio::process::Child) -> String {
    use tokio::io::AsyncBufReadExt;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let first = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the emulator starts within 20 s")
        .expect("its stdout is readable")
        .unwrap_or_default();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first}"))
        .to_string()
}
