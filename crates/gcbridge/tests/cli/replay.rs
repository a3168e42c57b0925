//! The archive and `gcbridge replay` end to end, on loopback: apply with `archive` creates it,
//! events the emulator publishes arrive and are archived, `replay --from --to` re-delivers exactly
//! the events of that window into the rule's SQS queue (counted there and in the report), bad times
//! are exit 2 before any request, Ctrl-C cancels a running replay (exit 130, nothing left behind),
//! doctor checks the archive and destroy removes it. Needs moto (scripts/with-moto). In a region of
//! its own: replay's temporary queue is region-wide, and other suites list the region's.

use std::time::Duration;

use crate::common::*;
use gcbridge_testkit::running::Running;
use gcbridge_testkit::{moto, sqs};
use serde_json::Value;

const REGION: &str = "sa-east-1";

struct R {
    a: AwsWorld,
    name: String,
    queue_url: String,
}

impl R {
    async fn new() -> Option<R> {
        let moto = moto::endpoint()?;
        let mut a = AwsWorld::start(&moto, REGION).await;
        let name = moto::unique("replay");
        let queue = sqs::create_queue(&a.sqs, &moto::unique("replayed")).await;
        a.w.limit = Duration::from_secs(90);
        a.w.write(
            "gcbridge.toml",
            &config_file(&a.w.url, &name, &queue.arn, 7),
        );
        Some(R {
            a,
            name,
            queue_url: queue.url,
        })
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.a.run(args).await
    }

    /// Publishes `n` events now and waits until they reached the queue; their correlation ids.
    async fn publish(&self, n: u32) -> Vec<String> {
        gcbridge_testkit::sim::publish(&self.a.w.url, &self.name, n).await;
        let got = self.drain(n as usize, 10).await;
        assert_eq!(got.len(), n as usize, "published {n}, got {got:#?}");
        correlation_ids(&got)
    }

    async fn drain(&self, want: usize, secs: u64) -> Vec<Value> {
        sqs::drain(
            &self.a.sqs,
            &self.queue_url,
            want,
            Duration::from_secs(secs),
        )
        .await
    }

    fn archive_name(&self) -> String {
        gcbridge_core::archive_name(&partner_bus(&self.name))
    }
}

fn config_file(url: &str, name: &str, queue_arn: &str, days: i32) -> String {
    let archive = format!("archive = {{ retention_days = {days} }}");
    let rule = config_file::rule("to-queue", &format!("targets = [\"{queue_arn}\"]"));
    config_file::aws_destination(url, name, REGION, &[PRESENCE], &archive, &rule)
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_redelivers_exactly_its_window_cancels_on_ctrl_c_and_destroy_removes_the_archive() {
    let Some(r) = R::new().await else {
        return;
    };
    let archive = r.archive_name();
    let out = r.run(&["plan", "-f", "gcbridge.toml"]).await;
    assert!(
        out.stdout.contains(&format!(
            "create archive {archive} of the partner event bus"
        )),
        "{out:?}"
    );
    r.a.apply_converges("gcbridge.toml").await;

    // Three batches; the window [from, to) holds the middle one.
    r.publish(2).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let from = replay_time_now();
    let middle = r.publish(3).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let to = replay_time_now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    r.publish(2).await;

    let out = r
        .run(&[
            "replay", &r.name, "--from", &from, "--to", &to, "-o", "json",
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    crate::json_docs::assert_documented("replay", &out);
    let doc = out.json();
    assert_eq!(doc["state"], "COMPLETED", "{doc:#}");
    assert_eq!(doc["events_replayed"], 3, "{doc:#}");
    assert_eq!(doc["archive"], archive.as_str(), "{doc:#}");
    assert_eq!(doc["archive_event_count"], 7, "{doc:#}");
    let replayed = r.drain(4, 3).await;
    assert_eq!(
        correlation_ids(&replayed),
        middle,
        "exactly the window's events: {replayed:#?}"
    );

    // Only to the rule named, human output.
    let out = r
        .run(&[
            "replay", &r.name, "--from", &from, "--to", &to, "--rule", "to-queue",
        ])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("COMPLETED: 3 event(s) replayed"),
        "{out:?}"
    );
    assert_eq!(correlation_ids(&r.drain(4, 3).await), middle);

    bad_input_is_refused_before_any_request(&r, &from, &to).await;
    ctrl_c_cancels_the_replay(&r).await;

    // doctor -f: the archive passes; destroy removes it with the bus.
    let out = r
        .run(&["doctor", "-f", "gcbridge.toml", &r.name, "-o", "json"])
        .await;
    let passed = doctor_checks(&out, "pass");
    assert!(
        passed
            .iter()
            .any(|c| c.starts_with("archive: ") && c.contains("kept 7 days")),
        "{passed:#?}"
    );
    let out = r
        .run(&["destroy", "-f", "gcbridge.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let gone =
        r.a.events
            .describe_archive()
            .archive_name(&archive)
            .send()
            .await;
    assert!(gone.is_err(), "the archive is still there");
}

async fn bad_input_is_refused_before_any_request(r: &R, from: &str, to: &str) {
    clear_requests(&r.a.w.url).await;
    let cases: [(&[&str], &str); 4] = [
        (
            &["--from", "yesterday", "--to", to],
            "--from \"yesterday\" is not a time",
        ),
        (&["--from", to, "--to", from], "is not before --to"),
        (&["--from", "1h", "--to", "2h"], "is not before --to"),
        (
            &["--from", from, "--to", to, "--rule", "no spaces"],
            "--rule no spaces",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["replay", r.name.as_str()];
        all.extend(args);
        let out = r.run(&all).await;
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(want), "{args:?}: {out:?}");
    }
    assert_eq!(requests(&r.a.w.url).await["total"], 0, "a request was sent");
}

async fn ctrl_c_cancels_the_replay(r: &R) {
    let from = replay_time_now();
    r.publish(100).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut cmd = command(r.a.w.dir.path(), r.a.w.env.iter().map(|(k, v)| (k, v)));
    cmd.args(["replay", &r.name, "--from", &from, "--to", "now"])
        .args(["--aws-endpoint", &r.a.moto]);
    let replay = Running::start(cmd, false);
    replay.wait_for("replay: started ").await;
    replay.signal("INT");
    let (code, stderr) = replay.exit().await;
    assert_eq!(code, 130, "{stderr}");
    assert!(stderr.contains("cancelled the replay"), "{stderr}");
    let name = stderr
        .split("replay: started ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let state =
        r.a.events
            .describe_replay()
            .replay_name(&name)
            .send()
            .await
            .unwrap();
    let state = state.state().unwrap().as_str().to_string();
    assert!(
        state == "CANCELLED" || state == "CANCELLING",
        "{name}: {state}"
    );
    // Fewer than the 100 were replayed, and nothing of gcbridge's is left on the bus or in SQS.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let replayed = r.drain(100, 2).await.len();
    assert!(replayed < 100, "{replayed} of 100 replayed after Ctrl-C");
    let temporary = rules_named(&r.a.events, &partner_bus(&r.name), "gcbridge-tmp-").await;
    assert!(temporary.is_empty(), "{temporary:?}");
    // Its counting queue is gone (by name: other suites' replays share the region).
    let counter = stderr
        .split("counting with temporary rule ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap();
    let queue = r.a.sqs.get_queue_url().queue_name(counter).send().await;
    assert!(
        queue.is_err(),
        "the counting queue {counter} is still there"
    );
    assert!(
        stderr.contains(&format!("removed the temporary queue {counter}")),
        "{stderr}"
    );
}
