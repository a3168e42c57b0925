//! More of the AWS half under faults (aws_faults.rs has the proxy world): `gcbridge replay`
//! converges under transient faults (the same count, the same events redelivered, as without
//! them) and fails clearly under a persistent one, leaving nothing behind; and apply's PutTargets
//! is retried while AWS still refuses the role apply has just created (IAM's propagation delay,
//! which moto does not have: the proxy answers that refusal), while a refusal that is not about
//! the role is not retried.
//!
//! `cargo nextest run -p gcbridge --no-capture -E 'test(aws_faults)'` (under scripts/with-moto)
//! prints the figures docs/RELIABILITY.md records.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::aws_faults::{failure_lines, first_of_each, rule_label, Dest, Faulty};
use crate::common::*;
use gcbridge_testkit::aws_faults::{AwsFault, FaultRule as AwsRule};
use gcbridge_testkit::{moto, moto_reads, sqs, streams};

/// Replays run in a region of their own: their counting queue is region-wide, and other suites
/// list the temporary queues of theirs.
const REPLAY_REGION: &str = "ap-northeast-1";

/// `replay NAME --from --to -o json` through the proxy, with `extra` env.
async fn replay(w: &Faulty, d: &Dest, window: (&str, &str), extra: &[(&str, &str)]) -> Output {
    w.run_with(
        extra,
        &[
            "replay", &d.name, "--from", window.0, "--to", window.1, "-o", "json",
        ],
    )
    .await
}

/// The temporary rules of gcbridge's left on the bus.
async fn temporary_rules(w: &Faulty, d: &Dest) -> Vec<String> {
    rules_named(&w.events, &d.bus, "gcbridge-tmp-").await
}

fn replay_cells() -> Vec<(&'static str, Vec<AwsRule>)> {
    use AwsFault::*;
    vec![
        (
            "throttle the first 2 StartReplay, DescribeReplay, CreateQueue",
            first_of_each(
                Throttle,
                2,
                &[
                    "events:StartReplay",
                    "events:DescribeReplay",
                    "sqs:CreateQueue",
                ],
            ),
        ),
        (
            "500 InternalFailure on the first 2 DescribeArchive, DescribeReplay, ReceiveMessage",
            first_of_each(
                InternalFailure,
                2,
                &[
                    "events:DescribeArchive",
                    "events:DescribeReplay",
                    "sqs:ReceiveMessage",
                ],
            ),
        ),
        (
            "dropped connection on the first 2 StartReplay, PutTargets, DeleteQueue",
            first_of_each(
                Drop,
                2,
                &["events:StartReplay", "events:PutTargets", "sqs:DeleteQueue"],
            ),
        ),
        (
            "every answer 300 ms late",
            vec![AwsRule::new(Delay(Duration::from_millis(300)))],
        ),
        (
            "20% of all requests throttled (seed 7)",
            vec![AwsRule::new(Throttle).fraction(0.2)],
        ),
    ]
}

/// The window's events replayed through the proxy: first without faults (the count to match),
/// then under each transient cell (the same count, the same events in the rule's queue, nothing
/// of gcbridge's left), then under a persistent throttle of StartReplay (exit 1 naming it, not a
/// permission, nothing left behind).
#[tokio::test(flavor = "multi_thread")]
async fn aws_faults_replay_converges_to_the_same_count_or_fails_clearly() {
    let Some(w) = Faulty::start_in(REPLAY_REGION).await else {
        return;
    };
    let d = w
        .destination_with("replayf", "archive = { retention_days = 1 }", None)
        .await;
    // --wait: the emulator publishes only for an ACTIVE integration.
    let out = w
        .run(&["apply", "-f", &d.file, "--auto-approve", "--wait"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let drain =
        |want: usize, secs: u64| sqs::drain(&w.sqs, &d.queue_url, want, Duration::from_secs(secs));

    gcbridge_testkit::sim::publish(&w.url, &d.name, 1).await;
    assert_eq!(drain(1, 10).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let from = replay_time_now();
    gcbridge_testkit::sim::publish(&w.url, &d.name, 4).await;
    let window_events = correlation_ids(&drain(4, 10).await);
    assert_eq!(window_events.len(), 4);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let to = replay_time_now();

    w.proxy.reset_counts();
    let started = Instant::now();
    let out = replay(&w, &d, (&from, &to), &[]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let baseline = out.json()["events_replayed"].clone();
    assert_eq!(baseline, 4, "{}", out.stdout);
    assert_eq!(correlation_ids(&drain(5, 3).await), window_events);
    let mut table = figures_table(&[
        &format!("AWS faults injected (replay of {baseline} events)"),
        "requests / faults",
        "s",
        "outcome",
    ]);
    let _ = writeln!(
        table,
        "| none | {} / 0 | {:.1} | {baseline} replayed |",
        w.proxy.requests(),
        started.elapsed().as_secs_f64()
    );

    for (label, rules) in replay_cells() {
        w.proxy.set_rules(rules);
        w.proxy.reset_counts();
        let started = Instant::now();
        let out = replay(&w, &d, (&from, &to), &[]).await;
        let wall = started.elapsed().as_secs_f64();
        let injected = w.proxy.injected() + w.proxy.delayed();
        assert_eq!(out.code, 0, "{label}: {out:?}\n{:?}", w.proxy.counts());
        let doc = out.json();
        assert_eq!(doc["state"], "COMPLETED", "{label}: {doc:#}");
        assert_eq!(doc["events_replayed"], baseline, "{label}: {doc:#}");
        assert!(injected > 0, "{label}: the faults were injected");
        assert_eq!(
            correlation_ids(&drain(5, 3).await),
            window_events,
            "{label}: exactly the window's events, once each"
        );
        w.proxy.clear();
        assert!(
            temporary_rules(&w, &d).await.is_empty(),
            "{label}: left behind"
        );
        eprintln!("replay, {label}: {:?}", w.proxy.counts());
        let _ = writeln!(
            table,
            "| {label} | {} / {injected} | {wall:.1} | {baseline} replayed |",
            w.proxy.requests()
        );
    }

    // A throttle that does not let up.
    w.proxy.set_rules(vec![
        AwsRule::new(AwsFault::Throttle).action("events:StartReplay")
    ]);
    w.proxy.reset_counts();
    let out = replay(&w, &d, (&from, &to), &[("AWS_MAX_ATTEMPTS", "2")]).await;
    assert_eq!(out.code, 1, "{out:?}");
    let said = failure_lines(&out);
    assert!(
        said.contains("ThrottlingException") && said.contains("StartReplay"),
        "names the code and the action: {out:?}"
    );
    assert!(!said.to_lowercase().contains("permission"), "{out:?}");
    assert_eq!(w.proxy.count("events:StartReplay").requests, 2);
    w.proxy.clear();
    assert!(temporary_rules(&w, &d).await.is_empty(), "left behind");
    assert!(drain(1, 2).await.is_empty(), "nothing was replayed");
    let _ = writeln!(
        table,
        "| every StartReplay throttled (AWS_MAX_ATTEMPTS=2) | {} / {} | - | exit 1, ThrottlingException on StartReplay named, nothing left behind |",
        w.proxy.requests(),
        w.proxy.injected()
    );
    eprintln!("{table}");
}

/// The refusals of the test: what AWS may answer, as far as it is known, while a role IAM has
/// just created is not yet visible to EventBridge (the exact text is not published, nor whether
/// it comes as an error or as a failed entry of a 200: docs/REAL-API.md), and one that is not
/// about the role. moto's IAM is immediately consistent, so the proxy answers in moto's place.
fn refusal(kind: &str, role_arn: &str) -> AwsFault {
    let not_assumable = format!("EventBridge cannot assume the role {role_arn}.");
    match kind {
        "not yet assumable" => AwsFault::Error {
            status: 400,
            code: "ValidationException".into(),
            message: not_assumable,
        },
        "not yet assumable, as a failed entry" => AwsFault::Answer {
            status: 200,
            body: serde_json::json!({
                "FailedEntryCount": 1,
                "FailedEntries": [{"TargetId": "kinesis-1", "ErrorCode": "ValidationException", "ErrorMessage": not_assumable}],
            })
            .to_string(),
        },
        _ => AwsFault::Error {
            status: 400,
            code: "ValidationException".into(),
            message: "Parameter(s) SqsParameters must be specified for target: sqs-x.".into(),
        },
    }
}

/// gcbridge's role ARN as the plan names it ("create IAM role NAME (ARN) ...").
fn planned_role(plan: &Output) -> String {
    plan.stdout
        .split("create IAM role ")
        .nth(1)
        .and_then(|s| s.split('(').nth(1))
        .and_then(|s| s.split(')').next())
        .unwrap_or_else(|| panic!("no role in the plan: {plan:?}"))
        .to_string()
}

/// apply creates its role, and the first PutTargets using it is refused as not yet assumable (an
/// error, or a failed entry of a 200): apply waits and tries again, converges (exit 0, the target with its role on the rule), and says
/// nothing about a failure or a permission. A refusal that is not about the role (a missing
/// parameter) is not retried: exit 1 after one PutTargets, named; the re-run converges.
#[tokio::test(flavor = "multi_thread")]
async fn aws_faults_put_targets_is_retried_while_a_fresh_role_propagates() {
    let Some(w) = Faulty::start().await else {
        return;
    };
    let mut table = figures_table(&[
        "PutTargets after apply created its role",
        "PutTargets sent",
        "s",
        "outcome",
    ]);
    for kind in [
        "not yet assumable",
        "not yet assumable, as a failed entry",
        "a missing parameter",
    ] {
        let retried = kind != "a missing parameter";
        let name = moto::unique("fresh-role");
        let stream = streams::create_stream(&w.moto, moto::DEFAULT_ACCOUNT, &name).await;
        let d = w.destination_with("roleprop", "", Some(&stream)).await;
        let plan = w.run(&["plan", "-f", &d.file]).await;
        let role = planned_role(&plan);
        let fault = refusal(kind, &role);
        w.proxy.set_rules(vec![AwsRule::new(fault)
            .action("events:PutTargets")
            .first(1)]);
        w.proxy.reset_counts();
        let started = Instant::now();
        let out = w.apply(&d).await;
        let wall = started.elapsed().as_secs_f64();
        let sent = w.proxy.count("events:PutTargets");
        w.proxy.clear();
        if retried {
            assert_eq!(out.code, 0, "{out:?}");
            assert_eq!(
                (sent.requests, sent.injected),
                (2, 1),
                "{:?}",
                w.proxy.counts()
            );
            let said = failure_lines(&out).to_lowercase();
            assert!(
                said.contains(", 0 failed.")
                    && !said.contains("permission")
                    && !said.contains("validationexception")
                    && !said.contains("cannot assume"),
                "nothing misleading: {out:?}"
            );
        } else {
            assert_eq!(out.code, 1, "{out:?}");
            assert_eq!(sent.requests, 1, "not retried: {:?}", w.proxy.counts());
            assert!(
                failure_lines(&out).contains("SqsParameters must be specified"),
                "{out:?}"
            );
            let again = w.apply(&d).await;
            assert_eq!(again.code, 0, "the re-run converges: {again:?}");
        }
        let targets = moto_reads::rule_targets(&w.events, &d.bus, "to-queue").await;
        let on_stream: Vec<_> = targets.iter().filter(|t| t.arn() == stream).collect();
        assert!(
            on_stream.len() == 1 && on_stream[0].role_arn() == Some(role.as_str()),
            "{kind}: the stream target with gcbridge's role: {targets:?}"
        );
        let out = w.run(&["plan", "-f", &d.file, "--detailed-exitcode"]).await;
        assert_eq!(out.code, 0, "{kind}: nothing left to do: {out:?}");
        let outcome = if retried {
            "retried, converged, exit 0"
        } else {
            "not retried, exit 1 naming it; the re-run converged"
        };
        let _ = writeln!(
            table,
            "| refused once: {kind} | {} | {wall:.1} | {outcome} |",
            sent.requests
        );
        eprintln!("PutTargets refused once ({kind}): {}", rule_label(&w));
    }
    eprintln!("{table}");
}
