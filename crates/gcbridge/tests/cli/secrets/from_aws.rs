//! `client_secret_from`: the OAuth client secret read from Secrets Manager (a string, a JSON key)
//! and from an SSM SecureString in moto, for whoami, plan and export against the emulator, at
//! `-vvv`; a fleet reads only the orgs it uses; a missing secret, a wrong region and no region
//! fail naming the secret. No output ever holds the secret or its Basic form.

use std::path::Path;

use gcbridge_testkit::moto;
use gcbridge_testkit::stored_secret::{put_parameter, put_secret};

use super::{base64, canary_sim, run, CANARY, CLIENT};
use crate::common::Output;

fn org_keys(url: &str, from: &str) -> String {
    format!("api_url = \"{url}\"\nclient_id_env = \"CANARY_ID\"\nclient_secret_from = \"{from}\"\n")
}

const DESTINATION: &str = "name = \"from-aws\"\naws_account_id = \"123456789012\"\n\
    aws_region = \"us-east-1\"\nevent_source_suffix = \"from-aws\"\nevent_types = [\"user\"]\n";

fn single_org(url: &str, from: &str) -> String {
    format!(
        "[genesys]\n{}\n[[destination]]\n{DESTINATION}",
        org_keys(url, from)
    )
}

/// The runs of one test, every one kept so that [`Runs::assert_no_secret`] searches them all.
#[derive(Default)]
struct Runs(Vec<(String, Output)>);

impl Runs {
    /// Keeps `out` (as `label`), which must have exited with `code`; the output, to check more.
    fn keep(&mut self, label: impl Into<String>, out: Output, code: i32) -> &Output {
        let label = label.into();
        assert_eq!(out.code, code, "{label}: {out:?}");
        self.0.push((label, out));
        &self.0.last().expect("just kept").1
    }

    /// Neither the secret nor its `id:secret` Basic form is in any output.
    fn assert_no_secret(&self) {
        let basic = base64(format!("{CLIENT}:{CANARY}").as_bytes());
        for (label, out) in &self.0 {
            for text in [&out.stdout, &out.stderr] {
                assert!(
                    !text.contains(CANARY),
                    "{label}: the secret leaked: {out:?}"
                );
                assert!(
                    !text.contains(&basic),
                    "{label}: the Basic form leaked: {out:?}"
                );
            }
        }
    }
}

/// Three secrets holding `CANARY` in moto's us-east-1: a Secrets Manager string, a JSON key, an
/// SSM SecureString; their `client_secret_from` references.
async fn stored(m: &str) -> Vec<String> {
    let plain = moto::unique("gcbridge-cli/plain");
    put_secret(m, "us-east-1", &plain, CANARY).await;
    let json = moto::unique("gcbridge-cli/json");
    let body = format!(r#"{{"client_id":"{CLIENT}","client_secret":"{CANARY}"}}"#);
    put_secret(m, "us-east-1", &json, &body).await;
    let param = format!("/{}", moto::unique("gcbridge-cli/param"));
    put_parameter(m, "us-east-1", &param, CANARY, true).await;
    vec![
        format!("aws-secretsmanager:{plain}"),
        format!("aws-secretsmanager:{json}#client_secret"),
        format!("aws-ssm:{param}"),
    ]
}

fn env(region: Option<&str>) -> Vec<(&str, &str)> {
    let mut env = vec![("CANARY_ID", CLIENT)];
    env.extend(region.map(|r| ("AWS_REGION", r)));
    env
}

/// What every test here starts from: moto, the canary emulator (running while this lives) at
/// `url`, and an empty working directory.
struct Start {
    m: String,
    _sim: genesys_sim::RunningSim,
    url: String,
    dir: tempfile::TempDir,
}

/// [`Start`], or `None` without moto ([`moto::endpoint`] says the test is skipped).
async fn start() -> Option<Start> {
    let m = moto::endpoint()?;
    let sim = canary_sim().await;
    Some(Start {
        m,
        url: sim.base_url(),
        _sim: sim,
        dir: tempfile::tempdir().unwrap(),
    })
}

async fn gcbridge(dir: &Path, env: &[(&str, &str)], m: &str, args: &[&str]) -> Output {
    let mut all = vec!["-vvv", "--aws-endpoint", m];
    all.extend(args);
    run(dir, env, &all).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_from_secrets_manager_or_ssm_works_for_whoami_plan_and_export() {
    let Some(Start { m, _sim, url, dir }) = start().await else {
        return;
    };
    let d = dir.path();
    let env = env(Some("us-east-1"));
    let mut runs = Runs::default();
    for from in stored(&m).await {
        std::fs::write(d.join("gcbridge.toml"), single_org(&url, &from)).unwrap();
        let f = ["-f", "gcbridge.toml"];
        for cmd in [&["whoami"][..], &["whoami", "-o", "json"], &["plan"]] {
            let args: Vec<&str> = cmd.iter().copied().chain(f).collect();
            let out = gcbridge(d, &env, &m, &args).await;
            runs.keep(format!("{from} {cmd:?}"), out, 0);
        }
        let out = gcbridge(d, &env, &m, &["export", "-f", "gcbridge.toml"]).await;
        let out = runs.keep(format!("{from} export"), out, 0);
        let line = format!("client_secret_from = \"{from}\"");
        assert!(
            out.stdout.contains(&line),
            "export writes the reference back: {out:?}"
        );
    }
    assert!(runs.0[0].1.stdout.contains("canary-org"), "{:?}", runs.0[0]);
    runs.assert_no_secret();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fleet_reads_the_secrets_of_the_orgs_it_uses_only() {
    let Some(Start { m, _sim, url, dir }) = start().await else {
        return;
    };
    let d = dir.path();
    let refs = stored(&m).await;
    let missing = moto::unique("gcbridge-cli/missing");
    let mut file = String::new();
    for (name, from) in [
        ("sm", refs[0].clone()),
        ("ssm", refs[2].clone()),
        ("gone", format!("aws-secretsmanager:{missing}")),
    ] {
        file += &format!("[[org]]\nname = \"{name}\"\n{}\n", org_keys(&url, &from));
        file += &format!("[[org.destination]]\n{DESTINATION}\n");
    }
    std::fs::write(d.join("fleet.toml"), file).unwrap();
    let env = env(Some("us-east-1"));
    let mut runs = Runs::default();
    // The org asked for is read; the one whose secret does not exist is never looked at.
    for org in ["sm", "ssm"] {
        let args = ["whoami", "-f", "fleet.toml", "--org", org];
        let out = runs.keep(org, gcbridge(d, &env, &m, &args).await, 0);
        assert!(!out.stderr.contains(&missing), "{org}: {out:?}");
    }
    // The whole fleet: the two readable orgs are planned, the third fails naming its secret.
    let out = gcbridge(d, &env, &m, &["plan", "-f", "fleet.toml"]).await;
    let out = runs.keep("fleet plan", out, 1);
    assert!(
        out.stderr.contains("org \"gone\"") && out.stderr.contains(&missing),
        "{out:?}"
    );
    runs.assert_no_secret();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_secret_a_wrong_region_and_no_region_fail_naming_the_secret() {
    let Some(Start { m, _sim, url, dir }) = start().await else {
        return;
    };
    let d = dir.path();
    let in_eu = moto::unique("gcbridge-cli/eu");
    put_secret(&m, "eu-west-1", &in_eu, CANARY).await;
    let mut runs = Runs::default();
    let cases = [
        (
            "missing",
            "aws-secretsmanager:gcbridge-cli/does-not-exist".to_string(),
            Some("us-east-1"),
            1,
            vec!["gcbridge-cli/does-not-exist", "us-east-1"],
        ),
        (
            "missing parameter",
            "aws-ssm:/gcbridge-cli/does-not-exist".to_string(),
            Some("us-east-1"),
            1,
            vec!["/gcbridge-cli/does-not-exist", "us-east-1", "SSM parameter"],
        ),
        (
            "wrong region",
            format!("aws-secretsmanager:{in_eu}"),
            Some("us-east-1"),
            1,
            vec![in_eu.as_str(), "in region us-east-1"],
        ),
        (
            "no region",
            format!("aws-secretsmanager:{in_eu}"),
            None,
            2,
            vec![in_eu.as_str(), "AWS_REGION", "ARN"],
        ),
    ];
    for (label, from, region, code, wants) in cases {
        std::fs::write(d.join("gcbridge.toml"), single_org(&url, &from)).unwrap();
        let env = env(region);
        let out = gcbridge(d, &env, &m, &["whoami", "-f", "gcbridge.toml"]).await;
        let out = runs.keep(label, out, code);
        for want in wants {
            assert!(out.stderr.contains(want), "{label}: {want}: {out:?}");
        }
    }
    // As data: the kind says the secret could not be read.
    std::fs::write(
        d.join("gcbridge.toml"),
        single_org(&url, "aws-secretsmanager:gcbridge-cli/does-not-exist"),
    )
    .unwrap();
    let args = ["whoami", "-f", "gcbridge.toml", "-o", "json"];
    let out = gcbridge(d, &env(Some("us-east-1")), &m, &args).await;
    let out = runs.keep("json", out, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("a JSON error document");
    assert_eq!(doc["error"]["kind"], "secret", "{out:?}");
    runs.assert_no_secret();
}

/// A throttled Secrets Manager or SSM is retried as every other AWS call is (gcbridge's 6 attempts,
/// not the SDK's 3): three throttles in a row are absorbed; a throttle that never ends fails naming
/// the throttle after 6 attempts, never as a missing permission or a missing secret.
#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_secret_read_is_retried_like_every_aws_call() {
    use gcbridge_testkit::aws_faults::{AwsFault, AwsFaultProxy, FaultRule};
    let Some(Start { m, _sim, url, dir }) = start().await else {
        return;
    };
    let d = dir.path();
    let refs = stored(&m).await;
    let env = env(Some("us-east-1"));
    let mut runs = Runs::default();
    for (from, action) in [
        (&refs[0], "secretsmanager:GetSecretValue"),
        (&refs[2], "ssm:GetParameter"),
    ] {
        std::fs::write(d.join("gcbridge.toml"), single_org(&url, from)).unwrap();
        for (rule, code, attempts) in [
            (
                FaultRule::new(AwsFault::Throttle).action(action).first(3),
                0,
                4,
            ),
            (FaultRule::new(AwsFault::Throttle).action(action), 1, 6),
        ] {
            let proxy = AwsFaultProxy::start(&m, vec![rule], 1).await;
            let endpoint = proxy.url();
            let args = ["--aws-endpoint", &endpoint, "whoami", "-f", "gcbridge.toml"];
            let out = runs.keep(format!("{action} {code}"), run(d, &env, &args).await, code);
            assert_eq!(proxy.count(action).requests, attempts, "{action}: {out:?}");
            if code != 0 {
                let text = out.stderr.to_lowercase();
                assert!(text.contains("throttl"), "{action}: {out:?}");
                assert!(
                    !text.contains("access denied") && !text.contains("no secrets manager"),
                    "{action}: a throttle is not a refusal: {out:?}"
                );
            }
        }
    }
    runs.assert_no_secret();
}
