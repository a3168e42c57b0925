//! Targets as tables, the rule's dead-letter queue and retry policy: loaded, validated with the
//! key named, and written back the same.

use gcbridge_core::config::load_str;
use gcbridge_core::{RetrySpec, TargetSettings};

use crate::common::{assert_says, rejected, rewritten_aws_is_the_same};

fn file(rule: &str) -> String {
    crate::common::one_rule_file("conversation", "r", rule)
}

const Q: &str = "arn:aws:sqs:us-east-1:012345678901:q";
const DLQ: &str = "arn:aws:sqs:us-east-1:012345678901:dlq";
const OWN_DLQ: &str = "arn:aws:sqs:us-east-1:012345678901:own-dlq";
const ROLE: &str = "arn:aws:iam::012345678901:role/gcbridge/to-stream";

/// Each rule body of `cases` is refused with a message that says each of its phrases.
#[track_caller]
fn refused(cases: &[(&str, &[&str])]) {
    for (rule, says) in cases {
        assert_says(&rejected(&file(rule)).to_string(), says);
    }
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
    rewritten_aws_is_the_same(&state);
}

#[test]
fn retry_is_bounded_as_aws_bounds_it() {
    refused(&[
        (
            &format!(
                "targets = [\"{Q}\"]\nretry = {{ maximum_attempts = 186, maximum_event_age_seconds = 59 }}"
            ),
            &[
                "retry.maximum_attempts",
                "AWS accepts 0 to 185",
                "retry.maximum_event_age_seconds",
                "AWS accepts 60 to 86400",
            ],
        ),
        (
            &format!("targets = [\"{Q}\"]\nretry = {{ attempts = 3 }}"),
            &["unknown key \"attempts\""],
        ),
    ]);
}

#[test]
fn bad_target_settings_name_their_key() {
    refused(&[
        (
            &format!(
                "targets = [{{ arn = \"{Q}\", role_arn = \"arn:aws:iam::012345678901:user/me\", input_path = \"detail\" }}]\ndead_letter_queue = \"arn:aws:sns:us-east-1:012345678901:t\""
            ),
            &[
                "targets role_arn",
                "is not an IAM role ARN",
                "targets input_path",
                "dead_letter_queue",
                "is not an SQS queue",
            ],
        ),
        (
            &format!("targets = [{{ arn = \"{Q}\", rolearn = \"x\" }}]"),
            &["unknown key \"rolearn\""],
        ),
        ("targets = [{ role_arn = \"x\" }]", &["arn", "is required"]),
        ("targets = [3]", &["expected a string or a table"]),
    ]);
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
    let written = rewritten_aws_is_the_same(&state);
    assert!(
        written.contains(r#"message_group_id = "genesys""#),
        "{written}"
    );
}

#[test]
fn a_fifo_queue_without_a_message_group_is_refused_with_the_fix() {
    refused(&[
        (
            &format!("targets = [\"{Q}\", \"{FIFO}\"]"),
            &[
                "aws.rule \"r\" targets[1] message_group_id",
                &format!("{FIFO} is a FIFO queue"),
                &format!("{{ arn = \"{FIFO}\", message_group_id = \"genesys\" }}"),
            ],
        ),
        (
            &format!("targets = [{{ arn = \"{FIFO}\" }}]"),
            &["targets[0] message_group_id"],
        ),
    ]);
}

#[test]
fn message_groups_elsewhere_and_fifo_dead_letter_queues_are_refused() {
    let long = "g".repeat(101);
    refused(&[
        (
            "targets = [{ arn = \"arn:aws:sns:us-east-1:012345678901:t\", message_group_id = \"g\" }]",
            &[
                "targets[0] message_group_id",
                "is not an SQS queue",
                "remove message_group_id",
            ],
        ),
        (
            &format!("targets = [{{ arn = \"{FIFO}\", message_group_id = \"{long}\" }}]"),
            &["is not a message group id: 1 to 100"],
        ),
        (
            &format!(
                "targets = [\"{Q}\"]\ndead_letter_queue = \"arn:aws:sqs:us-east-1:012345678901:dlq.fifo\""
            ),
            &[
                "dead_letter_queue",
                "SQS FIFO is not supported by Dead Letter Queues.",
                "give a standard queue",
            ],
        ),
    ]);
}
