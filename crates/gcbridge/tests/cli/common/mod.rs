//! The CLI suite's own harness on top of gcbridge-testkit: the gcbridge binary with its
//! defaults (clean environment, 60 s limit), the emulator with a quick activation, the env
//! that points gcbridge at an emulator, and (in [`aws_world`]) the AWS half's world against moto.
//! Everything else (tokens, counters, faults, the subprocess rules) is gcbridge-testkit's,
//! re-exported here.

#![allow(dead_code)]

pub mod aws_world;
pub mod fleet;

use std::path::Path;
use std::time::Duration;

use genesys_sim::RunningSim;

pub use aws_world::{
    assert_source_pending_without_its_bus, correlation_ids, partner_bus, replay_time_now,
    rules_named, sns_topic, AwsWorld,
};
pub use gcbridge_testkit::cli::Output;
pub use gcbridge_testkit::config_file;
pub use gcbridge_testkit::sim::{
    api, clear_faults, clear_requests, integrations, requests, set_faults, start as sim_with,
    token, writes, ADMIN, SECRET, VIEWER,
};

/// The topic most AWS-half tests subscribe to.
pub const PRESENCE: &str = "v2.users.{id}.presence";

/// The gcbridge binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_gcbridge");

/// The default emulator, integrations active after 100 ms.
pub async fn sim() -> RunningSim {
    sim_with(gcbridge_testkit::sim::quick_config(Duration::from_millis(
        100,
    )))
    .await
}

/// A `gcbridge` command in `dir` with a clean env plus `env` (gcbridge_testkit::cli::command).
pub fn command<K: AsRef<std::ffi::OsStr>, V: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    env: impl IntoIterator<Item = (K, V)>,
) -> tokio::process::Command {
    gcbridge_testkit::cli::command(BIN, dir, env)
}

/// `gcbridge sim ARGS...` started in `dir` (clean env) and its URL once it listens
/// ([`gcbridge_testkit::cli::sim_url`]); `stderr` as the test wants it (piped to read the banner,
/// or null). The emulator is killed when the child is dropped.
pub async fn spawn_sim(
    dir: &Path,
    args: &[&str],
    stderr: std::process::Stdio,
) -> (tokio::process::Child, String) {
    let mut child = command(dir, std::iter::empty::<(&str, &str)>())
        .arg("sim")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let url = gcbridge_testkit::cli::sim_url(&mut child).await;
    (child, url)
}

/// Runs gcbridge in `dir` with only the given env vars (plus PATH and the test-safe AWS
/// defaults), stdin closed (not a terminal).
pub async fn gcbridge(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    gcbridge_within(dir, env, args, Duration::from_secs(60)).await
}

/// `gcbridge` with an explicit time limit (fault tests retry for a while).
pub async fn gcbridge_within(
    dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    limit: Duration,
) -> Output {
    gcbridge_testkit::cli::run(BIN, dir, env.iter().copied(), args, limit).await
}

/// gcbridge in `dir` with `env` as a background task, for a test that acts while it runs
/// (publishes to a running `tail`, say); the handle gives its output.
pub fn spawn_gcbridge(
    dir: &Path,
    env: &[(String, String)],
    args: &[&str],
    limit: Duration,
) -> tokio::task::JoinHandle<Output> {
    let dir = dir.to_path_buf();
    let env = env.to_vec();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::spawn(async move {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        gcbridge_within(&dir, &env, &args, limit).await
    })
}

/// The head of a Markdown table of figures with `columns` (the fault suites print theirs for
/// docs/RELIABILITY.md); rows are written after it.
pub fn figures_table(columns: &[&str]) -> String {
    format!(
        "\n| {} |\n|{}\n",
        columns.join(" | "),
        "---|".repeat(columns.len())
    )
}

/// The env that points gcbridge at the emulator at `url` as `client`.
pub fn env_for<'a>(url: &'a str, client: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("GENESYS_API_URL", url),
        ("GENESYS_CLIENT_ID", client),
        ("GENESYS_CLIENT_SECRET", SECRET),
    ]
}

/// The emulator playing Genesys's partner side against moto at `moto` (integrations active
/// after 100 ms), for the AWS half end to end.
pub async fn sim_with_moto(moto: &str) -> RunningSim {
    sim_with(genesys_sim::SimConfig {
        activation_delay: Duration::from_millis(100),
        eventbridge_endpoint: Some(moto.to_string()),
        ..genesys_sim::SimConfig::default()
    })
    .await
}

/// The env of gcbridge against the emulator at `url` as its admin and moto with the static test
/// keys in us-east-1.
pub fn moto_env(url: &str) -> Vec<(String, String)> {
    let mut env: Vec<(&str, &str)> = env_for(url, ADMIN);
    env.extend([
        ("AWS_ACCESS_KEY_ID", gcbridge_testkit::moto::TEST_KEY_ID),
        (
            "AWS_SECRET_ACCESS_KEY",
            gcbridge_testkit::moto::TEST_SECRET_KEY,
        ),
        ("AWS_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "2"),
    ]);
    env.into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// doctor's JSON checks with `status` ("fail", "warn", ...), as "label: detail | fix: fix".
pub fn doctor_checks(out: &Output, status: &str) -> Vec<String> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&out.stdout) else {
        return vec![format!("(not JSON) {out:?}")];
    };
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["checks"].as_array().unwrap().clone())
        .filter(|c| c["status"] == status)
        .map(|c| {
            format!(
                "{}: {} | fix: {}",
                c["check"].as_str().unwrap(),
                c["detail"].as_str().unwrap(),
                c["fix"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// One emulator, one working directory and the env gcbridge runs with there.
pub struct World {
    pub sim: RunningSim,
    pub url: String,
    pub dir: tempfile::TempDir,
    pub env: Vec<(String, String)>,
    /// How long one gcbridge run may take.
    pub limit: Duration,
}

impl World {
    /// `sim` with a new, empty working directory and `env`.
    pub fn new(sim: RunningSim, env: Vec<(String, String)>) -> World {
        World {
            url: sim.base_url(),
            sim,
            dir: tempfile::tempdir().unwrap(),
            env,
            limit: Duration::from_secs(60),
        }
    }

    /// The default emulator ([`sim`]) and the env of its `client` ([`env_for`]).
    pub async fn as_client(client: &str) -> World {
        let sim = sim().await;
        let env = env_for(&sim.base_url(), client)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        World::new(sim, env)
    }

    /// Writes `name` in the working directory.
    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.dir.path().join(name), contents).unwrap();
    }

    /// A new, empty working directory; the emulator and its state stay.
    pub fn new_dir(&mut self) {
        self.dir = tempfile::tempdir().unwrap();
    }

    /// gcbridge in the working directory with `env`.
    pub async fn run_with(&self, env: &[(String, String)], args: &[&str]) -> Output {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        gcbridge_within(self.dir.path(), &env, args, self.limit).await
    }

    /// gcbridge in the working directory with the world's env.
    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_with(&self.env, args).await
    }

    /// gcbridge in the working directory with the world's env, in the background
    /// ([`spawn_gcbridge`]).
    pub fn spawn(&self, args: &[&str]) -> tokio::task::JoinHandle<Output> {
        spawn_gcbridge(self.dir.path(), &self.env, args, self.limit)
    }

    /// `apply -f FILE --auto-approve EXTRA...`.
    pub async fn apply(&self, file: &str, extra: &[&str]) -> Output {
        let mut args = vec!["apply", "-f", file, "--auto-approve"];
        args.extend(extra);
        self.run(&args).await
    }

    /// `plan -f FILE --detailed-exitcode EXTRA...` (exit 0: nothing to change).
    pub async fn plan(&self, file: &str, extra: &[&str]) -> Output {
        let mut args = vec!["plan", "-f", file, "--detailed-exitcode"];
        args.extend(extra);
        self.run(&args).await
    }
}

/// The flags of the one destination most CLI tests apply: `prod-events`, routing topics.
pub const DEST: &[&str] = &[
    "--name",
    "prod-events",
    "--aws-account-id",
    "123456789012",
    "--aws-region",
    "us-east-1",
    "--suffix",
    "prod-events",
    "--event-types",
    "routing",
];

/// No rule of gcbridge's (temporary ones are named `gcbridge-...`) is left on `bus` after `tail`.
pub async fn assert_tail_removed_its_rule(events: &aws_sdk_eventbridge::Client, bus: &str) {
    let left = rules_named(events, bus, "gcbridge-").await;
    assert!(left.is_empty(), "tail removed its rule: {left:?}");
}
