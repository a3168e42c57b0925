//! The config writer and the loader agree: `load_str(write(x)) == x` for desired states of every
//! shape the writer emits (positions aside: a written file has its own lines).

use gcbridge_core::config::write::{write, write_commented, Comments};
use gcbridge_core::config::{load_str, Origin, DEFAULT_ORG_NAME};
use gcbridge_core::{AwsSpec, ConnectionSpec, DesiredState, DestinationSpec, OrgSpec};
use gcbridge_testkit::config_file::rule;
use proptest::prelude::*;

use crate::common::{associated, destination, single_org};

/// Origins point at lines of the written text; everything else must survive the round trip.
fn without_origins(mut s: DesiredState) -> DesiredState {
    for org in &mut s.orgs {
        org.origin = Origin::Flag;
        for d in &mut org.destinations {
            d.origin = Origin::Flag;
            // Where, and under which key: the writer puts every selector under `topics`.
            for (_, o, key) in &mut d.selectors {
                *o = Origin::Flag;
                key.clear();
            }
        }
    }
    s
}

fn round_trip(state: &DesiredState) {
    let text = write(state).expect("writes");
    let back = load_str(&text, "written.toml").unwrap_or_else(|e| panic!("{e}\n---\n{text}"));
    assert_eq!(
        without_origins(back),
        without_origins(state.clone()),
        "\n{text}"
    );
}

fn dest(name: &str, suffix: &str, topics: &[&str]) -> DestinationSpec {
    DestinationSpec {
        name: name.into(),
        description: None,
        enabled: true,
        aws_account_id: "012345678901".into(),
        aws_region: "us-east-1".into(),
        event_source_suffix: suffix.into(),
        expected_org_id: None,
        event_bus_arn_at: None,
        selectors: topics
            .iter()
            .map(|t| (t.to_string(), Origin::Flag, String::new()))
            .collect(),
        origin: Origin::Flag,
        warnings: vec![],
        aws: None,
    }
}

fn org(name: &str, connection: ConnectionSpec, destinations: Vec<DestinationSpec>) -> OrgSpec {
    OrgSpec {
        name: name.into(),
        connection,
        destinations,
        origin: Origin::Flag,
    }
}

fn region(r: &str) -> ConnectionSpec {
    ConnectionSpec {
        region: Some(r.into()),
        ..Default::default()
    }
}

#[test]
fn single_org_with_several_destinations_topics_and_families() {
    let mut disabled = dest(
        "b",
        "b",
        &["routing", "v2.detail.events.conversation.{id}.*"],
    );
    disabled.enabled = false;
    let state = DesiredState {
        orgs: vec![org(
            DEFAULT_ORG_NAME,
            region("eu-west-1"),
            vec![dest("a", "a", &["v2.users.{id}.presence"]), disabled],
        )],
    };
    round_trip(&state);
    let text = write(&state).unwrap();
    assert!(
        text.contains("[genesys]") && text.contains("[[destination]]"),
        "{text}"
    );
    assert!(text.contains("enabled = false"), "{text}");
}

#[test]
fn notes_with_quotes_newlines_backslashes_and_unicode() {
    let mut d = dest("a", "a", &["user"]);
    d.description = Some("say \"hi\"\nline two\\ ''' \"\"\" été 事件 \t tab".into());
    let state = DesiredState {
        orgs: vec![org(DEFAULT_ORG_NAME, region("us-east-1"), vec![d])],
    };
    round_trip(&state);
}

#[test]
fn several_orgs_with_env_var_names_and_urls() {
    let emu = ConnectionSpec {
        api_url: Some("http://127.0.0.1:8765".into()),
        login_url: Some("http://127.0.0.1:8766".into()),
        client_id_env: Some("PROD_ID".into()),
        client_secret_env: Some("PROD_SECRET".into()),
        ..Default::default()
    };
    let state = DesiredState {
        orgs: vec![
            org(
                "prod",
                emu,
                vec![dest("a", "a", &["user"]), dest("b", "b", &["routing"])],
            ),
            org("empty", region("us-east-1"), vec![]),
            org(
                "dev",
                region("ap-southeast-2"),
                vec![dest("a", "a", &["queue"])],
            ),
        ],
    };
    round_trip(&state);
    assert!(write(&state).unwrap().contains("[[org.destination]]"));
}

/// Built by the loader, so target ids are whatever the loader derives from the ARNs.
#[test]
fn aws_sections_round_trip() {
    let file = single_org(&[
        destination("a", "012345678901", "event_types = [\"conversation\"]"),
        associated(
            "archive = { retention_days = 30 }",
            &[
                rule(
                    "to-queue",
                    r#"description = "all of them"
enabled = false
event_pattern = { "detail-type" = [{ prefix = "v2.detail.events.conversation." }] }
targets = ["arn:aws:sqs:us-east-1:012345678901:genesys-events"]"#,
                ),
                rule(
                    "default-pattern",
                    r#"targets = ["arn:aws:sns:us-east-1:012345678901:topic"]
expect = { matches = ["v2.detail.events.conversation.{id}.customer.start"], ignores = ["v2.users.{id}.presence"] }"#,
                ),
            ],
        ),
        destination("b", "012345678901", "topics = [\"v2.users.{id}.presence\"]"),
        "[destination.aws]".into(),
    ]);
    let state = load_str(&file, "hand.toml").unwrap();
    let aws = state.orgs[0].destinations[0].aws.as_ref().unwrap();
    assert_eq!(aws.rules.len(), 2);
    assert_eq!(aws.archive.map(|a| a.retention_days), Some(30));
    assert_eq!(aws.rules[1].expect.ignores, ["v2.users.{id}.presence"]);
    assert_eq!(state.orgs[0].destinations[1].aws, Some(AwsSpec::default()));
    round_trip(&state);
}

#[test]
fn an_archive_round_trips_with_its_default_and_zero_retention() {
    let file = |archive: &str| {
        single_org(&[
            destination("a", "012345678901", "event_types = [\"conversation\"]"),
            associated(archive, &[]),
        ])
    };
    for (archive, days) in [
        ("archive = {}", 0),
        ("archive = { retention_days = 0 }", 0),
        ("archive = { retention_days = 3650 }", 3650),
    ] {
        let state = load_str(&file(archive), "hand.toml").unwrap();
        let spec = state.orgs[0].destinations[0].aws.as_ref().unwrap();
        assert_eq!(
            spec.archive.map(|a| a.retention_days),
            Some(days),
            "{archive}"
        );
        round_trip(&state);
    }
    let err = load_str(
        &file("archive = { retention_days = 2147483648 }"),
        "hand.toml",
    )
    .unwrap_err();
    assert!(format!("{err:?}").contains("out of range"), "{err:?}");
    let err = load_str(&file("archive = { days = 3 }"), "hand.toml").unwrap_err();
    assert!(format!("{err:?}").contains("days"), "{err:?}");
}

#[test]
fn comments_never_break_the_file() {
    let state = DesiredState {
        orgs: vec![org(
            DEFAULT_ORG_NAME,
            region("us-east-1"),
            vec![dest("a", "a", &["user"])],
        )],
    };
    let comments = Comments {
        header: "line one\nline two".into(),
        orgs: vec!["org \"evil\nname = 1\" (id)".into()],
    };
    let text = write_commented(&state, &comments).unwrap();
    assert!(text.starts_with("# line one\n# line two\n"), "{text}");
    let back = load_str(&text, "written.toml").unwrap();
    assert_eq!(without_origins(back), without_origins(state));
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ -~\n\t\"'\\\\é事]{0,40}").unwrap()
}

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,20}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_destination_round_trips(
        names in proptest::collection::btree_set(name(), 1..4),
        notes in proptest::option::of(text()),
        enabled in any::<bool>(),
        topics in proptest::collection::vec(
            prop_oneof![Just("user"), Just("routing"), Just("v2.users.{id}.presence")],
            1..3,
        ),
        multi in any::<bool>(),
    ) {
        let destinations: Vec<DestinationSpec> = names
            .iter()
            .map(|n| {
                let mut d = dest(n, n, &topics);
                d.description = notes.clone();
                d.enabled = enabled;
                d
            })
            .collect();
        let org_name = if multi { "prod" } else { DEFAULT_ORG_NAME };
        let state = DesiredState { orgs: vec![org(org_name, region("us-east-1"), destinations)] };
        round_trip(&state);
    }
}
