//! The AWS half under faults: gcbridge's AWS endpoint is the testkit's fault proxy in front of moto
//! (`gcbridge_testkit::aws_faults`), which throttles (`ThrottlingException` / `Throttling`), answers
//! 500 `InternalFailure`, drops connections or answers late, per AWS action and request number or
//! at a seeded rate. The emulator (the partner side) and the test's own clients talk to moto
//! directly.
//!
//! - transient faults: apply, doctor and tail converge (the SDK's standard retry mode, 6 attempts by
//!   gcbridge's default), and the end state has no duplicate (one rule, one target, one statement);
//! - persistent faults: the command fails with exit 1 and names the AWS error code and the action,
//!   never a missing permission; the attempts are gcbridge's default or `AWS_MAX_ATTEMPTS`; a re-run
//!   once the fault is gone converges, without duplicates.
//!
//! `cargo nextest run -p gcbridge --no-capture -E 'test(aws_faults)'` (under scripts/with-moto)
//! prints the figures docs/RELIABILITY.md records.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::common::*;
use gcbridge_testkit::aws_faults::{AwsFault, AwsFaultProxy, FaultRule as AwsRule, Which};
use gcbridge_testkit::{moto, moto_reads, sqs};
use serde_json::Value;

/// The emulator against moto, the fault proxy in front of moto, and a working directory.
pub(crate) struct Faulty {
    _sim: genesys_sim::RunningSim,
    /// moto's endpoint (the proxy's upstream), for what a test makes there itself.
    pub(crate) moto: String,
    pub(crate) url: String,
    pub(crate) proxy: AwsFaultProxy,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) events: aws_sdk_eventbridge::Client,
    pub(crate) sqs: aws_sdk_sqs::Client,
    /// The region of its destinations and clients.
    pub(crate) region: &'static str,
}

/// One destination of the test: its file, partner bus and queue.
pub(crate) struct Dest {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) bus: String,
    pub(crate) queue_url: String,
    pub(crate) queue_arn: String,
}

impl Faulty {
    /// The world in us-east-1 ([`Faulty::start_in`]).
    pub(crate) async fn start() -> Option<Faulty> {
        Faulty::start_in("us-east-1").await
    }

    /// The world with its destinations and clients in `region`, or `None` without moto
    /// ([`moto::endpoint`] says the test is skipped, or fails it when moto is required).
    pub(crate) async fn start_in(region: &'static str) -> Option<Faulty> {
        let moto = &moto::endpoint()?;
        let sim = sim_with_moto(moto).await;
        let url = sim.base_url();
        let config = moto::sdk_config(moto, region).await;
        // gcbridge's own retry default, not the suite's AWS_MAX_ATTEMPTS=2.
        let env = moto_env(&url)
            .into_iter()
            .filter(|(k, _)| k != "AWS_MAX_ATTEMPTS")
            .collect();
        Some(Faulty {
            _sim: sim,
            moto: moto.clone(),
            url,
            proxy: AwsFaultProxy::start(moto, Vec::new(), 7).await,
            dir: tempfile::tempdir().unwrap(),
            env,
            events: aws_sdk_eventbridge::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            region,
        })
    }

    /// A new destination `prefix-...` with one SQS rule, written to its own file.
    async fn destination(&self, prefix: &str) -> Dest {
        self.destination_with(prefix, "", None).await
    }

    /// A new [`Faulty::destination`], applied (exit 0) before the test sets any fault.
    async fn applied(&self, prefix: &str) -> Dest {
        let d = self.destination(prefix).await;
        let out = self.apply(&d).await;
        assert_eq!(out.code, 0, "{out:?}");
        d
    }

    /// A new destination `prefix-...` with `aws` in its `[destination.aws]` (an archive) and one
    /// rule `to-queue` sending to a new queue, and to `target` too when given.
    pub(crate) async fn destination_with(
        &self,
        prefix: &str,
        aws: &str,
        target: Option<&str>,
    ) -> Dest {
        let name = moto::unique(prefix);
        let queue = sqs::create_queue(&self.sqs, &moto::unique("faults-q")).await;
        let file = format!("{name}.toml");
        let url = &self.url;
        let mut targets = vec![queue.arn.as_str()];
        targets.extend(target);
        let rule = config_file::partner_rule("to-queue", &targets);
        let toml = config_file::aws_destination(url, &name, self.region, &[PRESENCE], aws, &rule);
        std::fs::write(self.dir.path().join(&file), toml).unwrap();
        let org = genesys_sim::DEFAULT_ORG_ID;
        Dest {
            bus: format!("aws.partner/genesys.com/cloud/{org}/{name}"),
            name,
            file,
            queue_url: queue.url,
            queue_arn: queue.arn,
        }
    }

    /// gcbridge through the proxy, with `extra` env on top of the world's.
    pub(crate) async fn run_with(&self, extra: &[(&str, &str)], args: &[&str]) -> Output {
        let endpoint = self.proxy.url();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--aws-endpoint", endpoint.as_str()]);
        let mut env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        env.extend(extra.iter().copied());
        gcbridge_within(self.dir.path(), &env, &all, Duration::from_secs(150)).await
    }

    pub(crate) async fn run(&self, args: &[&str]) -> Output {
        self.run_with(&[], args).await
    }

    pub(crate) async fn apply(&self, d: &Dest) -> Output {
        self.run(&["apply", "-f", &d.file, "--auto-approve"]).await
    }

    /// What is wrong with `d` in moto (empty: exactly one rule with one target, the queue policy
    /// holding exactly one statement per gcbridge statement id, none repeated).
    async fn end_state(&self, d: &Dest) -> Vec<String> {
        let mut problems = Vec::new();
        let rules = match self.events.list_rules().event_bus_name(&d.bus).send().await {
            Ok(r) => r,
            Err(e) => return vec![format!("{}: no bus: {e:?}", d.name)],
        };
        let names: Vec<&str> = rules
            .rules()
            .iter()
            .filter_map(|r| r.name())
            .filter(|n| !n.starts_with("gcbridge-"))
            .collect();
        if names != ["to-queue"] {
            problems.push(format!("{}: rules {names:?}", d.name));
        }
        let targets = self
            .events
            .list_targets_by_rule()
            .rule("to-queue")
            .event_bus_name(&d.bus)
            .send()
            .await
            .map(|t| {
                t.targets()
                    .iter()
                    .map(|t| t.arn().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if targets != [d.queue_arn.clone()] {
            problems.push(format!("{}: targets {targets:?}", d.name));
        }
        let sids = policy_sids(&self.sqs, &d.queue_url).await;
        let mut unique = sids.clone();
        unique.sort();
        unique.dedup();
        if sids.is_empty() || unique.len() != sids.len() {
            problems.push(format!("{}: queue policy statements {sids:?}", d.name));
        }
        problems
    }
}

/// The statement ids of the queue's policy (none without a policy).
async fn policy_sids(sqs: &aws_sdk_sqs::Client, queue_url: &str) -> Vec<String> {
    let policy = moto_reads::queue_policy(sqs, queue_url).await;
    if policy.is_empty() {
        return Vec::new();
    }
    let doc: Value = serde_json::from_str(&policy).unwrap();
    doc["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["Sid"].as_str().map(String::from))
        .collect()
}

/// The lines of a failed run that explain it (no debug chatter).
pub(crate) fn failure_lines(out: &Output) -> String {
    out.stderr
        .lines()
        .chain(out.stdout.lines())
        .filter(|l| !l.contains("DEBUG") && !l.contains("TRACE"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One transient cell: `rules` on apply, then (re-installed) on doctor; both must succeed.
struct Cell {
    label: &'static str,
    rules: Vec<AwsRule>,
}

pub(crate) fn first(fault: AwsFault, action: &str, n: u64) -> AwsRule {
    AwsRule::new(fault).action(action).first(n)
}

/// `fault` on the first `n` requests of each of `actions`.
pub(crate) fn first_of_each(fault: AwsFault, n: u64, actions: &[&str]) -> Vec<AwsRule> {
    actions.iter().map(|a| first(fault.clone(), a, n)).collect()
}

fn transient_cells() -> Vec<Cell> {
    use AwsFault::*;
    let slow = Delay(Duration::from_millis(400));
    vec![
        Cell {
            label: "throttle the first 3 PutRule, 3 ListRules, 3 GetCallerIdentity",
            rules: first_of_each(
                Throttle,
                3,
                &["events:PutRule", "events:ListRules", "sts:GetCallerIdentity"],
            ),
        },
        Cell {
            label: "throttle the first 2 PutTargets, 2 SetQueueAttributes, 2 GetQueueAttributes",
            rules: first_of_each(
                Throttle,
                2,
                &["events:PutTargets", "sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
            ),
        },
        Cell {
            label: "500 InternalFailure on the first 2 CreateEventBus, DescribeEventSource, TestEventPattern",
            rules: first_of_each(
                InternalFailure,
                2,
                &["events:CreateEventBus", "events:DescribeEventSource", "events:TestEventPattern"],
            ),
        },
        Cell {
            label: "dropped connection on the first 2 PutTargets, DescribeEventBus, ListTargetsByRule",
            rules: first_of_each(
                Drop,
                2,
                &["events:PutTargets", "events:DescribeEventBus", "events:ListTargetsByRule"],
            ),
        },
        Cell {
            label: "every answer 400 ms late",
            rules: vec![AwsRule::new(slow)],
        },
        Cell {
            label: "20% of all requests throttled (seed 7)",
            rules: vec![AwsRule::new(Throttle).fraction(0.2)],
        },
        Cell {
            label: "10% 500s and 10% dropped connections (seed 7)",
            rules: vec![
                AwsRule::new(InternalFailure).fraction(0.1),
                AwsRule::new(Drop).fraction(0.1),
            ],
        },
    ]
}

/// Under each transient cell: apply exits 0 and its end state is exact, doctor (the same rules,
/// counted afresh) is all green, and with the faults gone plan has nothing to do.
#[tokio::test(flavor = "multi_thread")]
async fn apply_and_doctor_converge_under_transient_aws_faults() {
    let Some(w) = Faulty::start().await else {
        return;
    };
    let mut table = figures_table(&[
        "AWS faults injected",
        "apply: requests / faults / s",
        "doctor: requests / faults / s",
        "outcome",
    ]);
    for cell in transient_cells() {
        let d = w.destination("faults").await;
        let mut figures = Vec::new();
        for phase in ["apply", "doctor"] {
            w.proxy.set_rules(cell.rules.clone());
            w.proxy.reset_counts();
            let started = Instant::now();
            let out = match phase {
                "apply" => w.apply(&d).await,
                _ => w.run(&["doctor", &d.name, "-o", "json"]).await,
            };
            let wall = started.elapsed().as_secs_f64();
            let requests = w.proxy.requests();
            let injected = w.proxy.injected() + w.proxy.delayed();
            assert_eq!(
                out.code,
                0,
                "{}: {phase} converges ({injected} faults): {out:?}\n{:#?}",
                cell.label,
                doctor_checks(&out, "fail")
            );
            figures.push(format!("{requests} / {injected} / {wall:.1}"));
            // A seeded fraction may miss doctor's few requests; every other cell hits both runs.
            let seeded = cell
                .rules
                .iter()
                .any(|r| matches!(r.which, Which::Fraction(_)));
            if phase == "apply" || !seeded {
                assert!(
                    injected > 0,
                    "{}: {phase}: the faults were injected",
                    cell.label
                );
            }
            eprintln!("{}: {phase}: {:?}", cell.label, w.proxy.counts());
        }
        w.proxy.clear();
        let problems = w.end_state(&d).await;
        assert!(problems.is_empty(), "{}: {problems:#?}", cell.label);
        let out = w.run(&["plan", "-f", &d.file, "--detailed-exitcode"]).await;
        assert_eq!(out.code, 0, "{}: nothing left to do: {out:?}", cell.label);
        let _ = writeln!(
            table,
            "| {} | {} | {} | converged, exact end state |",
            cell.label, figures[0], figures[1]
        );
    }
    eprintln!("{table}");
}

/// A fault that does not let up: apply fails (exit 1) naming the AWS code and the action, never a
/// permission, after exactly the configured attempts; the re-run without the fault converges and
/// repeats nothing.
#[tokio::test(flavor = "multi_thread")]
async fn apply_under_a_persistent_aws_fault_fails_clearly_and_a_rerun_converges() {
    let Some(w) = Faulty::start().await else {
        return;
    };
    let cases: Vec<(AwsRule, &str, &str, Option<&str>, u64)> = vec![
        // (rule, action, code the message names, AWS_MAX_ATTEMPTS, attempts expected)
        (
            AwsRule::new(AwsFault::Throttle).action("events:PutTargets"),
            "PutTargets",
            "ThrottlingException",
            None,
            u64::from(gcbridge_core::DEFAULT_AWS_MAX_ATTEMPTS),
        ),
        (
            AwsRule::new(AwsFault::InternalFailure).action("sqs:SetQueueAttributes"),
            "SetQueueAttributes",
            "InternalFailure",
            Some("3"),
            3,
        ),
        (
            AwsRule::new(AwsFault::Drop).action("events:PutRule"),
            "PutRule",
            "dispatch failure",
            Some("2"),
            2,
        ),
    ];
    for (rule, action, code, max_attempts, attempts) in cases {
        let d = w.destination("persist").await;
        w.proxy.set_rules(vec![rule]);
        w.proxy.reset_counts();
        let extra: Vec<(&str, &str)> = max_attempts
            .map(|n| vec![("AWS_MAX_ATTEMPTS", n)])
            .unwrap_or_default();
        let started = Instant::now();
        let out = w
            .run_with(&extra, &["apply", "-f", &d.file, "--auto-approve"])
            .await;
        let wall = started.elapsed().as_secs_f64();
        assert_eq!(out.code, 1, "{action}: a fault is a failure (1): {out:?}");
        let said = failure_lines(&out);
        assert!(
            said.contains(code) && said.contains(action),
            "{action}: names {code} and the action: {out:?}"
        );
        assert!(
            !said.to_lowercase().contains("permission"),
            "{action}: a {code} is not a missing permission: {out:?}"
        );
        let seen = w.proxy.count(action);
        assert_eq!(
            (seen.requests, seen.injected),
            (attempts, attempts),
            "{action}: {attempts} attempts (AWS_MAX_ATTEMPTS={max_attempts:?}): {:?}",
            w.proxy.counts()
        );
        eprintln!(
            "persistent {} on {action}: exit 1 after {attempts} attempts in {wall:.1}s: {}",
            rule_label(&w),
            said.lines().find(|l| l.contains(code)).unwrap_or("").trim()
        );
        w.proxy.clear();
        let out = w.apply(&d).await;
        assert_eq!(out.code, 0, "{action}: the re-run converges: {out:?}");
        let problems = w.end_state(&d).await;
        assert!(problems.is_empty(), "{action}: {problems:#?}");
        let out = w.run(&["plan", "-f", &d.file, "--detailed-exitcode"]).await;
        assert_eq!(out.code, 0, "{action}: nothing left to do: {out:?}");
    }
}

pub(crate) fn rule_label(w: &Faulty) -> String {
    let counts = w.proxy.counts();
    let faulted: Vec<String> = counts
        .iter()
        .filter(|(_, c)| c.injected > 0)
        .map(|(k, c)| format!("{k} x{}", c.injected))
        .collect();
    faulted.join(", ")
}

/// doctor under a persistent fault: the check that met it fails with the AWS code, and its fix is
/// to run again, not a permission; the chain's other checks are unaffected.
#[tokio::test(flavor = "multi_thread")]
async fn doctor_under_a_persistent_aws_fault_names_it_not_a_permission() {
    let Some(w) = Faulty::start().await else {
        return;
    };
    let d = w.applied("doctor").await;
    let cases = [
        (
            "sqs:GetQueueAttributes",
            AwsFault::Throttle,
            "ThrottlingException",
            "target",
        ),
        (
            "events:DescribeEventSource",
            AwsFault::InternalFailure,
            "InternalFailure",
            "partner event source",
        ),
        (
            "sts:GetCallerIdentity",
            AwsFault::Throttle,
            "Throttling",
            "AWS credentials",
        ),
    ];
    for (action, fault, code, check) in cases {
        w.proxy.set_rules(vec![AwsRule::new(fault).action(action)]);
        let out = w
            .run_with(
                &[("AWS_MAX_ATTEMPTS", "2")],
                &["doctor", &d.name, "-o", "json"],
            )
            .await;
        assert_eq!(out.code, 1, "{action}: {out:?}");
        let failed = doctor_checks(&out, "fail");
        let at: Vec<&String> = failed.iter().filter(|f| f.starts_with(check)).collect();
        assert_eq!(at.len(), 1, "{action}: fails at {check}: {failed:#?}");
        let (detail, fix) = at[0].split_once(" | fix: ").unwrap();
        assert!(
            detail.contains(code) && detail.contains(action.split(':').nth(1).unwrap()),
            "{action}: the detail names {code} and the action: {detail}"
        );
        assert!(
            !at[0].to_lowercase().contains("permission")
                && !fix.contains("credentials (AWS_PROFILE"),
            "{action}: a transient fault is not advised as a permission or credentials: {}",
            at[0]
        );
        assert!(
            fix.contains("again"),
            "{action}: the fix is to run again: {fix}"
        );
        eprintln!("doctor, persistent {code} on {action}: {}", at[0]);
    }
    w.proxy.clear();
    let out = w.run(&["doctor", &d.name]).await;
    assert_eq!(
        out.code, 0,
        "with the faults gone, doctor is green: {out:?}"
    );
}

/// tail under transient faults on every call it makes (its queue, policy, rule, target, receive,
/// cleanup): it shows the events and removes its queue and rule.
#[tokio::test(flavor = "multi_thread")]
async fn tail_converges_under_transient_aws_faults() {
    let Some(w) = Faulty::start().await else {
        return;
    };
    let d = w.applied("tail").await;
    use AwsFault::*;
    w.proxy.set_rules(vec![
        first(Throttle, "sqs:CreateQueue", 2),
        first(InternalFailure, "sqs:SetQueueAttributes", 2),
        first(Throttle, "events:PutRule", 2),
        first(Drop, "events:PutTargets", 1),
        first(Throttle, "sqs:ReceiveMessage", 2),
        first(InternalFailure, "events:RemoveTargets", 1),
        first(Drop, "sqs:DeleteQueue", 1),
        AwsRule::new(Delay(Duration::from_millis(200))),
    ]);
    w.proxy.reset_counts();
    let endpoint = w.proxy.url();
    let args = [
        "tail",
        &d.name,
        "--for",
        "20",
        "-o",
        "json",
        "--aws-endpoint",
        &endpoint,
    ];
    let tail = spawn_gcbridge(w.dir.path(), &w.env, &args, Duration::from_secs(120));
    // Publish once tail's rule has its target (the queue's policy came before the rule).
    let started = Instant::now();
    while !tail_has_target(&w, &d).await {
        assert!(
            started.elapsed() < Duration::from_secs(40),
            "tail's rule and target appear"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    gcbridge_testkit::sim::publish_all(&w.url, 3).await;
    let out = tail.await.unwrap();
    assert_eq!(out.code, 0, "{out:?}\n{:?}", w.proxy.counts());
    let lines = out.json_lines();
    assert!(!lines.is_empty(), "tail printed events: {out:?}");
    assert!(w.proxy.injected() >= 9, "{:?}", w.proxy.counts());
    assert!(w.proxy.delayed() > 0, "{:?}", w.proxy.counts());
    assert_tail_removed_its_rule(&w.events, &d.bus).await;
    eprintln!(
        "tail under faults: {} event(s) shown; {} requests, {} late; errors and drops: {}; cleaned up",
        lines.len(),
        w.proxy.requests(),
        w.proxy.delayed(),
        rule_label(&w)
    );
    sqs::drain(&w.sqs, &d.queue_url, 3, Duration::from_secs(10)).await;
}

/// Whether a temporary rule of tail's on `d`'s bus has its target.
async fn tail_has_target(w: &Faulty, d: &Dest) -> bool {
    for name in rules_named(&w.events, &d.bus, "gcbridge-").await {
        let targets = w
            .events
            .list_targets_by_rule()
            .rule(name)
            .event_bus_name(&d.bus)
            .send()
            .await;
        if targets.is_ok_and(|t| !t.targets().is_empty()) {
            return true;
        }
    }
    false
}

/// With 6 attempts a refused connection would wait out about 15 s of backoff; to a loopback
/// endpoint (nothing listens: a mistyped `--aws-endpoint`, moto not started) it is final, so apply
/// fails at once, naming the endpoint.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_loopback_endpoint_is_not_retried() {
    let Some(w) = Faulty::start().await else {
        return;
    };
    let d = w.destination("refused").await;
    let closed = gcbridge_testkit::listeners::closed_url();
    let env: Vec<(&str, &str)> = w
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let args = [
        "apply",
        "-f",
        &d.file,
        "--auto-approve",
        "--aws-endpoint",
        &closed,
    ];
    let started = Instant::now();
    let out = gcbridge_within(w.dir.path(), &env, &args, Duration::from_secs(60)).await;
    let wall = started.elapsed();
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("cannot reach the AWS endpoint") && out.stderr.contains(&closed),
        "{out:?}"
    );
    assert!(
        wall < Duration::from_secs(5),
        "not retried with backoff: {wall:?}: {out:?}"
    );
    eprintln!(
        "refused loopback endpoint: apply exit 1 in {:.1}s",
        wall.as_secs_f64()
    );
}
