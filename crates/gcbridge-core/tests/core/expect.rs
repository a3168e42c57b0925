//! Rule expectations and pattern coverage against moto, whose TestEventPattern evaluates the
//! pattern (scripts/moto/launcher.py (f)): an expectation that holds passes, a `matches` the
//! pattern misses and an `ignores` it catches fail naming the rule, the topic and the pattern; a
//! rule matching no subscribed topic, a topic reaching no enabled rule and an expected topic that
//! is not subscribed are warnings; an unmanaged rule on the bus counts as a route.

use gcbridge_core::config::Origin;
use gcbridge_core::{
    test_plan, topic_set, AwsClients, AwsPlan, AwsSpec, Destination, ExpectKind, Expectations,
    PatternTests, RuleSpec, WarningKind,
};

use crate::common::{moto, rule_to, ACCOUNT, REGION};
use gcbridge_testkit::moto::unique;

const PRESENCE: &str = "v2.users.{id}.presence";
const ACTIVITY: &str = "v2.users.{id}.activity";
const START: &str = "v2.detail.events.conversation.{id}.customer.start";

fn rule(name: &str, pattern: &str, matches: &[&str], ignores: &[&str]) -> RuleSpec {
    RuleSpec {
        expect: Expectations {
            matches: matches.iter().map(|t| t.to_string()).collect(),
            ignores: ignores.iter().map(|t| t.to_string()).collect(),
        },
        ..rule_to(name, pattern, vec![])
    }
}

fn destination(topics: &[&str], rules: Vec<RuleSpec>) -> Destination {
    Destination {
        name: "d".into(),
        description: None,
        enabled: true,
        aws_account_id: ACCOUNT.into(),
        aws_region: REGION.into(),
        event_source_suffix: "d".into(),
        topics: topic_set(topics.iter().copied()),
        origin: Origin::Flag,
        aws: Some(AwsSpec {
            associate: true,
            rules,
            archive: None,
        }),
    }
}

/// The plan's pattern tests for `dest`, its events coming from `bus` (a bus that exists when
/// `bus_exists`, so its other rules count).
async fn tested(aws: &AwsClients, dest: &Destination, bus: &str, bus_exists: bool) -> PatternTests {
    let plan = AwsPlan {
        destination: dest.name.clone(),
        account: ACCOUNT.into(),
        region: REGION.into(),
        source: bus.into(),
        source_state: "MISSING".into(),
        bus_exists,
        actions: vec![],
    };
    test_plan(aws, dest, &plan).await
}

const DETAIL_TYPE_PRESENCE: &str = r#"{"detail-type": ["v2.users.{id}.presence"]}"#;

#[tokio::test(flavor = "multi_thread")]
async fn expectations_hold_or_fail_naming_rule_topic_and_pattern() {
    let Some(moto) = moto() else { return };
    let aws = AwsClients::new(REGION, Some(&moto)).await;
    let dest = destination(
        &[PRESENCE, ACTIVITY],
        vec![
            rule(
                "presence-only",
                DETAIL_TYPE_PRESENCE,
                &[PRESENCE],
                &[ACTIVITY],
            ),
            rule(
                "wrong",
                r#"{"detail-type": ["v2.users.{id}.activity"]}"#,
                &[PRESENCE],
                &[],
            ),
            rule(
                "too-wide",
                r#"{"detail-type": [{"prefix": "v2.users."}]}"#,
                &[],
                &[ACTIVITY],
            ),
        ],
    );
    let t = tested(&aws, &dest, "aws.partner/genesys.com/cloud/org/d", false).await;
    let verdicts: Vec<(&str, &str, ExpectKind, bool, usize)> = t
        .expectations
        .iter()
        .map(|e| {
            (
                e.rule.as_str(),
                e.topic.as_str(),
                e.expect,
                e.held,
                e.matched,
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("presence-only", PRESENCE, ExpectKind::Matches, true, 3),
            ("presence-only", ACTIVITY, ExpectKind::Ignores, true, 0),
            ("wrong", PRESENCE, ExpectKind::Matches, false, 0),
            ("too-wide", ACTIVITY, ExpectKind::Ignores, false, 3),
        ],
        "{t:#?}"
    );
    let failed: Vec<String> = t.failed().map(|e| e.message()).collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed[0].contains("rule wrong")
            && failed[0].contains("expect.matches v2.users.{id}.presence")
            && failed[0].contains(r#"{"detail-type":["v2.users.{id}.activity"]}"#),
        "{failed:?}"
    );
    assert!(
        failed[1].contains("rule too-wide")
            && failed[1].contains("expect.ignores v2.users.{id}.activity")
            && failed[1].contains(r#"{"detail-type":[{"prefix":"v2.users."}]}"#),
        "{failed:?}"
    );
    assert!(t.expectations.iter().all(|e| e.error.is_none()), "{t:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pattern_on_the_source_sees_the_destinations_partner_source() {
    let Some(moto) = moto() else { return };
    let aws = AwsClients::new(REGION, Some(&moto)).await;
    let source = "aws.partner/genesys.com/cloud/org-1/d";
    let own = format!(r#"{{"source": ["{source}"]}}"#);
    let other = r#"{"source": ["aws.partner/genesys.com/cloud/org-2/d"]}"#;
    let dest = destination(
        &[PRESENCE],
        vec![
            rule("own", &own, &[PRESENCE], &[]),
            rule("other", other, &[], &[PRESENCE]),
        ],
    );
    let t = tested(&aws, &dest, source, false).await;
    assert_eq!(t.failed().count(), 0, "{t:#?}");
    assert_eq!(t.expectations.len(), 2);
}

fn kinds(t: &PatternTests) -> Vec<(WarningKind, Option<&str>, Option<&str>)> {
    t.warnings
        .iter()
        .map(|w| (w.kind, w.rule.as_deref(), w.topic.as_deref()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn coverage_warns_about_rules_matching_nothing_and_topics_reaching_no_rule() {
    let Some(moto) = moto() else { return };
    let aws = AwsClients::new(REGION, Some(&moto)).await;
    let mut disabled = rule(
        "conversations-off",
        r#"{"detail-type": [{"prefix": "v2.detail.events.conversation."}]}"#,
        &[],
        &[],
    );
    disabled.enabled = false;
    let dest = destination(
        &[PRESENCE, ACTIVITY, START],
        vec![
            rule(
                "presence-only",
                DETAIL_TYPE_PRESENCE,
                &["v2.users.{id}.geolocation"],
                &[],
            ),
            rule("nothing", r#"{"detail-type": ["v2.nope"]}"#, &[], &[]),
            disabled,
        ],
    );
    let bus = unique("expect-bus");
    let t = tested(&aws, &dest, &bus, false).await;
    let warned = vec![
        (WarningKind::RuleMatchesNoTopic, Some("nothing"), None),
        (WarningKind::TopicReachesNoRule, None, Some(START)),
        (WarningKind::TopicReachesNoRule, None, Some(ACTIVITY)),
        (
            WarningKind::ExpectedTopicNotSubscribed,
            Some("presence-only"),
            Some("v2.users.{id}.geolocation"),
        ),
    ];
    assert_eq!(kinds(&t), warned, "{t:#?}");
    let nothing = &t.warnings[0];
    assert_eq!(
        nothing.pattern.as_deref(),
        Some(r#"{"detail-type":["v2.nope"]}"#)
    );
    assert!(
        nothing
            .message
            .contains("matches none of the 3 subscribed topic(s)"),
        "{}",
        nothing.message
    );
    assert!(t.warnings[1]
        .message
        .contains("its events are dropped on the bus"));

    // A rule on the bus that the file does not list routes activity: that topic is reached now,
    // and an unmanaged rule is never warned about (doctor reports it).
    aws.events
        .create_event_bus()
        .name(&bus)
        .send()
        .await
        .unwrap();
    for (name, pattern) in [
        ("by-hand", r#"{"detail-type": ["v2.users.{id}.activity"]}"#),
        ("by-hand-nothing", r#"{"detail-type": ["v2.never"]}"#),
    ] {
        aws.events
            .put_rule()
            .name(name)
            .event_bus_name(&bus)
            .event_pattern(pattern)
            .send()
            .await
            .unwrap();
    }
    let t = tested(&aws, &dest, &bus, true).await;
    let but_activity: Vec<_> = warned
        .into_iter()
        .filter(|w| *w != (WarningKind::TopicReachesNoRule, None, Some(ACTIVITY)))
        .collect();
    assert_eq!(but_activity.len(), 3);
    assert_eq!(kinds(&t), but_activity, "{t:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_any_rule_every_subscribed_topic_reaches_none() {
    let Some(moto) = moto() else { return };
    let aws = AwsClients::new(REGION, Some(&moto)).await;
    let dest = destination(&[PRESENCE, ACTIVITY], vec![]);
    let t = tested(&aws, &dest, &unique("expect-none"), false).await;
    assert_eq!(
        kinds(&t),
        vec![
            (WarningKind::TopicReachesNoRule, None, Some(ACTIVITY)),
            (WarningKind::TopicReachesNoRule, None, Some(PRESENCE)),
        ],
        "{t:#?}"
    );
    assert!(t.expectations.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn patterns_matching_every_topic_warn_about_nothing() {
    let Some(moto) = moto() else { return };
    let aws = AwsClients::new(REGION, Some(&moto)).await;
    let dest = destination(
        &[PRESENCE, ACTIVITY, START],
        vec![rule(
            "all",
            gcbridge_core::DEFAULT_PATTERN,
            &[PRESENCE, START],
            &[],
        )],
    );
    let t = tested(&aws, &dest, "aws.partner/genesys.com/cloud/org/d", false).await;
    assert!(t.warnings.is_empty(), "{t:#?}");
    assert_eq!(t.failed().count(), 0, "{t:#?}");
    assert_eq!(t.expectations.len(), 2);
}
