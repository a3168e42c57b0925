//! Least privilege, proven under moto's IAM enforcement (gcbridge_testkit::moto_iam: a moto of
//! its own started with INITIAL_NO_AUTH_ACTION_COUNT=0, scripts/moto/iam.py). An IAM user holding
//! exactly what `gcbridge iam-policy -f gcbridge.toml` prints runs apply, doctor, tail, replay and
//! destroy of a destination with every kind of target, an archive and its client secret in
//! Secrets Manager: all succeed. Then each action is removed in turn (a fresh destination and user
//! each time): some command of the sequence fails, it is one the table says makes the call, and its
//! output names the action and `gcbridge iam-policy`.
//!
//! What moto cannot show is listed in [`NOT_SHOWN`] with the reason, and the loop checks that list
//! is exactly what does not fail (moto checks actions and, for SQS and IAM only, resources; see
//! scripts/moto/iam.py), so neither it nor the table can go stale.

use std::time::Duration;

use crate::common::*;
use gcbridge_core::iam_policy::calls::{commands_of, Cmd};
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

/// What the test sets up once: moto, the emulator, the targets.
struct Setup {
    moto: EnforcingMoto,
    sim: genesys_sim::RunningSim,
    targets: String,
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
    let function =
        lambda::create_function(&endpoint, &aws_sdk_lambda::Client::new(&config), "iam-fn").await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    logs.create_log_group()
        .log_group_name("/gcbridge/iam")
        .send()
        .await
        .unwrap();
    let group = format!(
        "arn:aws:logs:{REGION}:{}:log-group:/gcbridge/iam",
        moto::DEFAULT_ACCOUNT
    );
    let stream = streams::create_stream(&endpoint, moto::DEFAULT_ACCOUNT, "iam-stream").await;
    stored_secret::put_secret(&endpoint, REGION, SECRET_NAME, SECRET).await;
    let targets = format!(
        "\n[[destination.aws.rule]]\nname = \"to-queue\"\ntargets = [\"{}\", \"{}\"]\n\
         dead_letter_queue = \"{}\"\n\n[[destination.aws.rule]]\nname = \"to-others\"\n\
         targets = [\"{function}\", \"{group}\", \"{stream}\"]\n",
        queue.arn,
        topic.topic_arn().unwrap(),
        dlq.arn
    );
    Some(Setup { moto, sim, targets })
}

impl Setup {
    /// The file of destination `name`: its client secret in Secrets Manager, an associated bus
    /// with an archive, the rules of every target type.
    fn file(&self, name: &str) -> String {
        let file = config_file::aws_destination(
            &self.sim.base_url(),
            name,
            REGION,
            &[PRESENCE],
            "archive = { retention_days = 1 }",
            &self.targets,
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

    /// apply, doctor, tail, replay, destroy of `name` as `key`'s user, until one fails: the
    /// command that failed and its output, or `None` when all succeeded.
    async fn sequence(&self, name: &str, key: &UserKey) -> Option<(Cmd, Output)> {
        let w = self.world(name, key);
        let steps: [(Cmd, Vec<&str>); 5] = [
            (
                Cmd::Apply,
                vec!["apply", "-f", "gcbridge.toml", "--auto-approve"],
            ),
            (Cmd::Doctor, vec!["doctor", name, "-f", "gcbridge.toml"]),
            (
                Cmd::Tail,
                vec!["tail", name, "-f", "gcbridge.toml", "--for", "1"],
            ),
            (
                Cmd::Replay,
                vec![
                    "replay",
                    name,
                    "-f",
                    "gcbridge.toml",
                    "--from",
                    "10m",
                    "--to",
                    "now",
                ],
            ),
            (
                Cmd::Destroy,
                vec!["destroy", "-f", "gcbridge.toml", "--auto-approve"],
            ),
        ];
        for (cmd, args) in steps {
            if cmd == Cmd::Replay {
                // Archived events, so the replay's listener receives (and deletes) some.
                gcbridge_testkit::sim::publish(&self.sim.base_url(), name, 2).await;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            let out = w.run(&args).await;
            if out.code != 0 {
                return Some((cmd, out));
            }
        }
        None
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_printed_policy_is_enough_and_every_action_in_it_is_needed() {
    let Some(s) = setup().await else {
        return;
    };
    let policy = s.policy("full").await;
    let full = s.moto.user("gcbridge-full", &policy).await;
    if let Some((cmd, out)) = s.sequence("full", &full).await {
        panic!(
            "{} failed under the printed policy: {out:?}\nmoto: {}",
            cmd.as_str(),
            s.moto.log_tail()
        );
    }
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

    let mut actions: Vec<String> = gcbridge_core::iam_policy::policy(
        &gcbridge_core::config::load_str(&s.file("full"), "gcbridge.toml").unwrap(),
    )
    .document
    .actions()
    .into_iter()
    .map(String::from)
    .collect();
    actions.sort();
    // Every problem at once: a run shows the whole table's state.
    let (mut not_failing, mut problems) = (Vec::new(), Vec::new());
    for (i, action) in actions.iter().enumerate() {
        let name = format!("least{i}");
        let reduced = without(&s.policy(&name).await, action);
        let key = s.moto.user(&format!("gcbridge-{i}"), &reduced).await;
        let Some((cmd, out)) = s.sequence(&name, &key).await else {
            not_failing.push(action.clone());
            continue;
        };
        let text = format!("{}{}", out.stdout, out.stderr);
        if !(text.contains(action.as_str()) && text.contains("gcbridge iam-policy")) {
            problems.push(format!(
                "without {action}, {} failed without naming it: {out:?}",
                cmd.as_str()
            ));
        }
        if !commands_of(action).contains(&cmd) {
            problems.push(format!(
                "without {action}, {} failed, but the table says only {:?} call it",
                cmd.as_str(),
                commands_of(action)
            ));
        }
    }
    let mut expected: Vec<String> = NOT_SHOWN.iter().map(|(a, _)| a.to_string()).collect();
    expected.sort();
    if not_failing != expected {
        problems.push(format!(
            "the actions whose removal no command noticed: {not_failing:?}, expected {expected:?}"
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
