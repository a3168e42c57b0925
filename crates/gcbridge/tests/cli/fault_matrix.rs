//! The fault matrix: every kind of fault the emulator injects (5xx, 429 storms with and without
//! `Retry-After`, latency, closed connections, cut bodies, a slow token endpoint, revoked tokens,
//! lost POST responses) at 10% and 30% of requests, against a fleet apply (gcbridge as a
//! subprocess, `--parallel 8`). Each cell re-runs apply until it converges (at most 3 runs) and then
//! checks the end state: exactly the desired integrations per org, with the desired topics and
//! state, no duplicate, and a clean `plan` once the faults are gone.
//!
//! The default fleet is 20 orgs x 2 destinations (the whole matrix stays within a few minutes of a
//! debug build on 2 cores). `FAULT_MATRIX_FLEET=20x5` runs the full fleet of the fleet issue
//! (docs/RELIABILITY.md records it); `FAULT_MATRIX_LATENCY_MS` adds emulator latency.
//!
//! Also here: a permanent fault fails with a clear message and a re-run finishes the job, and a lost
//! POST response is adopted by the next step without a duplicate.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::clear_faults;
use crate::common::fleet::{
    self, fleet_config, fleet_env, fleet_file, org_id, org_integrations, ALL_PERMISSIONS,
};
use futures_util::StreamExt;
use gcbridge_testkit::listeners::free_port;
use genesys_sim::{FaultKind, FaultRule, SimConfig};
use serde_json::Value;

/// Topics of each destination: the routing family (11) plus the presence topic.
const TOPICS_PER_DESTINATION: usize = 12;

/// Problems with the end state of `orgs` x `dests` (empty when it is exactly the desired one).
async fn end_state_problems(url: &str, orgs: usize, dests: usize) -> Vec<String> {
    let mut problems = Vec::new();
    for i in 0..orgs {
        let all = org_integrations(url, i).await;
        let mut names: Vec<&str> = all.iter().filter_map(|x| x["name"].as_str()).collect();
        names.sort_unstable();
        let want: Vec<String> = (0..dests).map(|d| format!("dest-{d}")).collect();
        if names.windows(2).any(|w| w[0] == w[1]) {
            problems.push(format!("DUPLICATE in org-{i}: {names:?}"));
            continue;
        }
        if names != want {
            problems.push(format!("org-{i}: integrations {names:?}, want {want:?}"));
            continue;
        }
        for x in &all {
            let name = x["name"].as_str().unwrap();
            let d: usize = name.trim_start_matches("dest-").parse().unwrap();
            let props = &x["config"]["current"]["properties"];
            let topics = props["eventFilter"].as_array().map_or(0, |a| a.len());
            let ok = x["intendedState"] == "ENABLED"
                && topics == TOPICS_PER_DESTINATION
                && props["eventFilter"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|t| t == "v2.users.{id}.presence"))
                && props["awsAccountId"] == format!("1234567890{d:02}")
                && props["awsAccountRegion"] == "us-east-1"
                && props["eventSourceSuffix"] == format!("org-{i}-dest-{d}");
            if !ok {
                problems.push(format!(
                    "org-{i} {name}: state {} with {topics} topics, config {props}",
                    x["intendedState"]
                ));
            }
        }
    }
    problems
}

/// One cell of the matrix, as measured.
struct CellResult {
    label: String,
    rate: f64,
    converged_after: Option<usize>,
    requests: u64,
    retries: u64,
    injected: u64,
    wall: Duration,
    last_error: String,
}

fn count_retries(stderr: &str) -> u64 {
    stderr
        .lines()
        .filter(|l| {
            l.contains("retrying Genesys Cloud request") || l.contains("401: renewing the token")
        })
        .count() as u64
}

fn fleet_shape() -> (usize, usize) {
    std::env::var("FAULT_MATRIX_FLEET")
        .ok()
        .and_then(|s| {
            let (o, d) = s.split_once('x')?;
            Some((o.trim().parse().ok()?, d.trim().parse().ok()?))
        })
        .unwrap_or((20, 2))
}

/// Runs one cell: a fresh emulator with `rule` from the start, apply up to 3 times, then the checks.
async fn run_cell(label: &str, rule: FaultRule, seed: u64) -> CellResult {
    let (orgs, dests) = fleet_shape();
    let mut config = fleet_config(orgs);
    config.latency = Duration::from_millis(
        std::env::var("FAULT_MATRIX_LATENCY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    );
    let rate = rule.rate;
    config.faults = vec![rule];
    config.fault_seed = Some(seed);
    let f = fleet::start(config, orgs, dests, "fleet.toml").await;
    let url = f.url.clone();

    let started = Instant::now();
    let mut converged_after = None;
    let mut retries = 0;
    let mut last_error = String::new();
    for run in 1..=3 {
        let out = f.apply("fleet.toml", &["--parallel", "8", "-vv"]).await;
        retries += count_retries(&out.stderr);
        if out.code == 0 {
            converged_after = Some(run);
            break;
        }
        assert_eq!(
            out.code, 1,
            "a fault is a failure (1), never bad input: {out:?}"
        );
        last_error = out
            .stderr
            .lines()
            .chain(out.stdout.lines())
            .filter(|l| !l.contains("DEBUG") && !l.contains("TRACE") && !l.contains("INFO"))
            .find(|l| l.contains("error") || l.contains("failed"))
            .unwrap_or("")
            .trim()
            .chars()
            .take(200)
            .collect();
        assert!(
            !last_error.is_empty(),
            "a failed run says why ({label} at {rate}): {out:?}"
        );
    }
    let wall = started.elapsed();
    let c = crate::common::requests(&url).await;
    let injected = c["faultsInjected"]
        .as_object()
        .map_or(0, |m| m.values().filter_map(Value::as_u64).sum());
    let requests = c["total"].as_u64().unwrap();

    // Whatever happened, nothing is duplicated; once converged, the state is exactly the desired one.
    clear_faults(&url).await;
    let problems = end_state_problems(&url, orgs, dests).await;
    if converged_after.is_some() {
        assert!(
            problems.is_empty(),
            "{label} at {rate}: apply said done, but: {problems:#?}"
        );
        let out = f.plan("fleet.toml", &["--parallel", "8"]).await;
        assert_eq!(out.code, 0, "{label} at {rate}: plan is clean: {out:?}");
    } else {
        for p in &problems {
            assert!(!p.starts_with("DUPLICATE"), "{label} at {rate}: {p}");
        }
        // Nothing half-written that a re-run would not finish: with the faults gone, one run does.
        let out = f.apply("fleet.toml", &["--parallel", "8"]).await;
        assert_eq!(
            out.code, 0,
            "{label} at {rate}: a re-run without faults finishes: {out:?}"
        );
        let problems = end_state_problems(&url, orgs, dests).await;
        assert!(problems.is_empty(), "{label} at {rate}: {problems:#?}");
    }
    f.sim.shutdown().await;
    CellResult {
        label: label.to_string(),
        rate,
        converged_after,
        requests,
        retries,
        injected,
        wall,
        last_error,
    }
}

fn kinds() -> Vec<(&'static str, FaultRule)> {
    vec![
        ("status 500", FaultRule::new(FaultKind::Status(500))),
        ("status 502", FaultRule::new(FaultKind::Status(502))),
        ("status 503", FaultRule::new(FaultKind::Status(503))),
        ("status 504", FaultRule::new(FaultKind::Status(504))),
        (
            "429 Retry-After: 1",
            FaultRule::new(FaultKind::RateLimit {
                retry_after_secs: Some(1),
            }),
        ),
        (
            "429 no Retry-After",
            FaultRule::new(FaultKind::RateLimit {
                retry_after_secs: None,
            }),
        ),
        (
            "latency 200 ms",
            FaultRule::new(FaultKind::Latency { ms: 200 }),
        ),
        (
            "close-connection",
            FaultRule::new(FaultKind::CloseConnection),
        ),
        ("truncated-body", FaultRule::new(FaultKind::TruncatedBody)),
        (
            "slow-token 1000 ms",
            FaultRule::new(FaultKind::SlowToken { ms: 1000 }),
        ),
        ("revoke-token", FaultRule::new(FaultKind::RevokeToken)),
        (
            "lose-response (POST)",
            FaultRule::new(FaultKind::LoseResponse).on("POST /api/v2/integrations"),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fault_kind_at_10_and_30_percent_converges() {
    let (orgs, dests) = fleet_shape();
    // Cells are independent (one emulator each) and mostly wait in backoffs, so a few run at
    // once; FAULT_MATRIX_CONCURRENCY=1 measures each cell alone (as docs/RELIABILITY.md does).
    let concurrency = std::env::var("FAULT_MATRIX_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4usize)
        .max(1);
    let mut cells = Vec::new();
    for (n, (label, rule)) in kinds().into_iter().enumerate() {
        for (m, rate) in [0.1, 0.3].into_iter().enumerate() {
            let seed = 1000 + (n * 10 + m) as u64;
            cells.push((label, rule.clone().with_rate(rate), seed));
        }
    }
    let results: Vec<CellResult> = futures_util::stream::iter(cells)
        .map(|(label, rule, seed)| async move {
            let r = run_cell(label, rule, seed).await;
            eprintln!(
                "cell {label} @ {}: converged {:?}, requests {}, retries {}, injected {}, wall {:.1}s",
                r.rate,
                r.converged_after,
                r.requests,
                r.retries,
                r.injected,
                r.wall.as_secs_f64()
            );
            r
        })
        .buffered(concurrency)
        .collect()
        .await;
    let mut table = format!(
        "\nfault matrix, fleet {orgs} orgs x {dests} destinations, apply --parallel 8, {concurrency} cell(s) at a time\n\
         | fault | rate | converged (runs) | requests | retries | faults injected | wall s |\n\
         |---|---|---|---|---|---|---|\n"
    );
    for r in &results {
        let conv = match r.converged_after {
            Some(n) => format!("yes ({n})"),
            None => format!("no: {}", r.last_error.replace('|', "/")),
        };
        let _ = writeln!(
            table,
            "| {} | {:.0}% | {} | {} | {} | {} | {:.1} |",
            r.label,
            r.rate * 100.0,
            conv,
            r.requests,
            r.retries,
            r.injected,
            r.wall.as_secs_f64()
        );
    }
    eprintln!("{table}");
    // At 10% every kind converges within 3 runs. At 30% a cell may instead end as the issue allows
    // for a fault that does not let up: each failed run exited 1 with a message (checked in
    // run_cell) and one fault-free run finished the job with exactly the desired state (also
    // checked there). Which 30% cells need that depends on timing; docs/RELIABILITY.md has them.
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.converged_after.is_none() && r.rate < 0.2)
        .map(|r| format!("{} @ {}: {}", r.label, r.rate, r.last_error))
        .collect();
    assert!(
        failed.is_empty(),
        "cells at 10% that did not converge in 3 runs: {failed:#?}"
    );
}

/// A POST whose response is lost (the integration was created, the client saw the connection
/// close): the same run reads the org, adopts it and finishes it; no duplicate, no re-run needed.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_post_response_is_adopted_in_the_same_run() {
    let mut config = fleet_config(2);
    config.faults = vec![FaultRule::new(FaultKind::LoseResponse)
        .on("POST /api/v2/integrations")
        .with_count(3)];
    let f = fleet::start(config, 2, 3, "fleet.toml").await;
    let url = f.url.clone();
    let out = f.apply("fleet.toml", &["-vv"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("adopting the integration a failed create made"),
        "{out:?}"
    );
    let c = crate::common::requests(&url).await;
    assert_eq!(c["faultsInjected"]["lose-response"], 3, "{c}");
    assert_eq!(
        c["byRoute"]["POST /api/v2/integrations"], 6,
        "one POST per destination, none repeated: {c}"
    );
    assert!(end_state_problems(&url, 2, 3).await.is_empty());
}

/// A permanent fault (every config write answers 503) fails with a message naming the request,
/// the status and what to do; what was created is finished by a re-run once the fault is gone.
#[tokio::test(flavor = "multi_thread")]
async fn a_permanent_fault_fails_clearly_and_a_rerun_finishes() {
    let mut config = fleet_config(2);
    config.faults = vec![FaultRule::new(FaultKind::Status(503))
        .on("PUT /api/v2/integrations/{integrationId}/config/current")];
    let f = fleet::start(config, 2, 2, "fleet.toml").await;
    let url = f.url.clone();
    // The retry budget is the default policy's (8 attempts, ~15 s of backoff).
    let out = f.apply("fleet.toml", &["--parallel", "4"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("PUT /api/v2/integrations/")
            && all.contains("503")
            && all.contains("run again"),
        "the message names the request, the status and the fix: {out:?}"
    );
    // Created but not configured: nothing a re-run does not finish.
    for i in 0..2 {
        assert_eq!(org_integrations(&url, i).await.len(), 2);
    }
    clear_faults(&url).await;
    let out = f.apply("fleet.toml", &["--parallel", "4"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(end_state_problems(&url, 2, 2).await.is_empty());
}

/// Starts `gcbridge sim` on `port` with `sim.toml` and `--state-file`; waits for its first line.
async fn start_sim_process(dir: &Path, port: u16, state: &Path) -> tokio::process::Child {
    let listen = format!("127.0.0.1:{port}");
    let args = [
        "--listen",
        &listen,
        "--config",
        "sim.toml",
        "--state-file",
        state.to_str().unwrap(),
        "--latency-ms",
        "100",
        "--activation-delay-ms",
        "50",
    ];
    let (child, url) = crate::common::spawn_sim(dir, &args, std::process::Stdio::null()).await;
    assert_eq!(url, format!("http://127.0.0.1:{port}"));
    child
}

/// The emulator killed (SIGKILL) in the middle of a fleet apply and restarted on the same port
/// with the same `--state-file`: what was created survives, and a re-run converges without a
/// duplicate.
#[tokio::test(flavor = "multi_thread")]
async fn emulator_killed_mid_apply_restarts_from_its_state_file() {
    let (orgs, dests) = (6, 5);
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::new();
    for i in 0..orgs {
        let _ = write!(
            toml,
            "[[org]]\nid = \"{}\"\nname = \"org-{i}\"\n[[org.client]]\nid = \"org-{i}-admin\"\nsecret = \"org-{i}-secret\"\npermissions = {:?}\n\n",
            org_id(i),
            ALL_PERMISSIONS
        );
    }
    std::fs::write(dir.path().join("sim.toml"), toml).unwrap();
    let state = dir.path().join("state.json");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let env = fleet_env(orgs);
    std::fs::write(dir.path().join("fleet.toml"), fleet_file(&url, orgs, dests)).unwrap();

    let mut sim = start_sim_process(dir.path(), port, &state).await;
    let apply = crate::common::command(dir.path(), env.iter().map(|(k, v)| (k, v)))
        .args([
            "apply",
            "-f",
            "fleet.toml",
            "--auto-approve",
            "--parallel",
            "2",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the emulator once some (not all) integrations exist.
    let started = Instant::now();
    let before = loop {
        let c = crate::common::requests(&url).await;
        let posts = c["byRoute"]["POST /api/v2/integrations"]
            .as_u64()
            .unwrap_or(0);
        if posts >= 6 {
            break posts;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the apply makes progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let lists = futures_util::future::join_all((0..orgs).map(|i| org_integrations(&url, i))).await;
    let survivors: Vec<String> = lists
        .iter()
        .flatten()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    sim.start_kill().unwrap();
    let _ = sim.wait().await;
    let killed_at = started.elapsed();
    // Down for a second (the apply's calls meanwhile find the port closed: nothing was sent,
    // so they are retried), then back on the same port with the same state file.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _sim = start_sim_process(dir.path(), port, &state).await;
    let out = tokio::time::timeout(Duration::from_secs(240), apply.wait_with_output())
        .await
        .expect("the interrupted apply ends")
        .unwrap();
    let first_run = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(first_run, Some(0) | Some(1)),
        "the interrupted apply succeeds or fails cleanly: {stderr}"
    );
    let mut after_restart = Vec::new();
    for i in 0..orgs {
        for x in org_integrations(&url, i).await {
            after_restart.push(x["id"].as_str().unwrap().to_string());
        }
    }
    for id in &survivors {
        assert!(
            after_restart.contains(id),
            "integration {id} created before the kill survived the restart"
        );
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let args = [
        "apply",
        "-f",
        "fleet.toml",
        "--auto-approve",
        "--parallel",
        "8",
    ];
    let out =
        crate::common::gcbridge_within(dir.path(), &env, &args, Duration::from_secs(300)).await;
    assert_eq!(out.code, 0, "the re-run converges: {out:?}");
    let problems = end_state_problems(&url, orgs, dests).await;
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        survivors.len() < orgs * dests,
        "the kill came mid-way: {} of {} existed",
        survivors.len(),
        orgs * dests
    );
    eprintln!(
        "restart: emulator SIGKILLed {:.1}s into the apply ({} POSTs sent, {} of {} integrations listed just before the kill), restarted 1 s later on the same port and state file; all {} survived; the interrupted apply exited {:?}; the re-run converged (exit 0, no duplicate)",
        killed_at.as_secs_f64(),
        before,
        survivors.len(),
        orgs * dests,
        survivors.len(),
        first_run
    );
}

/// A token revoked again right after its renewal (the org's token is shared by concurrent calls,
/// so one call can meet several revocations): the call renews again, up to 3 times, and succeeds.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_revoked_twice_in_a_row_is_renewed_again() {
    let config = SimConfig {
        faults: vec![FaultRule::new(FaultKind::RevokeToken)
            .on("GET /api/v2/organizations/me")
            .with_count(3)],
        ..SimConfig::default()
    };
    let sim = crate::common::sim_with(config).await;
    let client = genesys_client::GenesysClient::new(genesys_client::ClientConfig::new(
        genesys_client::Endpoint::from_api_url(&sim.base_url(), None).unwrap(),
        genesys_client::Credentials {
            client_id: crate::common::ADMIN.into(),
            client_secret: genesys_client::Secret::new(crate::common::SECRET.to_string()),
            source: genesys_client::CredentialSource::Flags,
        },
    ))
    .unwrap();
    client.organization_me().await.unwrap();
    let stats = client.stats();
    assert_eq!(stats.token_fetches, 4, "{stats:?}");
    // A fourth revocation in a row is reported as the 401 it is.
    crate::common::set_faults(
        &sim.base_url(),
        &serde_json::json!([{"kind": "revoke-token", "route": "GET /api/v2/organizations/me"}]),
    )
    .await;
    let err = client.organization_me().await.unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
}
