//! Targets as tables, the rule's dead-letter queue and retry policy: loaded, validated with the
//! key named, and written back the same.

use gcbridge_core::config::load_str;
use gcbridge_core::config::write::write;
use gcbridge_core::{RetrySpec, TargetSettings};

fn file(rule: &str) -> String {
    crate::common::one_rule_file("conversation", "r", rule)
}

const Q: &str = "arn:aws:sqs:us-east-1:012345678901:q";
const DLQ: &str = "arn:aws:sqs:us-east-1:012345678901:dlq";
const OWN_DLQ: &str = "arn:aws:sqs:us-east-1:012345678901:own-dlq";
const ROLE: &str = "arn:aws:iam::012345678901:role/gcbridge/to-stream";

fn errors(rule: &str) -> String {
    load_str(&file(rule), "gcbridge.toml")
        .expect_err("should be rejected")
        .to_string()
}

#[test]
fn tables_dead_letter_queues_and_retry_load_and_round_trip() {
    let text = file(&format!(
        r#"targets = ["{Q}", {{ arn = "arn:aws:kinesis:us-east-1:012345678901:stream/s", role_arn = "{ROLE}", dead_letter_queue = "{OWN_DLQ}", input_path = "$.detail" }}]
dead_letter_queue = "{DLQ}"
retry = {{ maximum_attempts = 10, maximum_event_age_seconds = 3600 }}"#
    ));
    let state = load_str(&text, "gcbridge.toml").unwrap();
    let rule = &state.orgs[0].destinations[0].aws.as_ref().unwrap().rules[0];
    assert_eq!(
        rule.retry,
        Some(RetrySpec {
            maximum_attempts: 10,
            maximum_event_age_seconds: 3600
        })
    );
    assert_eq!(
        rule.targets[0].settings,
        TargetSettings {
            dead_letter_queue: Some(DLQ.into()),
            ..Default::default()
        },
        "the rule's queue applies to a target without its own"
    );
    assert_eq!(
        rule.targets[1].settings,
        TargetSettings {
            role_arn: Some(ROLE.into()),
            dead_letter_queue: Some(OWN_DLQ.into()),
            input_path: Some("$.detail".into()),
            message_group_id: None,
        }
    );
    let written = write(&state).unwrap();
    let back = load_str(&written, "written.toml").unwrap();
    assert_eq!(
        back.orgs[0].destinations[0].aws, state.orgs[0].destinations[0].aws,
        "{written}"
    );
}

#[test]
fn retry_is_bounded_as_aws_bounds_it() {
    let e = errors(&format!(
        "targets = [\"{Q}\"]\nretry = {{ maximum_attempts = 186, maximum_event_age_seconds = 59 }}"
    ));
    assert!(e.contains("retry.maximum_attempts"), "{e}");
    assert!(e.contains("AWS accepts 0 to 185"), "{e}");
    assert!(e.contains("retry.maximum_event_age_seconds"), "{e}");
    assert!(e.contains("AWS accepts 60 to 86400"), "{e}");
    let e = errors(&format!("targets = [\"{Q}\"]\nretry = {{ attempts = 3 }}"));
    assert!(e.contains("unknown key \"attempts\""), "{e}");
}

#[test]
fn bad_target_settings_name_their_key() {
    let e = errors(&format!(
        "targets = [{{ arn = \"{Q}\", role_arn = \"arn:aws:iam::012345678901:user/me\", input_path = \"detail\" }}]\ndead_letter_queue = \"arn:aws:sns:us-east-1:012345678901:t\""
    ));
    assert!(e.contains("targets role_arn"), "{e}");
    assert!(e.contains("is not an IAM role ARN"), "{e}");
    assert!(e.contains("targets input_path"), "{e}");
    assert!(e.contains("dead_letter_queue"), "{e}");
    assert!(e.contains("is not an SQS queue"), "{e}");
    let e = errors(&format!("targets = [{{ arn = \"{Q}\", rolearn = \"x\" }}]"));
    assert!(e.contains("unknown key \"rolearn\""), "{e}");
    let e = errors("targets = [{ role_arn = \"x\" }]");
    assert!(e.contains("arn") && e.contains("is required"), "{e}");
    let e = errors("targets = [3]");
    assert!(e.contains("expected a string or a table"), "{e}");
}

const FIFO: &str = "arn:aws:sqs:us-east-1:012345678901:orders.fifo";

#[test]
fn a_fifo_queue_takes_a_message_group_which_round_trips() {
    let text = file(&format!(
        r#"targets = [{{ arn = "{FIFO}", message_group_id = "genesys" }}, {{ arn = "{Q}", message_group_id = "fair" }}]"#
    ));
    let state = load_str(&text, "gcbridge.toml").unwrap();
    let rule = &state.orgs[0].destinations[0].aws.as_ref().unwrap().rules[0];
    assert_eq!(
        rule.targets[0].settings.message_group_id.as_deref(),
        Some("genesys")
    );
    assert_eq!(
        rule.targets[1].settings.message_group_id.as_deref(),
        Some("fair"),
        "a standard queue may have a group (an SQS fair queue)"
    );
    let written = write(&state).unwrap();
    assert!(
        written.contains(r#"message_group_id = "genesys""#),
        "{written}"
    );
    let back = load_str(&written, "written.toml").unwrap();
    assert_eq!(
        back.orgs[0].destinations[0].aws, state.orgs[0].destinations[0].aws,
        "{written}"
    );
}

#[test]
fn a_fifo_queue_without_a_message_group_is_refused_with_the_fix() {
    let e = errors(&format!("targets = [\"{Q}\", \"{FIFO}\"]"));
    assert!(
        e.contains("aws.rule \"r\" targets[1] message_group_id"),
        "{e}"
    );
    assert!(e.contains(&format!("{FIFO} is a FIFO queue")), "{e}");
    assert!(
        e.contains(&format!(
            "{{ arn = \"{FIFO}\", message_group_id = \"genesys\" }}"
        )),
        "{e}"
    );
    let e = errors(&format!("targets = [{{ arn = \"{FIFO}\" }}]"));
    assert!(e.contains("targets[0] message_group_id"), "{e}");
}

#[test]
fn message_groups_elsewhere_and_fifo_dead_letter_queues_are_refused() {
    let e = errors(
        "targets = [{ arn = \"arn:aws:sns:us-east-1:012345678901:t\", message_group_id = \"g\" }]",
    );
    assert!(e.contains("targets[0] message_group_id"), "{e}");
    assert!(e.contains("is not an SQS queue"), "{e}");
    assert!(e.contains("remove message_group_id"), "{e}");
    let long = "g".repeat(101);
    let e = errors(&format!(
        "targets = [{{ arn = \"{FIFO}\", message_group_id = \"{long}\" }}]"
    ));
    assert!(e.contains("is not a message group id: 1 to 100"), "{e}");
    let e = errors(&format!(
        "targets = [\"{Q}\"]\ndead_letter_queue = \"arn:aws:sqs:us-east-1:012345678901:dlq.fifo\""
    ));
    assert!(e.contains("dead_letter_queue"), "{e}");
    assert!(
        e.contains("SQS FIFO is not supported by Dead Letter Queues."),
        "{e}"
    );
    assert!(e.contains("give a standard queue"), "{e}");
}
