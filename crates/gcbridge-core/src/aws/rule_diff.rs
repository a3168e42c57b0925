//! One rule's difference with its live copy: created with its targets, or its pattern, state,
//! description, targets and their settings brought in line. Pure, so it is tested without AWS.

use super::action::AwsAction;
use super::rules::{LiveRule, LiveTarget};
use crate::desired::{RetrySpec, RuleSpec, TargetSpec};

/// What one rule needs: created with its targets, or its pattern, state, description and targets
/// brought in line with the live rule. Pure, so the comparison rules are tested without AWS.
pub(super) fn rule_actions(rule: &RuleSpec, live: Option<&LiveRule>) -> Vec<AwsAction> {
    let mut actions = Vec::new();
    match live {
        None => {
            actions.push(AwsAction::CreateRule {
                rule: rule.name.clone(),
            });
            // A new rule has no live targets: every target is added.
            actions.extend(target_actions(rule, &[]));
        }
        Some(l) => {
            let mut changes = Vec::new();
            if l.event_pattern.as_deref() != Some(rule.event_pattern.as_str()) {
                changes.push(format!(
                    "pattern {} -> {}",
                    l.event_pattern.as_deref().unwrap_or("(none)"),
                    rule.event_pattern
                ));
            }
            if l.enabled != rule.enabled {
                changes.push(format!(
                    "{} -> {}",
                    state_word(l.enabled),
                    state_word(rule.enabled)
                ));
            }
            if l.description.as_deref().unwrap_or("") != rule.description.as_deref().unwrap_or("") {
                changes.push("description".into());
            }
            actions.extend(unless_empty(changes, |changes| AwsAction::UpdateRule {
                rule: rule.name.clone(),
                changes,
            }));
            actions.extend(target_actions(rule, &l.targets));
        }
    }
    actions
}

/// The targets to add, remove, and put again with other settings, against the rule's live ones.
fn target_actions(rule: &RuleSpec, live: &[LiveTarget]) -> Vec<AwsAction> {
    // A wanted target's live copy has its id and its ARN: a new ARN under an old id is a new
    // target (added; PutTargets replaces the old one whole), else its settings are compared.
    let live_copy = |t: &TargetSpec| live.iter().find(|lt| lt.id == t.id && lt.arn == t.arn);
    let add: Vec<String> = rule
        .targets
        .iter()
        .filter(|t| live_copy(t).is_none())
        .map(|t| t.arn.clone())
        .collect();
    let remove: Vec<String> = live
        .iter()
        .filter(|lt| !rule.targets.iter().any(|t| t.id == lt.id))
        .map(|lt| lt.id.clone())
        .collect();
    let changes: Vec<String> = rule
        .targets
        .iter()
        .filter_map(|t| {
            let changed = setting_changes(t, rule.retry, live_copy(t)?);
            (!changed.is_empty()).then(|| format!("{} {}", t.id, changed.join(", ")))
        })
        .collect();
    let name = || rule.name.clone();
    [
        unless_empty(add, |targets| AwsAction::AddTargets {
            rule: name(),
            targets,
        }),
        unless_empty(remove, |ids| AwsAction::RemoveTargets { rule: name(), ids }),
        unless_empty(changes, |changes| AwsAction::UpdateTargets {
            rule: name(),
            changes,
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The action `make` builds from `items`, unless there are none: a plan lists no empty change.
fn unless_empty(
    items: Vec<String>,
    make: impl FnOnce(Vec<String>) -> AwsAction,
) -> Option<AwsAction> {
    (!items.is_empty()).then(|| make(items))
}

/// The rule's dead-letter queues that are not also its SQS targets, once each: each needs the
/// queue policy statement letting this rule send to it.
pub(crate) fn dead_letter_queues(rule: &RuleSpec) -> Vec<String> {
    let mut queues: Vec<String> = Vec::new();
    for q in rule
        .targets
        .iter()
        .filter_map(|t| t.settings.dead_letter_queue.as_ref())
    {
        if !queues.contains(q) && !rule.targets.iter().any(|t| &t.arn == q) {
            queues.push(q.clone());
        }
    }
    queues
}

/// How a live target's settings differ from the wanted ones, as "key old -> new". No retry
/// policy is AWS's default either side, so writing the default changes nothing.
fn setting_changes(t: &TargetSpec, retry: Option<RetrySpec>, live: &LiveTarget) -> Vec<String> {
    let (want, have) = (&t.settings, &live.settings);
    let mut changes = Vec::new();
    let mut compare = |key: &str, want: Option<&str>, have: Option<&str>| {
        if want != have {
            changes.push(format!(
                "{key} {} -> {}",
                have.unwrap_or("(none)"),
                want.unwrap_or("(none)")
            ));
        }
    };
    compare("role", want.role_arn.as_deref(), have.role_arn.as_deref());
    compare(
        "dead-letter queue",
        want.dead_letter_queue.as_deref(),
        have.dead_letter_queue.as_deref(),
    );
    compare(
        "input path",
        want.input_path.as_deref(),
        have.input_path.as_deref(),
    );
    compare(
        "message group",
        want.message_group_id.as_deref(),
        have.message_group_id.as_deref(),
    );
    let words = |r: RetrySpec| {
        format!(
            "{} attempts, {}s",
            r.maximum_attempts, r.maximum_event_age_seconds
        )
    };
    let (want, have) = (
        retry.unwrap_or(RetrySpec::AWS_DEFAULT),
        live.retry.unwrap_or(RetrySpec::AWS_DEFAULT),
    );
    if want != have {
        changes.push(format!("retry {} -> {}", words(have), words(want)));
    }
    changes
}

fn state_word(enabled: bool) -> &'static str {
    if enabled {
        "ENABLED"
    } else {
        "DISABLED"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::parse_target;

    const Q: &str = "arn:aws:sqs:us-east-1:123456789012:q";
    const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:dlq";

    fn live(spec: &TargetSpec, retry: Option<RetrySpec>) -> LiveTarget {
        LiveTarget {
            id: spec.id.clone(),
            arn: spec.arn.clone(),
            settings: spec.settings.clone(),
            retry,
        }
    }

    fn rule(targets: Vec<TargetSpec>) -> RuleSpec {
        RuleSpec {
            name: "r".into(),
            description: None,
            enabled: true,
            event_pattern: "{}".into(),
            targets,
            retry: None,
            expect: Default::default(),
        }
    }

    #[test]
    fn a_rule_in_line_needs_nothing_and_each_difference_is_its_own_action() {
        let q = parse_target(Q, "us-east-1").unwrap();
        let on_bus = |enabled, targets| LiveRule {
            name: "r".into(),
            arn: "arn:aws:events:us-east-1:123456789012:rule/r".into(),
            event_pattern: Some("{}".into()),
            enabled,
            description: None,
            targets,
        };
        let wanted = rule(vec![q.clone()]);
        assert_eq!(
            rule_actions(&wanted, Some(&on_bus(true, vec![live(&q, None)]))),
            []
        );
        assert_eq!(
            rule_actions(&wanted, None),
            [
                AwsAction::CreateRule { rule: "r".into() },
                AwsAction::AddTargets {
                    rule: "r".into(),
                    targets: vec![Q.into()],
                },
            ]
        );
        let mut with_dlq = q.clone();
        with_dlq.settings.dead_letter_queue = Some(DLQ.into());
        let stale = live(&parse_target(DLQ, "us-east-1").unwrap(), None);
        assert_eq!(
            rule_actions(
                &rule(vec![with_dlq]),
                Some(&on_bus(false, vec![live(&q, None), stale]))
            ),
            [
                AwsAction::UpdateRule {
                    rule: "r".into(),
                    changes: vec!["DISABLED -> ENABLED".into()],
                },
                AwsAction::RemoveTargets {
                    rule: "r".into(),
                    ids: vec!["sqs-dlq".into()],
                },
                AwsAction::UpdateTargets {
                    rule: "r".into(),
                    changes: vec![format!("sqs-q dead-letter queue (none) -> {DLQ}")],
                },
            ]
        );
    }

    #[test]
    fn settings_differences_are_named_and_the_default_retry_is_no_retry() {
        let mut t = parse_target(Q, "us-east-1").unwrap();
        let same = live(&t, None);
        assert!(setting_changes(&t, Some(RetrySpec::AWS_DEFAULT), &same).is_empty());
        assert!(setting_changes(&t, None, &live(&t, Some(RetrySpec::AWS_DEFAULT))).is_empty());
        t.settings.dead_letter_queue = Some(DLQ.into());
        let retry = RetrySpec {
            maximum_attempts: 3,
            maximum_event_age_seconds: 60,
        };
        assert_eq!(
            setting_changes(&t, Some(retry), &same),
            [
                format!("dead-letter queue (none) -> {DLQ}"),
                "retry 185 attempts, 86400s -> 3 attempts, 60s".to_string(),
            ]
        );
    }

    #[test]
    fn a_dead_letter_queue_is_listed_once_and_not_when_it_is_a_target() {
        let mut a = parse_target(Q, "us-east-1").unwrap();
        a.settings.dead_letter_queue = Some(DLQ.into());
        let mut b = parse_target(DLQ, "us-east-1").unwrap();
        b.settings.dead_letter_queue = Some(Q.into());
        assert_eq!(dead_letter_queues(&rule(vec![a.clone()])), [DLQ]);
        assert!(dead_letter_queues(&rule(vec![a, b])).is_empty());
    }
}
