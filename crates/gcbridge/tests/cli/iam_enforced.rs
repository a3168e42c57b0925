//! Least privilege, proven under moto's IAM enforcement (gcbridge_testkit::moto_iam: a moto of
//! its own started with INITIAL_NO_AUTH_ACTION_COUNT=0, scripts/moto/iam.py). An IAM user holding
//! exactly what `gcbridge iam-policy -f gcbridge.toml` prints runs apply, doctor, tail, replay and
//! destroy of a destination with every kind of target, an archive and its client secret in
//! Secrets Manager: all succeed. Then each action is removed in turn (a fresh destination and user
//! each time): some command of the sequence fails, it is one the table says makes the call, and its
//! output names the action and `gcbridge iam-policy`.
//!
//! What this flow cannot show failing is listed in [`NOT_SHOWN`] with the reason, and what a
//! command only warns about (naming the action) in [`WARNED`]; the loop checks both lists are
//! exactly what it saw, so neither they nor the table can go stale. moto checks actions and, for
//! SQS and IAM only, resources (scripts/moto/iam.py, whose selfcheck runs first); the scoping of
//! the other resources is core's test (crates/gcbridge-core/tests/core/iam_policy.rs). Each
//! removal runs apply and the commands the table says make the call: a wrong row shows as unnoticed.

use std::time::Duration;

use crate::common::*;
use gcbridge_core::iam_policy::calls::{commands_of, Cmd, POLICY_COMMANDS};
use gcbridge_testkit::moto_iam::{EnforcingMoto, UserKey};
use gcbridge_testkit::{lambda, moto, sqs, stored_secret, streams};
use serde_json::Value;

const REGION: &str = "us-east-1";
const SECRET_NAME: &str = "genesys/gcbridge";

/// The actions this flow cannot show failing, and why.
const NOT_SHOWN: &[(&str, &str)] = &[
    ("sts:GetCallerIdentity", "AWS (and moto) allow it always, even under an explicit deny"),
    ("iam:PassRole", "moto checks no action AWS checks along with another call (PutTargets)"),
    ("iam:TagRole", "moto checks no action AWS checks along with another call (CreateRole)"),
    ("sqs:TagQueue", "moto checks no action AWS checks along with another call (CreateQueue)"),
    ("events:TagResource", "a temporary rule's tags are a courtesy: a refused TagResource is logged, the name says what the rule is"),
    ("events:UpdateArchive", "only when the archive's retention changes"),
    ("events:CancelReplay", "only when a signal interrupts a replay"),
    ("iam:UpdateAssumeRolePolicy", "only when gcbridge's role's trust policy was changed by hand"),
    ("iam:DetachRolePolicy", "only when a managed policy was attached to gcbridge's role by hand"),
    ("iam:GetPolicy", "only for a role with attached managed policies"),
    ("iam:GetPolicyVersion", "only for a role with attached managed policies"),
];

/// The actions whose refusal a command reports as a warning naming it, and goes on.
const WARNED: &[(&str, &str)] = &[
    (
        "sqs:ListQueues",
        "doctor's temporary-resources check warns that it could not look for leftovers; the sweep of the others logs it",
    ),
    (
        "sqs:DeleteMessage",
        "tail and replay warn that an event may come twice; the temporary queue goes with its messages",
    ),
];

/// What the test sets up once: moto, the emulator, the targets every destination shares.
struct Setup {
    moto: EnforcingMoto,
    sim: genesys_sim::RunningSim,
    config: aws_config::SdkConfig,
    /// The SQS, SNS, dead-letter and Kinesis targets.
    shared: (String, String, String, String),
}

async fn setup() -> Option<Setup> {
    let moto = EnforcingMoto::start()?;
    let endpoint = moto.endpoint.clone();
    let sim = sim_with_moto(&endpoint).await;
    // The setup's own calls use the static key, which the enforcing moto leaves unchecked.
    let config = moto::sdk_config(&endpoint, REGION).await;
    let sqs_client = aws_sdk_sqs::Client::new(&config);
    let queue = sqs::create_queue(&sqs_client, "iam-target").await;
    let dlq = sqs::create_queue(&sqs_client, "iam-dlq").await;
    let sns = aws_sdk_sns::Client::new(&config);
    let topic = sns.create_topic().name("iam-topic").send().await.unwrap();
    let stream = streams::create_stream(&endpoint, moto::DEFAULT_ACCOUNT, "iam-stream").await;
    stored_secret::put_secret(&endpoint, REGION, SECRET_NAME, SECRET).await;
    let topic = topic.topic_arn().unwrap().to_string();
    Some(Setup {
        moto,
        sim,
        config,
        shared: (queue.arn, topic, dlq.arn, stream),
    })
}

impl Setup {
    /// A Lambda function and a log group of destination `name`'s own, and no resource policy of
    /// gcbridge's for CloudWatch Logs in the account: each destination starts from what a first
    /// apply meets (GetFunction is only called for a function without a policy, PutResourcePolicy
    /// only when no statement covers the group yet, DeleteResourcePolicy with the last statement).
    async fn fresh_targets(&self, name: &str) {
        let logs = aws_sdk_cloudwatchlogs::Client::new(&self.config);
        let _ = logs
            .delete_resource_policy()
            .policy_name("gcbridge-eventbridge-to-logs")
            .send()
            .await;
        logs.create_log_group()
            .log_group_name(format!("/gcbridge/{name}"))
            .send()
            .await
            .unwrap();
        let lambda_client = aws_sdk_lambda::Client::new(&self.config);
        lambda::create_function(&self.moto.endpoint, &lambda_client, &format!("fn-{name}")).await;
    }

    /// The file of destination `name`: its client secret in Secrets Manager, an associated bus
    /// with an archive, the rules of every target type (one with an expectation, which plan and
    /// doctor test with TestEventPattern).
    fn file(&self, name: &str) -> String {
        let (queue, topic, dlq, stream) = &self.shared;
        let account = moto::DEFAULT_ACCOUNT;
        let function = format!("arn:aws:lambda:{REGION}:{account}:function:fn-{name}");
        let group = format!("arn:aws:logs:{REGION}:{account}:log-group:/gcbridge/{name}");
        let rules = format!(
            "\n[[destination.aws.rule]]\nname = \"to-queue\"\ntargets = [\"{queue}\", \"{topic}\"]\n\
             dead_letter_queue = \"{dlq}\"\nexpect = {{ matches = [\"{PRESENCE}\"] }}\n\n\
             [[destination.aws.rule]]\nname = \"to-others\"\n\
             targets = [\"{function}\", \"{group}\", \"{stream}\"]\n"
        );
        let file = config_file::aws_destination(
            &self.sim.base_url(),
            name,
            REGION,
            &[PRESENCE],
            "archive = { retention_days = 1 }",
            &rules,
        );
        file.replacen(
            "[genesys]\n",
            &format!("[genesys]\nclient_secret_from = \"aws-secretsmanager:{SECRET_NAME}\"\n"),
            1,
        )
    }

    /// A working directory with the file of `name` and the env of `key`'s user.
    fn world(&self, name: &str, key: &UserKey) -> Dir {
        let env: Vec<(String, String)> = [
            ("GENESYS_CLIENT_ID", ADMIN),
            ("AWS_ACCESS_KEY_ID", key.key_id.as_str()),
            ("AWS_SECRET_ACCESS_KEY", key.secret.as_str()),
            ("AWS_REGION", REGION),
            ("AWS_MAX_ATTEMPTS", "1"),
            ("AWS_ENDPOINT_URL", self.moto.endpoint.as_str()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gcbridge.toml"), self.file(name)).unwrap();
        Dir { dir, env }
    }

    /// The policy `iam-policy` prints for the file of `name`.
    async fn policy(&self, name: &str) -> Value {
        let w = self.world(
            name,
            &UserKey {
                user: String::new(),
                key_id: "none".into(),
                secret: "none".into(),
            },
        );
        let out = w
            .run(&["iam-policy", "-f", "gcbridge.toml", "-o", "json"])
            .await;
        assert_eq!(out.code, 0, "{out:?}");
        out.json()["aws_policy"].clone()
    }

    /// apply, doctor, tail, replay, destroy of `name` as `key`'s user (apply and those of `only`),
    /// until one fails: every command run with its output (the last one is the failure, if any).
    async fn sequence(&self, name: &str, key: &UserKey, only: &[Cmd]) -> Vec<(Cmd, Output)> {
        self.fresh_targets(name).await;
        let w = self.world(name, key);
        let file = ["-f", "gcbridge.toml"];
        let steps: [(Cmd, Vec<&str>); 5] = [
            (
                Cmd::Apply,
                [&["apply", "--auto-approve"][..], &file].concat(),
            ),
            (Cmd::Doctor, [&["doctor", name][..], &file].concat()),
            (
                Cmd::Tail,
                [&["tail", name, "--for", "1"][..], &file].concat(),
            ),
            (
                Cmd::Replay,
                [
                    &[
                        "replay", name, "--from", "10m", "--to", "now", "--settle", "1",
                    ][..],
                    &file,
                ]
                .concat(),
            ),
            (
                Cmd::Destroy,
                [&["destroy", "--auto-approve"][..], &file].concat(),
            ),
        ];
        let mut ran = Vec::new();
        // apply makes what the others need; the others only when they make the call.
        for (cmd, args) in steps
            .into_iter()
            .filter(|(c, _)| *c == Cmd::Apply || only.contains(c))
        {
            if cmd == Cmd::Replay {
                // Archived events, so the replay's listener receives (and deletes) some.
                gcbridge_testkit::sim::publish(&self.sim.base_url(), name, 2).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            let out = w.run(&args).await;
            let failed = out.code != 0;
            ran.push((cmd, out));
            if failed {
                break;
            }
        }
        ran
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_printed_policy_is_enough_and_every_action_in_it_is_needed() {
    let Some(s) = setup().await else {
        return;
    };
    s.moto.selfcheck();
    let policy = s.policy("full").await;
    let full = s.moto.user("gcbridge-full", &policy).await;
    let ran = s.sequence("full", &full, &POLICY_COMMANDS).await;
    let log = || s.moto.log_tail();
    assert_eq!(ran.len(), 5, "{:?}\nmoto: {}", ran.last(), log());
    for (cmd, out) in &ran {
        assert_eq!(
            out.code,
            0,
            "{} under the printed policy: {out:?}\nmoto: {}",
            cmd.as_str(),
            log()
        );
    }
    let replay = &ran[3].1.stdout;
    assert!(
        replay.contains("COMPLETED: ") && !replay.contains("COMPLETED: 0 event"),
        "the replay re-delivered the archived events (its listener received and deleted them): {replay}"
    );
    // The enforcement is real: a key moto does not know is refused.
    let stranger = UserKey {
        user: "x".into(),
        key_id: "AKIAUNKNOWN000000000".into(),
        secret: "x".into(),
    };
    let out = s
        .world("full", &stranger)
        .run(&["apply", "-f", "gcbridge.toml", "--auto-approve"])
        .await;
    assert_ne!(out.code, 0, "{out:?}");
    // Where moto knows the resource (an SQS queue that exists), the statement's ARNs count: the
    // temporary queues scoped elsewhere, tail is refused on its own queue.
    let mut scoped = s.policy("scoped").await;
    for st in scoped["Statement"].as_array_mut().unwrap() {
        if st["Sid"] == "TemporaryQueues" {
            st["Resource"] =
                serde_json::json!(["arn:aws:sqs:us-east-1:123456789012:not-gcbridge-*"]);
        }
    }
    let key = s.moto.user("gcbridge-scoped", &scoped).await;
    let ran = s.sequence("scoped", &key, &[Cmd::Tail]).await;
    let (cmd, out) = ran.last().unwrap();
    assert_eq!((*cmd, out.code == 0), (Cmd::Tail, false), "{out:?}");
    assert!(
        out.stderr.contains("missing permission: add sqs:"),
        "{out:?}"
    );

    let actions = gcbridge_core::iam_policy::policy(
        &gcbridge_core::config::load_str(&s.file("full"), "gcbridge.toml").unwrap(),
    )
    .document
    .actions();
    // Every problem at once: a run shows the whole table's state.
    let (mut unnoticed, mut warned, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    for (i, action) in actions.iter().enumerate() {
        let name = format!("least{i}");
        let reduced = without(&s.policy(&name).await, action);
        let key = s.moto.user(&format!("gcbridge-{i}"), &reduced).await;
        // Only the commands the table says make the call: a wrong row shows as unnoticed.
        let ran = s.sequence(&name, &key, &commands_of(action)).await;
        let (cmd, out) = ran.last().unwrap();
        if out.code == 0 {
            let named = format!("missing permission: add {action} ");
            match ran
                .iter()
                .any(|(_, o)| o.stdout.contains(&named) || o.stderr.contains(&named))
            {
                true => warned.push(*action),
                false => unnoticed.push(*action),
            }
            continue;
        }
        let text = format!("{}{}", out.stdout, out.stderr);
        if !(text.contains(action) && text.contains("gcbridge iam-policy")) {
            problems.push(format!(
                "without {action}, {} failed without naming it: {out:?}",
                cmd.as_str()
            ));
        }
        if !commands_of(action).contains(cmd) {
            problems.push(format!(
                "without {action}, {} failed, but the table says only {:?} call it",
                cmd.as_str(),
                commands_of(action)
            ));
        }
    }
    let listed = |l: &[(&'static str, &str)]| {
        let mut v: Vec<&str> = l.iter().map(|(a, _)| *a).collect();
        v.sort();
        v
    };
    if unnoticed != listed(NOT_SHOWN) {
        problems.push(format!(
            "removed with no command noticing: {unnoticed:?}, listed: {:?}",
            listed(NOT_SHOWN)
        ));
    }
    if warned != listed(WARNED) {
        problems.push(format!(
            "removed and only named in a warning: {warned:?}, listed: {:?}",
            listed(WARNED)
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A working directory and the env gcbridge runs with there.
struct Dir {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Dir {
    async fn run(&self, args: &[&str]) -> Output {
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        gcbridge_within(self.dir.path(), &env, args, Duration::from_secs(90)).await
    }
}

/// `policy` without `action` (and without a statement it leaves empty).
fn without(policy: &Value, action: &str) -> Value {
    let mut p = policy.clone();
    let statements = p["Statement"].as_array_mut().unwrap();
    for s in statements.iter_mut() {
        s["Action"].as_array_mut().unwrap().retain(|a| a != action);
    }
    statements.retain(|s| !s["Action"].as_array().unwrap().is_empty());
    p
}
