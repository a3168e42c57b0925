//! Endpoints that cannot work are named as such: an API URL with a path or with userinfo is bad
//! input (exit 2) naming the flag, variable or key it came from; an AWS endpoint nothing listens
//! on is "cannot reach the AWS endpoint", not a credentials problem, on apply and doctor; a proxy
//! that cannot be reached is named with the variable that set it (the AWS SDK, unlike the Genesys
//! client, sends even a loopback endpoint through it unless `NO_PROXY` names the host).

use crate::common::*;
use gcbridge_testkit::listeners::free_port as closed_port;

/// The env, the arguments, the source the error must name, and what it must say.
type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>, &'a str, &'a str);

fn creds() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GENESYS_CLIENT_ID", ADMIN),
        ("GENESYS_CLIENT_SECRET", SECRET),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_url_with_a_path_or_userinfo_is_bad_input_naming_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let port = closed_port();
    let with_path = format!("http://127.0.0.1:{port}/api/v2");
    let userinfo = format!("http://someone:pa55word@127.0.0.1:{port}");
    std::fs::write(
        dir.path().join("gcbridge.toml"),
        format!("[genesys]\napi_url = \"http://127.0.0.1:{port}/oauth/token\"\n"),
    )
    .unwrap();
    let mut cases: Vec<Case> = vec![
        (
            creds(),
            vec!["whoami", "--api-url", &with_path],
            "--api-url",
            "no path",
        ),
        (
            [
                creds(),
                vec![("GENESYS_API_URL", "https://api.mypurecloud.com/api/v2/")],
            ]
            .concat(),
            vec!["status"],
            "GENESYS_API_URL",
            "no path",
        ),
        (
            [
                creds(),
                vec![("GENESYS_API_URL", "https://api.usw2.pure.cloud/x")],
            ]
            .concat(),
            vec!["topics"],
            "GENESYS_API_URL",
            "no path",
        ),
        (
            creds(),
            vec!["plan", "-f", "gcbridge.toml"],
            "api_url",
            "no path",
        ),
        (
            creds(),
            vec!["whoami", "--api-url", &userinfo],
            "--api-url",
            "user name or password",
        ),
    ];
    let login = format!("http://someone:pa55word@127.0.0.1:{port}");
    let api = format!("http://127.0.0.1:{port}");
    cases.push((
        creds(),
        vec!["whoami", "--api-url", &api, "--login-url", &login],
        "--login-url",
        "user name or password",
    ));
    for (env, args, source, says) in cases {
        let out = gcbridge(dir.path(), &env, &args).await;
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            out.stderr.contains(source),
            "{args:?} names {source}: {out:?}"
        );
        assert!(out.stderr.contains(says), "{args:?}: {out:?}");
        assert!(!out.stderr.contains("rejected the OAuth client"), "{out:?}");
        assert!(!out.stderr.contains("pa55word"), "{out:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_aws_endpoint_nothing_listens_on_is_reported_as_unreachable() {
    let w = World::as_client(ADMIN).await;
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    w.write(
        "gcbridge.toml",
        r#"[[destination]]
name = "prod-events"
aws_account_id = "123456789012"
aws_region = "us-east-1"
event_source_suffix = "prod-events"
event_types = ["routing"]

[destination.aws]
associate = true
"#,
    );
    let mut env = w.env.clone();
    for (k, v) in [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_MAX_ATTEMPTS", "1"),
    ] {
        env.push((k.into(), v.into()));
    }
    let flag = ["--aws-endpoint", endpoint.as_str()];
    let apply = [
        &["apply", "-f", "gcbridge.toml", "--auto-approve"][..],
        &flag,
    ]
    .concat();
    let out = w.run_with(&env, &apply).await;
    assert_eq!(out.code, 1, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains(&format!("cannot reach the AWS endpoint {endpoint}")),
        "{out:?}"
    );
    assert!(!all.contains("check the AWS credentials"), "{out:?}");

    // The same endpoint from AWS_ENDPOINT_URL.
    let mut by_env = env.clone();
    by_env.push(("AWS_ENDPOINT_URL".into(), endpoint.clone()));
    let out = w
        .run_with(&by_env, &["apply", "-f", "gcbridge.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("cannot reach the AWS endpoint"),
        "{out:?}"
    );

    // doctor reaches its AWS checks once the Genesys half exists (apply stopped before it: the
    // account is checked before anything is written).
    let genesys_only = std::fs::read_to_string(w.dir.path().join("gcbridge.toml")).unwrap();
    w.write(
        "genesys.toml",
        genesys_only.split("[destination.aws]").next().unwrap(),
    );
    let out = w
        .run_with(&env, &["apply", "-f", "genesys.toml", "--auto-approve"])
        .await;
    assert_eq!(out.code, 0, "{out:?}");
    let doctor = [&["doctor", "-f", "gcbridge.toml", "-o", "json"][..], &flag].concat();
    let out = w.run_with(&env, &doctor).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed
            .iter()
            .any(|f| f.contains("cannot reach the AWS endpoint") && f.contains("--aws-endpoint")),
        "{failed:#?}"
    );
    assert!(
        !failed
            .iter()
            .any(|f| f.contains("configure AWS credentials")),
        "{failed:#?}"
    );
}

/// The AWS SDK sends a loopback endpoint through `HTTP_PROXY` (no loopback bypass of its own):
/// with the proxy on a closed port, apply and doctor exit 1 naming the proxy and its variable,
/// never the credentials; once `NO_PROXY` names the endpoint's host, apply converges against moto.
#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_proxy_for_the_aws_endpoint_is_named_with_its_variable() {
    let Some(moto) = gcbridge_testkit::moto::endpoint() else {
        return;
    };
    let sim = sim_with_moto(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let suffix = gcbridge_testkit::moto::unique("proxied");
    std::fs::write(
        dir.path().join("gcbridge.toml"),
        format!(
            "[[destination]]\nname = \"{suffix}\"\naws_account_id = \"{}\"\n\
             aws_region = \"us-east-1\"\nevent_source_suffix = \"{suffix}\"\n\
             event_types = [\"routing\"]\n\n[destination.aws]\nassociate = true\n",
            gcbridge_testkit::moto::DEFAULT_ACCOUNT
        ),
    )
    .unwrap();
    let proxy = format!("http://127.0.0.1:{}", closed_port());
    let shown_proxy =
        format!("cannot reach the proxy {proxy} (from HTTP_PROXY) for the AWS endpoint {moto}");
    let mut env = moto_env(&sim.base_url());
    env.push(("AWS_MAX_ATTEMPTS".into(), "1".into()));
    // userinfo in the variable is never echoed.
    let with_user = proxy.replace("http://", "http://someone:pr0xypass@");
    env.push(("HTTP_PROXY".into(), with_user));
    let run = |env: Vec<(String, String)>, args: Vec<&'static str>| {
        let (dir, moto) = (dir.path().to_path_buf(), moto.clone());
        async move {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let args = [&args[..], &["--aws-endpoint", moto.as_str()][..]].concat();
            gcbridge(&dir, &env, &args).await
        }
    };
    let apply = vec!["apply", "-f", "gcbridge.toml", "--auto-approve"];
    let out = run(env.clone(), apply.clone()).await;
    assert_eq!(out.code, 1, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    // Every line but the SDK's warnings about the test's absent credentials files.
    let said: Vec<&str> = all.lines().filter(|l| !l.contains("WARN")).collect();
    assert!(said.iter().any(|l| l.contains(&shown_proxy)), "{out:?}");
    assert!(
        !said.iter().any(|l| l.contains("credentials")) && !all.contains("pr0xypass"),
        "{out:?}"
    );

    // The same proxy exempted by NO_PROXY: the SDK goes straight to moto and apply converges.
    let mut exempt = env.clone();
    exempt.push(("NO_PROXY".into(), "localhost,127.0.0.1".into()));
    let out = run(exempt, apply).await;
    assert_eq!(out.code, 0, "{out:?}");

    // doctor, with both halves in place, fails its AWS checks on the proxy, not the credentials.
    let out = run(env, vec!["doctor", "-f", "gcbridge.toml", "-o", "json"]).await;
    assert_eq!(out.code, 1, "{out:?}");
    let failed = doctor_checks(&out, "fail");
    assert!(
        failed.iter().any(|f| f.contains(&shown_proxy)),
        "{failed:#?}"
    );
    // The check is labelled "AWS credentials"; what it says and advises never blames them.
    let said = |f: &String| f.split_once(": ").map_or(f.clone(), |(_, s)| s.to_string());
    assert!(
        !failed.iter().any(|f| said(f).contains("credentials")),
        "{failed:#?}"
    );
    assert!(!out.stdout.contains("pr0xypass"), "{out:?}");
}
