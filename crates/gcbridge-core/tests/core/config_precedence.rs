//! The connection precedence rule, field by field: flag > config file > environment, and the
//! environment used when neither a flag nor the file gives the value.

use gcbridge_core::config::connection::{endpoint_spec, resolve};
use gcbridge_core::config::{
    resolve_setting, ConnectionError, ConnectionFlags, Environment, Setting, Source,
};
use gcbridge_core::ConnectionSpec;
use genesys_client::CredentialSource;

use crate::common::assert_says;

fn env(vars: &[(&str, &str)]) -> Environment {
    Environment::new(
        vars.iter().map(|(k, v)| (k.to_string(), v.to_string())),
        Vec::new(),
    )
}

/// Three values for one setting: the flag, what the file says, and the default variable. For a
/// credential the file names a variable (`FILE_VAR`) that holds the file's value.
fn layers(
    setting: Setting,
) -> (
    ConnectionFlags,
    ConnectionSpec,
    Vec<(&'static str, &'static str)>,
) {
    let mut flags = ConnectionFlags::default();
    let mut file = ConnectionSpec::default();
    let default_var = setting.env_vars()[0];
    let mut vars = vec![(default_var, "from-env")];
    let (flag, in_file, names_a_var) = match setting {
        Setting::Region => (&mut flags.region, &mut file.region, false),
        Setting::ApiUrl => (&mut flags.api_url, &mut file.api_url, false),
        Setting::LoginUrl => (&mut flags.login_url, &mut file.login_url, false),
        Setting::ClientId => (&mut flags.client_id, &mut file.client_id_env, true),
        Setting::ClientSecret => (&mut flags.client_secret, &mut file.client_secret_env, true),
    };
    *flag = Some("from-flag".into());
    if names_a_var {
        *in_file = Some("FILE_VAR".into());
        vars.push(("FILE_VAR", "from-file"));
    } else {
        *in_file = Some("from-file".into());
    }
    (flags, file, vars)
}

fn value(
    setting: Setting,
    flags: &ConnectionFlags,
    file: &ConnectionSpec,
    e: &Environment,
) -> String {
    resolve_setting(setting, flags, file, e)
        .expect("resolved")
        .value
}

fn check_precedence(setting: Setting) {
    let (flags, file, vars) = layers(setting);
    let e = env(&vars);
    let none = ConnectionFlags::default();
    let no_file = ConnectionSpec::default();
    assert_eq!(
        value(setting, &flags, &file, &e),
        "from-flag",
        "{setting:?}: flag beats file and env"
    );
    assert_eq!(
        value(setting, &none, &file, &e),
        "from-file",
        "{setting:?}: file beats env"
    );
    let r = resolve_setting(setting, &none, &no_file, &e).unwrap();
    assert_eq!(
        r.value, "from-env",
        "{setting:?}: env when no flag and no file"
    );
    assert_eq!(r.source, Source::Env(setting.env_vars()[0].to_string()));
    let unset = resolve_setting(setting, &none, &no_file, &env(&[])).unwrap_err();
    assert_eq!(
        unset.vars,
        setting.env_vars(),
        "{setting:?}: the variables looked at"
    );
}

/// Region, API URL, login URL, client id and secret, each in turn (every message names it): the
/// flag beats the file (for a credential, the variable the file names), which beats the env.
#[test]
fn every_setting_flag_beats_file_beats_env() {
    use Setting::*;
    assert_eq!(
        Setting::ALL,
        [Region, ApiUrl, LoginUrl, ClientId, ClientSecret]
    );
    for s in Setting::ALL {
        check_precedence(s);
    }
}

#[test]
fn second_env_name_is_used_when_the_first_is_unset() {
    let none = ConnectionFlags::default();
    let file = ConnectionSpec::default();
    for s in [Setting::Region, Setting::ClientId, Setting::ClientSecret] {
        let second = s.env_vars()[1];
        let r = resolve_setting(s, &none, &file, &env(&[(second, "v")])).unwrap();
        assert_eq!(r.source, Source::Env(second.into()), "{s:?}");
    }
}

#[test]
fn process_env_beats_dotenv_and_empty_counts_as_unset() {
    let e = Environment::new(
        [("GENESYS_REGION".to_string(), "eu-west-1".to_string())],
        [("GENESYS_REGION".to_string(), "us-east-1".to_string())],
    );
    let none = ConnectionFlags::default();
    let file = ConnectionSpec::default();
    assert_eq!(value(Setting::Region, &none, &file, &e), "eu-west-1");
    let e = Environment::new(
        [("GENESYS_REGION".to_string(), String::new())],
        [("GENESYS_REGION".to_string(), "us-east-1".to_string())],
    );
    let r = resolve_setting(Setting::Region, &none, &file, &e).unwrap();
    assert_eq!(r.source, Source::DotEnv("GENESYS_REGION".into()));
}

#[test]
fn a_file_naming_its_variable_never_falls_back_to_the_default_names() {
    let file = ConnectionSpec {
        client_secret_env: Some("PROD_SECRET".into()),
        ..Default::default()
    };
    let e = env(&[("GENESYS_CLIENT_SECRET", "other-org")]);
    let unset = resolve_setting(
        Setting::ClientSecret,
        &ConnectionFlags::default(),
        &file,
        &e,
    )
    .unwrap_err();
    assert_eq!(unset.vars, ["PROD_SECRET"]);
}

#[test]
fn an_api_url_from_any_layer_overrides_the_region() {
    let file = ConnectionSpec {
        region: Some("eu-west-1".into()),
        ..Default::default()
    };
    let e = env(&[
        ("GENESYS_API_URL", "http://127.0.0.1:8765"),
        ("GENESYS_CLIENT_ID", "id"),
        ("GENESYS_CLIENT_SECRET", "s3cr3t-canary"),
    ]);
    let conn = resolve(&ConnectionFlags::default(), Some(&file), &e).unwrap();
    assert_eq!(conn.target, "http://127.0.0.1:8765");
    assert!(conn
        .sources
        .contains(&(Setting::Region, Source::File("region"))));
    assert_eq!(
        conn.credentials.known().unwrap().source,
        CredentialSource::Env {
            id_var: "GENESYS_CLIENT_ID".into(),
            secret_var: "GENESYS_CLIENT_SECRET".into()
        }
    );
    let shown = format!("{conn:?} {e:?}");
    assert!(!shown.contains("s3cr3t-canary"), "{shown}");
}

#[test]
fn credentials_from_flags_and_from_dotenv_say_so() {
    let flags = ConnectionFlags {
        api_url: Some("http://127.0.0.1:1".into()),
        client_id: Some("id".into()),
        client_secret: Some("s3cr3t-canary".into()),
        ..Default::default()
    };
    let conn = resolve(&flags, None, &env(&[])).unwrap();
    assert_eq!(
        conn.credentials.known().unwrap().source,
        CredentialSource::Flags
    );
    assert!(!format!("{flags:?}").contains("s3cr3t-canary"));

    let e = Environment::new(
        [("GENESYS_CLIENT_ID".to_string(), "id".to_string())],
        [(
            "GENESYSCLOUD_OAUTHCLIENT_SECRET".to_string(),
            "x".to_string(),
        )],
    );
    let flags = ConnectionFlags {
        region: Some("us-east-1".into()),
        ..Default::default()
    };
    let conn = resolve(&flags, None, &e).unwrap();
    assert_eq!(
        conn.credentials.known().unwrap().source,
        CredentialSource::DotEnv {
            id_var: "GENESYS_CLIENT_ID".into(),
            secret_var: "GENESYSCLOUD_OAUTHCLIENT_SECRET".into()
        }
    );
}

#[test]
fn problems_name_where_the_value_came_from() {
    let e = env(&[("GENESYS_API_URL", "http://example.com")]);
    let err = resolve(&ConnectionFlags::default(), None, &e).unwrap_err();
    assert!(
        matches!(&err, ConnectionError::Invalid { at: Source::Env(v), .. } if v == "GENESYS_API_URL")
    );
    assert!(err.to_string().starts_with("GENESYS_API_URL: "), "{err}");

    let flags = ConnectionFlags {
        region: Some("mars-1".into()),
        ..Default::default()
    };
    let err = resolve(&flags, None, &e).unwrap_err();
    assert!(err.to_string().starts_with("--region: "), "{err}");

    let err = resolve(&ConnectionFlags::default(), None, &env(&[])).unwrap_err();
    assert_eq!(err, ConnectionError::NoRegion);

    let e = env(&[("GENESYS_REGION", "us-east-1"), ("GENESYS_CLIENT_ID", "id")]);
    let err = resolve(&ConnectionFlags::default(), None, &e).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no OAuth client secret: set GENESYS_CLIENT_SECRET or GENESYSCLOUD_OAUTHCLIENT_SECRET \
         (or put it in a .env file in this directory), or give --client-secret"
    );
}

#[test]
fn export_writes_the_resolved_endpoint_and_never_a_credential() {
    let e = env(&[
        ("GENESYSCLOUD_REGION", "eu-west-1"),
        ("GENESYS_CLIENT_SECRET", "s3cr3t-canary"),
    ]);
    let spec = endpoint_spec(&ConnectionFlags::default(), &ConnectionSpec::default(), &e);
    assert_eq!(spec.region.as_deref(), Some("eu-west-1"));
    assert_eq!(spec.api_url, None);
    let flags = ConnectionFlags {
        api_url: Some("http://127.0.0.1:1".into()),
        ..Default::default()
    };
    let spec = endpoint_spec(&flags, &ConnectionSpec::default(), &e);
    assert_eq!(spec.region, None, "an API URL replaces the region");
    assert_eq!(spec.client_secret_env, None);
}

fn both(process: &[(&str, &str)], dotenv: &[(&str, &str)]) -> Environment {
    let own = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    Environment::new(own(process), own(dotenv)).with_dotenv_path("/w/.env".into())
}

#[test]
fn a_real_variable_beats_dotenv_under_every_alias() {
    let none = ConnectionFlags::default();
    let file = ConnectionSpec::default();
    for s in [Setting::Region, Setting::ClientId, Setting::ClientSecret] {
        let (first, second) = (s.env_vars()[0], s.env_vars()[1]);
        for (real, dot) in [(first, second), (second, first)] {
            let e = both(&[(real, "real")], &[(dot, "dotenv")]);
            let r = resolve_setting(s, &none, &file, &e).unwrap();
            assert_eq!(r.value, "real", "{s:?}: real {real} vs .env {dot}");
            assert_eq!(r.source, Source::Env(real.into()));
        }
    }
}

#[test]
fn two_aliases_with_different_values_are_an_error_naming_both_and_where() {
    let e = both(
        &[("GENESYS_REGION", "us-east-1")],
        &[
            ("GENESYS_CLIENT_ID", "a"),
            ("GENESYSCLOUD_OAUTHCLIENT_ID", "b"),
            ("GENESYS_CLIENT_SECRET", "x"),
        ],
    );
    let err = resolve(&ConnectionFlags::default(), None, &e).unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ConnectionError::AliasConflict { .. }),
        "{msg}"
    );
    assert_says(
        &msg,
        &[
            "GENESYS_CLIENT_ID (from the .env file /w/.env)",
            "GENESYSCLOUD_OAUTHCLIENT_ID (from the .env file /w/.env)",
        ],
    );
    let e = both(
        &[
            ("GENESYS_REGION", "us-east-1"),
            ("GENESYSCLOUD_REGION", "eu-west-1"),
        ],
        &[],
    );
    let msg = resolve(&ConnectionFlags::default(), None, &e)
        .unwrap_err()
        .to_string();
    assert_says(&msg, &["GENESYS_REGION (from the environment)"]);
    // The same value twice is no conflict.
    let e = both(
        &[
            ("GENESYS_REGION", "us-east-1"),
            ("GENESYSCLOUD_REGION", "us-east-1"),
            ("GENESYS_CLIENT_ID", "a"),
            ("GENESYS_CLIENT_SECRET", "x"),
        ],
        &[],
    );
    assert!(resolve(&ConnectionFlags::default(), None, &e).is_ok());
}

#[test]
fn an_empty_variable_is_reported_as_empty() {
    let e = both(
        &[("GENESYS_REGION", "us-east-1"), ("GENESYS_CLIENT_ID", "a")],
        &[("GENESYS_CLIENT_SECRET", "")],
    );
    let err = resolve(&ConnectionFlags::default(), None, &e).unwrap_err();
    assert_eq!(
        err.to_string(),
        "GENESYS_CLIENT_SECRET is set but empty (in the .env file /w/.env): give it the OAuth \
         client secret, or remove it"
    );
    let e = both(&[("GENESYS_REGION", "")], &[]);
    let msg = resolve(&ConnectionFlags::default(), None, &e)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("GENESYS_REGION is set but empty (in the environment)"),
        "{msg}"
    );
}

#[test]
fn a_url_from_variables_may_only_send_the_secret_to_genesys_or_loopback() {
    let creds = [("GENESYS_CLIENT_ID", "a"), ("GENESYS_CLIENT_SECRET", "x")];
    for (var, url, ok) in [
        ("GENESYS_LOGIN_URL", "https://evil.example.com", false),
        (
            "GENESYS_LOGIN_URL",
            "https://login.mypurecloud.com.evil.example",
            false,
        ),
        ("GENESYS_LOGIN_URL", "https://login.mypurecloud.de", true),
        ("GENESYS_LOGIN_URL", "http://127.0.0.1:9", true),
        (
            "GENESYS_API_URL",
            "https://proxy.example.com/genesys",
            false,
        ),
        ("GENESYS_API_URL", "https://api.euw2.pure.cloud", true),
        ("GENESYS_API_URL", "http://localhost:8080", true),
    ] {
        for in_dotenv in [true, false] {
            let mut process = vec![("GENESYS_REGION", "us-east-1")];
            process.extend(creds);
            let e = if in_dotenv {
                both(&process, &[(var, url)])
            } else {
                process.push((var, url));
                both(&process, &[])
            };
            let got = resolve(&ConnectionFlags::default(), None, &e);
            assert_eq!(got.is_ok(), ok, "{var}={url} (.env: {in_dotenv}): {got:?}");
            if let Err(err) = got {
                let msg = err.to_string();
                assert!(msg.starts_with(&format!("{var} (from ")), "{msg}");
                let origin = if in_dotenv {
                    "the .env file /w/.env"
                } else {
                    "the environment"
                };
                assert!(msg.contains(origin), "{msg}");
            }
        }
        // The same host given as a flag is the user's choice.
        let mut flags = ConnectionFlags::default();
        if var == "GENESYS_LOGIN_URL" {
            flags.login_url = Some(url.into());
        } else {
            flags.api_url = Some(url.into());
        }
        let mut process = vec![("GENESYS_REGION", "us-east-1")];
        process.extend(creds);
        assert!(resolve(&flags, None, &both(&process, &[])).is_ok(), "{url}");
        let file = ConnectionSpec {
            login_url: flags.login_url.clone(),
            api_url: flags.api_url.clone(),
            ..Default::default()
        };
        let got = resolve(
            &ConnectionFlags::default(),
            Some(&file),
            &both(&process, &[]),
        );
        assert!(got.is_ok(), "{url} in the file: {got:?}");
    }
}

#[test]
fn a_file_variable_name_that_is_not_a_name_is_refused_unechoed() {
    for bad in ["hunter2", "my secret", "X", "lower_case_name"] {
        let file = ConnectionSpec {
            region: Some("us-east-1".into()),
            client_secret_env: Some(bad.into()),
            client_id_env: Some("ID_VAR".into()),
            ..Default::default()
        };
        let err = resolve(
            &ConnectionFlags::default(),
            Some(&file),
            &env(&[("ID_VAR", "a")]),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("client_secret_env in the config file"),
            "{msg}"
        );
        assert!(!msg.contains(bad), "{msg}");
    }
}

#[test]
fn the_deadline_comes_from_the_flag_or_the_variable() {
    let base = [
        ("GENESYS_REGION", "us-east-1"),
        ("GENESYS_CLIENT_ID", "a"),
        ("GENESYS_CLIENT_SECRET", "x"),
    ];
    let conn = resolve(&ConnectionFlags::default(), None, &env(&base)).unwrap();
    assert_eq!(conn.deadline, genesys_client::DEFAULT_DEADLINE);
    let mut vars = base.to_vec();
    vars.push(("GENESYS_TIMEOUT_SECS", "7"));
    let conn = resolve(&ConnectionFlags::default(), None, &env(&vars)).unwrap();
    assert_eq!(conn.deadline.as_secs(), 7);
    let flags = ConnectionFlags {
        timeout_secs: Some(3),
        ..Default::default()
    };
    assert_eq!(
        resolve(&flags, None, &env(&vars))
            .unwrap()
            .deadline
            .as_secs(),
        3
    );
    vars.pop();
    vars.push(("GENESYS_TIMEOUT_SECS", "soon"));
    let msg = resolve(&ConnectionFlags::default(), None, &env(&vars))
        .unwrap_err()
        .to_string();
    assert!(msg.starts_with("GENESYS_TIMEOUT_SECS: "), "{msg}");
}
