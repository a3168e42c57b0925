//! Rules on the partner event bus and their targets: read, create or update, remove.

use aws_sdk_eventbridge::types::{
    DeadLetterConfig, RetryPolicy, Rule, RuleState, SqsParameters, Target,
};

use super::clients::AwsClients;
use super::error::AwsError;
use super::pages::every_page;
use super::pattern::canonical;
use crate::desired::{RetrySpec, RuleSpec, TargetSettings, TargetSpec};

/// A rule as it exists on the bus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRule {
    pub name: String,
    pub arn: String,
    /// Canonical JSON.
    pub event_pattern: Option<String>,
    pub enabled: bool,
    pub description: Option<String>,
    pub targets: Vec<LiveTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveTarget {
    pub id: String,
    pub arn: String,
    pub settings: TargetSettings,
    /// Its RetryPolicy; `None` when it has none (AWS's default applies).
    pub retry: Option<RetrySpec>,
}

impl LiveTarget {
    fn of(t: &Target) -> LiveTarget {
        LiveTarget {
            id: t.id().to_string(),
            arn: t.arn().to_string(),
            settings: TargetSettings {
                role_arn: t.role_arn().map(String::from),
                dead_letter_queue: t
                    .dead_letter_config()
                    .and_then(|d| d.arn())
                    .map(String::from),
                input_path: t.input_path().map(String::from),
                message_group_id: t
                    .sqs_parameters()
                    .and_then(|p| p.message_group_id())
                    .map(String::from),
            },
            retry: t.retry_policy().map(|r| RetrySpec {
                maximum_attempts: r
                    .maximum_retry_attempts()
                    .unwrap_or(RetrySpec::AWS_DEFAULT.maximum_attempts),
                maximum_event_age_seconds: r
                    .maximum_event_age_in_seconds()
                    .unwrap_or(RetrySpec::AWS_DEFAULT.maximum_event_age_seconds),
            }),
        }
    }
}

fn canonical_text(pattern: &str) -> String {
    serde_json::from_str::<serde_json::Value>(pattern)
        .map(|v| canonical(&v))
        .unwrap_or_else(|_| pattern.to_string())
}

/// The rules on `bus` by name; none when the bus does not exist (`bus_exists` false).
pub async fn rules_by_name(
    aws: &AwsClients,
    bus: &str,
    bus_exists: bool,
) -> Result<std::collections::HashMap<String, LiveRule>, AwsError> {
    if !bus_exists {
        return Ok(Default::default());
    }
    let rules = list_rules(aws, bus).await?;
    Ok(rules.into_iter().map(|r| (r.name.clone(), r)).collect())
}

/// Every rule on `bus`, with its targets.
pub async fn list_rules(aws: &AwsClients, bus: &str) -> Result<Vec<LiveRule>, AwsError> {
    let mut rules = Vec::new();
    for r in sdk_rules(aws, bus).await? {
        let name = r.name().unwrap_or_default().to_string();
        let targets = list_targets(aws, bus, &name).await?;
        rules.push(LiveRule {
            arn: r.arn().unwrap_or_default().to_string(),
            event_pattern: r.event_pattern().map(canonical_text),
            enabled: r.state() != Some(&RuleState::Disabled),
            description: r.description().filter(|d| !d.is_empty()).map(String::from),
            targets,
            name,
        });
    }
    Ok(rules)
}

/// Every rule on `bus` as ListRules answers it (every field, to put back as it was), except the
/// rules an AWS service manages (ManagedBy: an archive's `Events-Archive-NAME`): those belong to
/// that service, which creates and deletes them with its resource (AWS refuses to change them).
pub async fn sdk_rules(aws: &AwsClients, bus: &str) -> Result<Vec<Rule>, AwsError> {
    let rules = every_page(|token| async move {
        let out = aws
            .events
            .list_rules()
            .event_bus_name(bus)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&format!("events:ListRules on {bus}"), e))?;
        Ok((out.rules, out.next_token))
    })
    .await?;
    Ok(rules
        .into_iter()
        .filter(|r| r.managed_by().is_none_or(str::is_empty))
        .collect())
}

pub async fn list_targets(
    aws: &AwsClients,
    bus: &str,
    rule: &str,
) -> Result<Vec<LiveTarget>, AwsError> {
    Ok(sdk_targets(aws, bus, rule)
        .await?
        .iter()
        .map(LiveTarget::of)
        .collect())
}

/// The rule's targets in full (input transformers, roles, dead-letter queues...).
pub async fn sdk_targets(aws: &AwsClients, bus: &str, rule: &str) -> Result<Vec<Target>, AwsError> {
    every_page(|token| async move {
        let out = aws
            .events
            .list_targets_by_rule()
            .rule(rule)
            .event_bus_name(bus)
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&format!("events:ListTargetsByRule {rule}"), e))?;
        Ok((out.targets, out.next_token))
    })
    .await
}

/// Creates or updates the rule; returns its ARN.
pub async fn put_rule(aws: &AwsClients, bus: &str, rule: &RuleSpec) -> Result<String, AwsError> {
    let out = aws
        .events
        .put_rule()
        .name(&rule.name)
        .event_bus_name(bus)
        .event_pattern(&rule.event_pattern)
        .state(if rule.enabled {
            RuleState::Enabled
        } else {
            RuleState::Disabled
        })
        .description(rule.description.clone().unwrap_or_default())
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:PutRule {}", rule.name), e))?;
    Ok(out.rule_arn().unwrap_or_default().to_string())
}

/// Puts the rule's targets with their settings (role, dead-letter queue, input path, message
/// group) and the
/// rule's retry policy; PutTargets replaces a target of the same id whole.
pub async fn put_targets(aws: &AwsClients, bus: &str, spec: &RuleSpec) -> Result<(), AwsError> {
    if spec.targets.is_empty() {
        return Ok(());
    }
    let targets = spec
        .targets
        .iter()
        .map(|t| sdk_target(t, spec.retry))
        .collect::<Result<Vec<_>, _>>()?;
    send_targets(aws, bus, &spec.name, targets).await
}

/// One PutTargets of SDK targets (as built from a spec, or as read back from a bus). AWS answers
/// a target it refuses as a failed entry of a successful call: any makes this fail, with each
/// refused target's id and AWS's reason (`role::refuses_new_role` reads them).
pub(crate) async fn send_targets(
    aws: &AwsClients,
    bus: &str,
    rule: &str,
    targets: Vec<Target>,
) -> Result<(), AwsError> {
    let req = aws.events.put_targets().rule(rule).event_bus_name(bus);
    let out = req
        .set_targets(Some(targets))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:PutTargets on {rule}"), e))?;
    if out.failed_entry_count() > 0 {
        let reasons: Vec<String> = out
            .failed_entries()
            .iter()
            .map(|f| {
                format!(
                    "{}: {}",
                    f.target_id().unwrap_or("?"),
                    f.error_message().unwrap_or("failed")
                )
            })
            .collect();
        return Err(AwsError::new(format!(
            "events:PutTargets on {rule} failed for {}",
            reasons.join("; ")
        )));
    }
    Ok(())
}

pub async fn remove_targets(
    aws: &AwsClients,
    bus: &str,
    rule: &str,
    ids: &[String],
) -> Result<(), AwsError> {
    if ids.is_empty() {
        return Ok(());
    }
    aws.events
        .remove_targets()
        .rule(rule)
        .event_bus_name(bus)
        .set_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:RemoveTargets on {rule}"), e))?;
    Ok(())
}

fn sdk_target(t: &TargetSpec, retry: Option<RetrySpec>) -> Result<Target, AwsError> {
    let s = &t.settings;
    Target::builder()
        .id(&t.id)
        .arn(&t.arn)
        .set_role_arn(s.role_arn.clone())
        .set_input_path(s.input_path.clone())
        .set_sqs_parameters(
            s.message_group_id
                .as_ref()
                .map(|g| SqsParameters::builder().message_group_id(g).build()),
        )
        .set_dead_letter_config(
            s.dead_letter_queue
                .as_ref()
                .map(|q| DeadLetterConfig::builder().arn(q).build()),
        )
        .set_retry_policy(retry.map(|r| {
            RetryPolicy::builder()
                .maximum_retry_attempts(r.maximum_attempts)
                .maximum_event_age_in_seconds(r.maximum_event_age_seconds)
                .build()
        }))
        .build()
        .map_err(|e| AwsError::new(format!("building a target: {e}")))
}

/// Removes the rule's targets, then the rule.
pub async fn delete_rule(aws: &AwsClients, bus: &str, rule: &str) -> Result<(), AwsError> {
    let targets = list_targets(aws, bus, rule).await?;
    let ids: Vec<String> = targets.into_iter().map(|t| t.id).collect();
    remove_targets(aws, bus, rule, &ids).await?;
    aws.events
        .delete_rule()
        .name(rule)
        .event_bus_name(bus)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:DeleteRule {rule}"), e))?;
    Ok(())
}

/// Whether `pattern` matches `event` (EventBridge's own evaluation, events:TestEventPattern).
pub async fn pattern_matches(
    aws: &AwsClients,
    pattern: &str,
    event: &str,
) -> Result<bool, AwsError> {
    let out = aws
        .events
        .test_event_pattern()
        .event_pattern(pattern)
        .event(event)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("events:TestEventPattern", e))?;
    Ok(out.result())
}
