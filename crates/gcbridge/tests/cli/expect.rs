//! Rule expectations end to end, against the emulator (Genesys and its partner side) and moto
//! (whose TestEventPattern evaluates patterns: scripts/moto/launcher.py (f)): an expectation that
//! holds passes plan, apply and doctor -f; a `matches` the pattern misses and an `ignores` it
//! catches fail plan (exit 1, apply refuses and changes nothing) and doctor -f, naming the rule,
//! the topic and the pattern; a rule matching no subscribed topic and a subscribed topic reaching
//! no rule are warnings, which leave plan's exit code alone.

use crate::common::*;
use gcbridge_testkit::{moto, sqs};
use serde_json::Value;

const ACTIVITY: &str = "v2.users.{id}.activity";
const PATTERN: &str = r#"{"detail-type":["v2.users.{id}.presence"]}"#;

struct Setup {
    a: AwsWorld,
    suffix: String,
    queue_arn: String,
}

impl Setup {
    async fn new() -> Option<Setup> {
        let moto = moto::endpoint()?;
        let a = AwsWorld::start(&moto, "us-east-1").await;
        let queue = sqs::create_queue(&a.sqs, &moto::unique("expect")).await;
        Some(Setup {
            a,
            suffix: moto::unique("expect"),
            queue_arn: queue.arn,
        })
    }

    /// gcbridge.toml: the destination subscribing `topics`, its rule `presence-only` (detail-type
    /// presence, to the queue) with `expect`, then `more` (other rules).
    fn config(&self, topics: &[&str], expect: &str, more: &str) -> String {
        let body = format!(
            "event_pattern = {{ \"detail-type\" = [\"v2.users.{{id}}.presence\"] }}\ntargets = [\"{}\"]\n{expect}",
            self.queue_arn
        );
        let rules = config_file::rule("presence-only", &body) + more;
        let url = &self.a.w.url;
        config_file::aws_destination(url, &self.suffix, "us-east-1", topics, "", &rules)
    }

    async fn run(&self, args: &[&str]) -> Output {
        self.a.run(args).await
    }

    /// `doctor SUFFIX -f FILE -o json`: the destination checked against `file`'s expectations.
    async fn doctor(&self, file: &str) -> Output {
        self.run(&["doctor", &self.suffix, "-f", file, "-o", "json"])
            .await
    }
}

/// The expectations of the plan's one AWS half, as (rule, topic, expect, held).
fn expectations(doc: &Value) -> Vec<(String, String, String, bool)> {
    doc["orgs"][0]["aws"][0]["expectations"]
        .as_array()
        .unwrap_or_else(|| panic!("no expectations: {doc:#}"))
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap().to_string(),
                e["topic"].as_str().unwrap().to_string(),
                e["expect"].as_str().unwrap().to_string(),
                e["held"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn row(rule: &str, topic: &str, expect: &str, held: bool) -> (String, String, String, bool) {
    (rule.into(), topic.into(), expect.into(), held)
}

#[tokio::test(flavor = "multi_thread")]
async fn expectations_pass_and_fail_in_plan_apply_and_doctor() {
    let Some(s) = Setup::new().await else { return };
    let holds = r#"expect = { matches = ["v2.users.{id}.presence"], ignores = ["v2.users.{id}.activity"] }"#;
    s.a.w.write("good.toml", &s.config(&[PRESENCE], holds, ""));

    let out = s.run(&["plan", "-f", "good.toml"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("expectations: all 2 hold"), "{out:?}");
    assert!(!out.stdout.contains("warning:"), "{out:?}");
    let doc = s
        .run(&["plan", "-f", "good.toml", "-o", "json"])
        .await
        .json();
    assert_eq!(doc["expectations_failed"], 0, "{doc:#}");
    assert_eq!(
        expectations(&doc),
        [
            row("presence-only", PRESENCE, "matches", true),
            row("presence-only", ACTIVITY, "ignores", true)
        ]
    );
    assert_eq!(doc["orgs"][0]["aws"][0]["warnings"], serde_json::json!([]));

    let out = s.a.apply("good.toml", &["--wait"]).await;
    assert_eq!(out.code, 0, "{out:?}");
    let out = s.doctor("good.toml").await;
    assert_eq!(out.code, 0, "{out:?}");
    let passed = doctor_checks(&out, "pass");
    assert!(
        passed.iter().any(|c| c.starts_with("rule presence-only expectations: rule presence-only matches v2.users.{id}.presence (3 of 3")),
        "{passed:#?}"
    );

    // A matches the pattern misses, and an ignores it catches: each named with rule, topic, pattern.
    let misses = r#"expect = { matches = ["v2.users.{id}.activity"], ignores = ["v2.users.{id}.presence"] }"#;
    s.a.w.write("bad.toml", &s.config(&[PRESENCE], misses, ""));
    let out = s.run(&["plan", "-f", "bad.toml"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    let matches_line = format!("error: expectation does not hold: rule presence-only: expect.matches {ACTIVITY}, but its pattern {PATTERN} matches 0 of 3 sample events of that topic");
    let ignores_line = format!("error: expectation does not hold: rule presence-only: expect.ignores {PRESENCE}, but its pattern {PATTERN} matches 3 of 3 sample events of that topic");
    assert!(out.stdout.contains(&matches_line), "{out:?}");
    assert!(out.stdout.contains(&ignores_line), "{out:?}");
    assert!(
        out.stderr.contains("2 rule expectation(s) do not hold"),
        "{out:?}"
    );
    let out = s.run(&["plan", "-f", "bad.toml", "-o", "json"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    let doc = out.json();
    assert_eq!(doc["expectations_failed"], 2, "{doc:#}");
    assert_eq!(
        expectations(&doc),
        [
            row("presence-only", ACTIVITY, "matches", false),
            row("presence-only", PRESENCE, "ignores", false)
        ]
    );
    assert_eq!(
        doc["orgs"][0]["aws"][0]["expectations"][0]["pattern"],
        PATTERN
    );

    // apply refuses the plan, changing nothing (the good file's plan is still clean after it).
    let wider = s.config(&[PRESENCE, ACTIVITY], misses, "");
    s.a.w.write("bad-wider.toml", &wider);
    let out = s
        .run(&["apply", "-f", "bad-wider.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("nothing was changed"), "{out:?}");
    let out = s.a.plan("good.toml", &[]).await;
    assert_eq!(out.code, 0, "still no changes: {out:?}");

    let out = s.doctor("bad.toml").await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert_eq!(failed.len(), 1, "{failed:#?}");
    let f = &failed[0];
    assert!(
        f.starts_with("rule presence-only expectations: 2 of 2 expectation(s) do not hold"),
        "{f}"
    );
    assert!(
        f.contains(&format!(
            "expect.matches {ACTIVITY}, but its pattern {PATTERN}"
        )),
        "{f}"
    );
    assert!(
        f.contains(&format!(
            "expect.ignores {PRESENCE}, but its pattern {PATTERN}"
        )),
        "{f}"
    );
    assert!(f.contains("| fix: change the rule's event_pattern"), "{f}");
    let human = s.run(&["doctor", &s.suffix, "-f", "bad.toml"]).await;
    assert_eq!(human.code, 1, "{human:?}");
    assert!(
        human
            .stdout
            .contains("FAIL  rule presence-only expectations:"),
        "{human:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_warns_about_a_rule_matching_nothing_and_a_topic_reaching_no_rule() {
    let Some(s) = Setup::new().await else { return };
    let body = format!(
        "event_pattern = {{ \"detail-type\" = [\"v2.nope\"] }}\ntargets = [\"{}\"]",
        s.queue_arn
    );
    let nothing = config_file::rule("nothing", &body);
    s.a.w
        .write("warn.toml", &s.config(&[PRESENCE, ACTIVITY], "", &nothing));
    let out = s.run(&["plan", "-f", "warn.toml"]).await;
    assert_eq!(out.code, 0, "warnings leave the exit code alone: {out:?}");
    assert!(
        out.stdout.contains(r#"warning: rule nothing matches none of the 2 subscribed topic(s): its pattern {"detail-type":["v2.nope"]} matches no sample event of them"#),
        "{out:?}"
    );
    assert!(
        out.stdout.contains(&format!("warning: subscribed topic {ACTIVITY} reaches no enabled rule: its events are dropped on the bus")),
        "{out:?}"
    );
    assert!(
        !out.stdout.contains("expectations:"),
        "no expect, nothing tested: {out:?}"
    );
    let out = s.a.plan("warn.toml", &[]).await;
    assert_eq!(out.code, 2, "changes, not an error: {out:?}");
    let doc = s
        .run(&["plan", "-f", "warn.toml", "-o", "json"])
        .await
        .json();
    let warnings: Vec<(String, Value, Value)> = doc["orgs"][0]["aws"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["kind"].as_str().unwrap().to_string(),
                w["rule"].clone(),
                w["topic"].clone(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "rule_matches_no_topic".to_string(),
                Value::from("nothing"),
                Value::Null
            ),
            (
                "topic_reaches_no_rule".to_string(),
                Value::Null,
                Value::from(ACTIVITY)
            ),
        ],
        "{doc:#}"
    );
    assert_eq!(doc["expectations_failed"], 0);
}
