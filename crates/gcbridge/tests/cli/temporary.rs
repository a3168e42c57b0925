//! Temporary queues and rules (of `tail` and `doctor --probe`) never outlive the command: SIGTERM,
//! SIGINT and SIGHUP remove them and exit 143, 130 and 129, a closed stdout removes them and exits
//! 141; what SIGKILL leaves expires and the next tail, doctor or apply removes it, saying so;
//! doctor reports one still there and destroy removes it with every rule of the bus it deletes.
//! gcbridge runs as a subprocess against the emulator and moto (under scripts/with-moto), each
//! test in a region of its own so that the region-wide queue listings do not see each other.

use std::time::{Duration, Instant};

use crate::common::*;
use gcbridge_testkit::moto;
use gcbridge_testkit::running::Running;
use serde_json::Value;

const TTL_VAR: &str = "GCBRIDGE_TEMPORARY_TTL_SECS";

struct T {
    /// Its env is its own: the admin's credentials and the test's region.
    a: AwsWorld,
    name: String,
    bus: String,
}

impl T {
    /// An applied destination with an associated bus (no rules) in `region`, or None (skipped).
    async fn new(region: &str) -> Option<T> {
        let moto = moto::endpoint()?;
        let mut a = AwsWorld::start(&moto, region).await;
        let name = moto::unique("tmp");
        let url = a.w.url.clone();
        let file = config_file::aws_destination(&url, &name, region, &[PRESENCE], "", "");
        a.w.write("gcbridge.toml", &file);
        a.w.env = [
            ("GENESYS_API_URL", url.as_str()),
            ("GENESYS_CLIENT_ID", ADMIN),
            ("GENESYS_CLIENT_SECRET", SECRET),
            ("AWS_REGION", region),
            ("AWS_MAX_ATTEMPTS", "2"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec();
        let t = T {
            a,
            bus: partner_bus(&name),
            name,
        };
        let out = t
            .run(
                &[],
                &["apply", "-f", "gcbridge.toml", "--auto-approve", "--wait"],
            )
            .await;
        assert_eq!(out.code, 0, "{out:?}");
        Some(t)
    }

    fn command(&self, extra_env: &[(&str, &str)], args: &[&str]) -> tokio::process::Command {
        let env = self
            .a
            .w
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(extra_env.iter().copied());
        let mut cmd = command(self.a.w.dir.path(), env);
        cmd.args(self.a.with_aws(args));
        cmd
    }

    async fn run(&self, extra_env: &[(&str, &str)], args: &[&str]) -> Output {
        let cmd = self.command(extra_env, args);
        gcbridge_testkit::cli::output_within(cmd, Duration::from_secs(90)).await
    }

    /// gcbridge started with its stderr collected as it comes; stdout read and dropped, or closed
    /// at once when `close_stdout`.
    fn start(&self, extra_env: &[(&str, &str)], args: &[&str], close_stdout: bool) -> Running {
        Running::start(self.command(extra_env, args), close_stdout)
    }

    /// `tail NAME --for 60` started, listening (its signal handlers installed).
    async fn tail(&self, extra_env: &[(&str, &str)], close_stdout: bool) -> Running {
        let tail = self.start(
            extra_env,
            &["tail", &self.name, "--for", "60", "-o", "json"],
            close_stdout,
        );
        tail.wait_for("listening on").await;
        tail
    }

    /// A `tail` started and sent `signal`: the name of its queue and rule (read while it
    /// listens), its exit code and its stderr.
    async fn signalled_tail(
        &self,
        extra_env: &[(&str, &str)],
        signal: &str,
    ) -> (String, i32, String) {
        let tail = self.tail(extra_env, false).await;
        let name = self.one_listener().await;
        tail.signal(signal);
        let (exit, stderr) = tail.exit().await;
        (name, exit, stderr)
    }

    /// The temporary rules on the bus and the temporary queues of the region.
    async fn leftovers(&self) -> (Vec<String>, Vec<String>) {
        let rules = rules_named(&self.a.events, &self.bus, "gcbridge-").await;
        let queues = self
            .a
            .sqs
            .list_queues()
            .queue_name_prefix("gcbridge-")
            .send()
            .await
            .unwrap();
        (rules, queues.queue_urls().to_vec())
    }

    async fn assert_clean(&self, context: &str) {
        let (rules, queues) = self.leftovers().await;
        assert!(
            rules.is_empty() && queues.is_empty(),
            "{context}: left {rules:?} {queues:?}"
        );
    }

    /// One temporary rule and its queue, of the same name: that name.
    async fn one_listener(&self) -> String {
        let (rules, queues) = self.leftovers().await;
        assert_eq!(rules.len(), 1, "{rules:?}");
        assert_eq!(queues.len(), 1, "{queues:?}");
        assert!(queues[0].ends_with(&format!("/{}", rules[0])), "{queues:?}");
        rules[0].clone()
    }

    async fn publish(&self) {
        gcbridge_testkit::sim::publish_all(&self.a.w.url, 2).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tail_removes_its_queue_and_rule_on_sigterm_sigint_and_sighup() {
    let Some(t) = T::new("eu-west-1").await else {
        return;
    };
    for (signal, code) in [("TERM", 143), ("INT", 130), ("HUP", 129)] {
        let (name, exit, stderr) = t.signalled_tail(&[], signal).await;
        assert_eq!(exit, code, "SIG{signal}: {stderr}");
        assert!(
            stderr.contains(&format!("removed the temporary rule {name}"))
                && stderr.contains(&format!("removed the temporary queue {name}")),
            "SIG{signal}: {stderr}"
        );
        t.assert_clean(&format!("SIG{signal}")).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tail_with_a_closed_stdout_exits_141_and_removes_its_queue_and_rule() {
    let Some(t) = T::new("eu-west-2").await else {
        return;
    };
    let mut tail = t.tail(&[], true).await;
    let start = Instant::now();
    // Events make tail write; the first write finds stdout closed.
    while !tail.exited() && start.elapsed() < Duration::from_secs(30) {
        t.publish().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (exit, stderr) = tail.exit().await;
    assert_eq!(exit, 141, "{stderr}");
    assert!(stderr.contains("removed the temporary rule"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    t.assert_clean("closed stdout").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_probe_removes_its_queue_and_rule_on_sigterm() {
    let Some(t) = T::new("eu-central-1").await else {
        return;
    };
    let doctor = t.start(&[], &["doctor", &t.name, "--probe", "60"], false);
    let start = Instant::now();
    while t.leftovers().await.0.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            doctor.stderr()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let name = t.one_listener().await;
    assert!(name.contains("-probe-"), "{name}");
    doctor.signal("TERM");
    let (exit, stderr) = doctor.exit().await;
    assert_eq!(exit, 143, "{stderr}");
    assert!(
        stderr.contains(&format!("removed the temporary rule {name}")),
        "{stderr}"
    );
    t.assert_clean("doctor --probe, SIGTERM").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_sigkill_leaves_expires_and_the_next_tail_doctor_or_apply_removes_it() {
    let Some(t) = T::new("ap-southeast-2").await else {
        return;
    };
    let next: [&[&str]; 3] = [
        &["tail", &t.name, "--for", "1"],
        &["doctor", &t.name],
        &["apply", "-f", "gcbridge.toml", "--auto-approve"],
    ];
    for args in next {
        let (name, exit, _) = t.signalled_tail(&[(TTL_VAR, "1")], "KILL").await;
        assert_eq!(exit, -1, "killed");
        assert!(name.starts_with("gcbridge-tmp-tail-"), "{name}");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let out = t.run(&[], args).await;
        for what in ["rule", "queue"] {
            assert!(
                out.stderr
                    .contains(&format!("removed the expired temporary {what} {name}")),
                "{args:?}: {out:?}"
            );
        }
        t.assert_clean(&format!("{args:?}")).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_reports_a_leftover_and_destroy_removes_it_and_the_unmanaged_rules_with_the_bus() {
    let Some(t) = T::new("ca-central-1").await else {
        return;
    };
    let (name, exit, _) = t.signalled_tail(&[], "KILL").await;
    assert_eq!(exit, -1, "killed");

    let out = t.run(&[], &["doctor", &t.name, "-o", "json"]).await;
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|_| panic!("{out:?}"));
    let check = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["checks"].as_array().unwrap().clone())
        .find(|c| c["check"] == "temporary resources")
        .unwrap_or_else(|| panic!("{out:?}"));
    assert_eq!(check["status"], "warn", "{check}");
    let detail = check["detail"].as_str().unwrap();
    assert!(detail.contains(&format!("rule {name}")), "{check}");
    assert!(detail.contains("expires 20"), "{check}");
    assert!(
        check["fix"].as_str().unwrap().contains("gcbridge destroy"),
        "{check}"
    );
    assert_eq!(
        t.one_listener().await,
        name,
        "doctor leaves one that has not expired"
    );

    t.a.events
        .put_rule()
        .name("made-by-hand")
        .event_bus_name(&t.bus)
        .event_pattern(r#"{"source":[{"prefix":"aws.partner/"}]}"#)
        .send()
        .await
        .unwrap();
    let out = t
        .run(&[], &["destroy", "-f", "gcbridge.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        t.a.events
            .describe_event_bus()
            .name(&t.bus)
            .send()
            .await
            .is_err(),
        "the bus is gone: {out:?}"
    );
    let queues =
        t.a.sqs
            .list_queues()
            .queue_name_prefix("gcbridge-")
            .send()
            .await;
    assert!(
        queues.unwrap().queue_urls().is_empty(),
        "the queue is gone: {out:?}"
    );
}
