//! Unit tests of one org's integrations: create, config versions, lifecycle, delete.

use super::*;
use crate::backend::integration_types::EVENTBRIDGE_TYPE_ID;
use crate::backend::lifecycle::Phase;
use crate::backend::T0;
use serde_json::json;

const ORG: &str = "org";
const D: Duration = Duration::from_millis(100);

fn create(o: &mut OrgIntegrations, name: &str) -> Integration {
    o.create(
        CreateRequest {
            name: Some(name.into()),
            type_id: Some(EVENTBRIDGE_TYPE_ID.into()),
        },
        T0,
    )
    .unwrap()
}

fn props(suffix: &str) -> Map<String, Value> {
    json!({
        "awsAccountId": "123456789012",
        "awsAccountRegion": "eu-west-1",
        "eventSourceSuffix": suffix,
        "eventFilter": ["v2.detail.events.conversation.{id}.customer.start"]
    })
    .as_object()
    .unwrap()
    .clone()
}

fn put(
    o: &mut OrgIntegrations,
    id: &str,
    version: u64,
    suffix: &str,
) -> Result<Integration, ApiError> {
    o.put_config(
        ORG,
        id,
        ConfigUpdate {
            version: Some(version),
            properties: Some(props(suffix)),
            advanced: Some(Map::new()),
            credentials: Some(Map::new()),
            ..Default::default()
        },
        T0,
        None,
    )
    .map(|(i, _)| i)
}

#[test]
fn create_validates_name_and_type() {
    let mut o = OrgIntegrations::default();
    let e = o
        .create(
            CreateRequest {
                name: Some(" ".into()),
                type_id: Some(EVENTBRIDGE_TYPE_ID.into()),
            },
            T0,
        )
        .unwrap_err();
    assert_eq!(e.message_params["field"], "name");
    let e = o
        .create(
            CreateRequest {
                name: Some("x".into()),
                type_id: Some("nope".into()),
            },
            T0,
        )
        .unwrap_err();
    assert!(e.message.contains("integrationType.id"));
    let unnamed = o
        .create(
            CreateRequest {
                name: None,
                type_id: Some(EVENTBRIDGE_TYPE_ID.into()),
            },
            T0,
        )
        .unwrap();
    assert_eq!(unnamed.name, "Amazon EventBridge Source");
    let i = create(&mut o, "a");
    assert_eq!(i.intended, Intended::Disabled);
    assert_eq!(i.config.version, 1);
    assert_eq!(i.lifecycle.phase, Phase::Inactive);
}

#[test]
fn put_config_versions_and_conflicts() {
    let mut o = OrgIntegrations::default();
    let i = create(&mut o, "a");
    let e = o
        .put_config(ORG, &i.id, ConfigUpdate::default(), T0, None)
        .unwrap_err();
    assert_eq!(e.status.as_u16(), 400);
    let updated = put(&mut o, &i.id, 1, "s1").unwrap();
    assert_eq!(updated.config.version, 2);
    assert_eq!(updated.config.name, "a");
    let e = put(&mut o, &i.id, 1, "s1").unwrap_err();
    assert_eq!(e.status.as_u16(), 409);
    assert_eq!(
        e.message,
        "The version (1) does not match the current version (2) of the integration configuration."
    );
    // Same suffix on the same account as another integration.
    let j = create(&mut o, "b");
    let e = put(&mut o, &j.id, 1, "s1").unwrap_err();
    assert!(e.message.contains("'a'"));
    // Re-putting its own suffix is fine.
    put(&mut o, &i.id, 2, "s1").unwrap();
}

#[test]
fn enable_incomplete_errors_then_config_activates() {
    let mut o = OrgIntegrations::default();
    let i = create(&mut o, "a");
    let (it, hook) = o
        .set_intended(ORG, &i.id, Intended::Enabled, T0, D)
        .unwrap();
    assert!(hook.is_none());
    let obs = it.lifecycle.observe(T0 + D, D);
    assert_eq!(obs.phase, Phase::Error);
    assert_eq!(
        obs.error.unwrap().message,
        "Integration configuration is incomplete: awsAccountId is required"
    );
    let (it, hook) = o
        .put_config(
            ORG,
            &i.id,
            ConfigUpdate {
                version: Some(1),
                properties: Some(props("s")),
                advanced: Some(Map::new()),
                credentials: Some(Map::new()),
                ..Default::default()
            },
            T0,
            None,
        )
        .unwrap();
    assert!(matches!(hook, Some(HookCall::Activate(_))));
    assert_eq!(it.lifecycle.observe(T0, D).phase, Phase::Activating);
    assert_eq!(it.lifecycle.observe(T0 + D, D).phase, Phase::Active);
    let (it, hook) = o
        .set_intended(ORG, &i.id, Intended::Disabled, T0 + D, D)
        .unwrap();
    assert!(matches!(hook, Some(HookCall::Deactivate(_))));
    assert_eq!(it.lifecycle.observe(T0 + D, D).phase, Phase::Deactivating);
    assert_eq!(it.lifecycle.observe(T0 + D * 2, D).phase, Phase::Inactive);
}

#[test]
fn hook_failure_sets_error() {
    let mut o = OrgIntegrations::default();
    let i = create(&mut o, "a");
    put(&mut o, &i.id, 1, "s").unwrap();
    let (_, hook) = o
        .set_intended(ORG, &i.id, Intended::Enabled, T0, D)
        .unwrap();
    let Some(HookCall::Activate(req)) = hook else {
        panic!("expected activation")
    };
    assert!(o.hook_failed(&i.id, req.generation, "AccessDenied".into(), T0));
    let obs = o.get(&i.id).unwrap().lifecycle.observe(T0 + D, D);
    assert_eq!(obs.phase, Phase::Error);
}

#[test]
fn delete_and_not_found() {
    let mut o = OrgIntegrations::default();
    let i = create(&mut o, "a");
    assert_eq!(o.delete(ORG, &i.id, T0, D, None).unwrap().0.id, i.id);
    assert_eq!(o.get(&i.id).unwrap_err().code, "not.found");
    assert_eq!(
        o.delete(ORG, &i.id, T0, D, None)
            .unwrap_err()
            .status
            .as_u16(),
        404
    );
}

#[test]
fn consistency_lag_refuses_a_put_right_after_the_create() {
    let mut o = OrgIntegrations::default();
    let i = create(&mut o, "a");
    let lag = Some(Duration::from_millis(1500));
    let update = |v| ConfigUpdate {
        version: Some(v),
        properties: Some(props("s")),
        advanced: Some(Map::new()),
        credentials: Some(Map::new()),
        ..Default::default()
    };
    let e = o
        .put_config(ORG, &i.id, update(1), T0 + Duration::from_millis(1499), lag)
        .unwrap_err();
    assert_eq!(e.status.as_u16(), 409);
    assert!(
        e.message.contains("does not match the current version"),
        "{}",
        e.message
    );
    o.put_config(ORG, &i.id, update(1), T0 + Duration::from_millis(1500), lag)
        .unwrap();
}
