//! Re-creating a partner event bus from a new event source of the same name.
//!
//! When Genesys deletes its partner event source (the integration disabled) and creates a new one
//! (enabled again), the customer's bus of that name stays associated with the old, DELETED source
//! (DeletePartnerEventSource: "the status of the corresponding partner event bus ... becomes
//! DELETED"), and the new source stays PENDING: its events are dropped. CreateEventBus of an
//! existing name is refused, so the bus is re-created: its rules and targets are read, removed
//! (DeleteEventBus wants a bus without rules), the bus deleted and created again from the source,
//! and every rule and target put back as it was. Rule ARNs depend only on the bus and rule names,
//! so the queue policies keyed by them stay valid.

use aws_sdk_eventbridge::types::{Rule, RuleState, Target};

use super::clients::AwsClients;
use super::error::AwsError;
use super::{partner, rules};

/// One rule of the bus, as read before the bus is re-created.
struct Saved {
    rule: Rule,
    targets: Vec<Target>,
}

async fn read_bus(aws: &AwsClients, bus: &str) -> Result<Vec<Saved>, AwsError> {
    let mut saved = Vec::new();
    for rule in rules::sdk_rules(aws, bus).await? {
        let targets = rules::sdk_targets(aws, bus, rule.name().unwrap_or_default()).await?;
        saved.push(Saved { rule, targets });
    }
    Ok(saved)
}

async fn put_back(aws: &AwsClients, bus: &str, s: &Saved) -> Result<(), AwsError> {
    let name = s.rule.name().unwrap_or_default();
    let state = match s.rule.state() {
        Some(RuleState::Disabled) => RuleState::Disabled,
        Some(RuleState::EnabledWithAllCloudtrailManagementEvents) => {
            RuleState::EnabledWithAllCloudtrailManagementEvents
        }
        _ => RuleState::Enabled,
    };
    aws.events
        .put_rule()
        .name(name)
        .event_bus_name(bus)
        .set_event_pattern(s.rule.event_pattern().map(String::from))
        .set_schedule_expression(s.rule.schedule_expression().map(String::from))
        .set_description(s.rule.description().map(String::from))
        .set_role_arn(s.rule.role_arn().map(String::from))
        .state(state)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:PutRule {name}"), e))?;
    // PutTargets takes at most 10 targets per call.
    for chunk in s.targets.chunks(10) {
        rules::send_targets(aws, bus, name, chunk.to_vec()).await?;
    }
    Ok(())
}

/// Re-creates `bus` from the partner event source of the same name, with its rules and targets.
/// Returns the names of the rules put back.
pub async fn reassociate(aws: &AwsClients, bus: &str) -> Result<Vec<String>, AwsError> {
    let saved = read_bus(aws, bus).await?;
    let names: Vec<String> = saved
        .iter()
        .map(|s| s.rule.name().unwrap_or_default().to_string())
        .collect();
    // From here on a failure loses what is not put back: say which rules those are.
    let lost = |e: AwsError, gone: &[String]| {
        if gone.is_empty() {
            return e;
        }
        AwsError::new(format!(
            "{e}; re-creating the bus {bus} stopped with rule(s) {} removed and not put back: run gcbridge apply again (it restores the rules it manages; others must be re-created by hand)",
            gone.join(", ")
        ))
    };
    for (i, s) in saved.iter().enumerate() {
        rules::delete_rule(aws, bus, s.rule.name().unwrap_or_default())
            .await
            .map_err(|e| lost(e, &names[..i]))?;
    }
    partner::delete_bus(aws, bus)
        .await
        .map_err(|e| lost(e, &names))?;
    partner::associate(aws, bus)
        .await
        .map_err(|e| lost(e, &names))?;
    for (i, s) in saved.iter().enumerate() {
        put_back(aws, bus, s)
            .await
            .map_err(|e| lost(e, &names[i..]))?;
    }
    Ok(names)
}
