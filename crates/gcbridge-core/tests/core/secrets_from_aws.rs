//! `client_secret_from`: the reference in the file (loaded, precedence, written back) and the
//! resolver reading it from Secrets Manager and SSM in moto, with the region rule and the errors
//! that name the secret and the region, never the value.

use gcbridge_core::config::connection::resolve;
use gcbridge_core::config::write::write;
use gcbridge_core::config::{load_str, ConnectionFlags, Environment, OrgCredentials, SecretRef};
use gcbridge_core::{org_credentials, read_secret};
use gcbridge_testkit::moto;
use gcbridge_testkit::stored_secret::{put_parameter, put_secret};

const VALUE: &str = "Aws-kept-canary-5e1f0b";

fn file(from: &str) -> String {
    format!(
        "[genesys]\napi_url = \"http://127.0.0.1:1\"\nclient_id_env = \"PROD_ID\"\n\
         client_secret_from = \"{from}\"\n"
    )
}

fn env(vars: &[(&str, &str)]) -> Environment {
    Environment::new(
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        Vec::new(),
    )
}

#[test]
fn the_reference_is_loaded_resolved_after_a_flag_and_written_back() {
    let text = file("aws-secretsmanager:prod/genesys#client_secret");
    let desired = load_str(&text, "gcbridge.toml").unwrap();
    let spec = &desired.orgs[0].connection;
    let want = SecretRef::parse("aws-secretsmanager:prod/genesys#client_secret").unwrap();
    assert_eq!(spec.client_secret_from.as_ref(), Some(&want));

    // The file outranks the environment: GENESYS_CLIENT_SECRET is not read.
    let e = env(&[("PROD_ID", "id"), ("GENESYS_CLIENT_SECRET", "from-env")]);
    let conn = resolve(&ConnectionFlags::default(), Some(spec), &e).unwrap();
    match &conn.credentials {
        OrgCredentials::InAws {
            client_id, secret, ..
        } => {
            assert_eq!(client_id, "id");
            assert_eq!(secret, &want);
        }
        other => panic!("the secret is to be read from AWS: {other:?}"),
    }
    // A flag outranks the file.
    let flags = ConnectionFlags {
        client_secret: Some("from-flag".into()),
        ..Default::default()
    };
    let conn = resolve(&flags, Some(spec), &e).unwrap();
    let known = conn.credentials.known().expect("the flag gives the secret");
    assert_eq!(known.client_secret.expose(), "from-flag");

    // export writes the reference back, and reads back to the same state.
    let written = write(&desired).unwrap();
    assert!(
        written.contains("client_secret_from = \"aws-secretsmanager:prod/genesys#client_secret\""),
        "{written}"
    );
    let again = load_str(&written, "gcbridge.toml").unwrap();
    assert_eq!(again.orgs[0].connection, desired.orgs[0].connection);
}

#[test]
fn both_keys_or_a_bad_prefix_are_refused_naming_the_keys() {
    let both = file("aws-ssm:/prod/secret") + "client_secret_env = \"PROD_SECRET\"\n";
    let e = load_str(&both, "gcbridge.toml").unwrap_err().to_string();
    assert!(
        e.contains("client_secret_from") && e.contains("client_secret_env"),
        "{e}"
    );
    let pasted = "q8Vt3nLz0pRk7YwXa2Bs";
    let e = load_str(&file(pasted), "gcbridge.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("aws-secretsmanager:NAME_OR_ARN") && e.contains("aws-ssm:/PARAMETER"),
        "{e}"
    );
    assert!(!e.contains(pasted), "the value is not echoed: {e}");
}

#[tokio::test]
async fn secrets_manager_strings_json_keys_and_ssm_secure_strings_are_read() {
    let Some(m) = moto::endpoint() else { return };
    let plain = moto::unique("gcbridge/plain");
    put_secret(&m, "us-east-1", &plain, VALUE).await;
    let json = moto::unique("gcbridge/json");
    let body = format!(r#"{{"client_id":"abc","client_secret":"{VALUE}"}}"#);
    put_secret(&m, "us-east-1", &json, &body).await;
    let param = format!("/{}", moto::unique("gcbridge/param"));
    put_parameter(&m, "us-east-1", &param, VALUE, true).await;

    for text in [
        format!("aws-secretsmanager:{plain}"),
        format!("aws-secretsmanager:{json}#client_secret"),
        format!("aws-ssm:{param}"),
    ] {
        let r = SecretRef::parse(&text).unwrap();
        let got = read_secret(&r, Some(&m))
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(got.expose(), VALUE, "{text}");
    }
    // A JSON secret read whole is refused, naming its keys and how to pick one.
    let r = SecretRef::parse(&format!("aws-secretsmanager:{json}")).unwrap();
    let e = read_secret(&r, Some(&m)).await.unwrap_err();
    assert!(
        e.message.contains("#client_secret") && !e.message.contains(VALUE),
        "{e}"
    );
    // The credentials name where the secret came from, and never show it.
    let creds = OrgCredentials::InAws {
        client_id: "abc".into(),
        id_source: gcbridge_core::config::Source::Env("PROD_ID".into()),
        secret: SecretRef::parse(&format!("aws-ssm:{param}")).unwrap(),
    };
    let c = org_credentials(&creds, Some(&m)).await.unwrap();
    assert_eq!(c.source.to_string(), format!("PROD_ID / aws-ssm:{param}"));
    assert!(!format!("{c:?}").contains(VALUE));
}

#[tokio::test]
async fn an_arn_carries_its_region_and_a_name_is_looked_for_in_the_configured_one() {
    let Some(m) = moto::endpoint() else { return };
    let name = moto::unique("gcbridge/eu");
    let arn = put_secret(&m, "eu-west-1", &name, VALUE).await;
    let r = SecretRef::parse(&format!("aws-secretsmanager:{arn}")).unwrap();
    assert_eq!(r.region(), Some("eu-west-1"));
    assert_eq!(read_secret(&r, Some(&m)).await.unwrap().expose(), VALUE);

    // By name, the configured region (us-east-1 under scripts/with-moto) has no such secret.
    let r = SecretRef::parse(&format!("aws-secretsmanager:{name}")).unwrap();
    let e = read_secret(&r, Some(&m)).await.unwrap_err();
    assert!(!e.usage, "a failed read, not bad input: {e:?}");
    for want in [name.as_str(), "us-east-1", "region"] {
        assert!(e.message.contains(want), "{want}: {e}");
    }
    let r = SecretRef::parse("aws-ssm:/gcbridge/no-such-parameter").unwrap();
    let e = read_secret(&r, Some(&m)).await.unwrap_err();
    assert!(
        e.message.contains("/gcbridge/no-such-parameter") && e.message.contains("us-east-1"),
        "{e}"
    );
}

/// moto does not enforce IAM on a shared server, so the refusal comes from a stub answering as
/// AWS does (`AccessDeniedException` in the JSON protocol). Run with the moto tests: they are the
/// ones given static AWS keys (scripts/with-moto), which the SDK needs to sign the request.
#[tokio::test]
async fn access_denied_names_the_secret_and_the_permission_to_grant() {
    use gcbridge_testkit::http_stub::{HttpStub, StubResponse};
    let Some(_) = moto::endpoint() else { return };
    let stub = HttpStub::start(std::sync::Arc::new(|_: &_| {
        StubResponse::json(
            400,
            serde_json::json!({
                "__type": "AccessDeniedException",
                "Message": "User: arn:aws:iam::123456789012:user/ci is not authorized"
            }),
        )
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-errortype", "AccessDeniedException")
    }))
    .await;
    let url = stub.base_url();
    for (text, permission) in [
        (
            "aws-secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-AbCdEf",
            "secretsmanager:GetSecretValue",
        ),
        (
            "aws-ssm:arn:aws:ssm:eu-west-1:123456789012:parameter/prod/secret",
            "ssm:GetParameter",
        ),
    ] {
        let r = SecretRef::parse(text).unwrap();
        let e = read_secret(&r, Some(&url)).await.unwrap_err();
        for want in [
            &text[text.find(':').unwrap() + 1..],
            permission,
            "kms:Decrypt",
            "eu-west-1",
            "user/ci",
        ] {
            assert!(e.message.contains(want), "{want}: {e}");
        }
    }
    assert_eq!(
        stub.requests().len(),
        2,
        "one request each: {:?}",
        stub.requests()
    );
}
