//! gcbridge's delivery role against moto (issue 12): made before the targets that use it, its
//! inline policy rewritten when those targets change and its trust policy when it no longer lets
//! EventBridge in, left alone when right, deleted when no target needs it and on destroy; a
//! user's `role_arn` is checked and never changed, and a role of gcbridge's name that gcbridge
//! did not make is not taken over; before the first apply doctor `-f` names the role apply will
//! create. (The CLI's roles.rs covers delivery and doctor end to end.)

use std::collections::HashMap;
use std::time::Duration;

use gcbridge_core::doctor::{CheckId, DiagnoseOptions, Status};
use gcbridge_core::{
    apply_aws, parse_target, plan_aws, plan_aws_destroy, AwsAction, AwsSpec, SourceId,
    DEFAULT_PATTERN,
};
use serde_json::json;

use crate::common::rule_to;
use gcbridge_testkit::moto_reads::{create_role, role_policy, set_trust};

use super::world::{
    destination, fix_of, moto_world, only_integration, unique, World, ACCOUNT, REGION,
};

const POLICY: &str = "gcbridge-delivery";

fn spec(targets: &[&str], role_arn: Option<&str>) -> AwsSpec {
    let mut targets: Vec<_> = targets
        .iter()
        .map(|a| parse_target(a, REGION).unwrap())
        .collect();
    for t in &mut targets {
        t.settings.role_arn = role_arn.map(String::from);
    }
    AwsSpec {
        associate: true,
        rules: vec![rule_to("to-streams", DEFAULT_PATTERN, targets)],
        archive: None,
    }
}

fn stream(name: &str) -> String {
    format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}")
}

fn firehose(name: &str) -> String {
    format!("arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}")
}

/// Plans (and applies) the destination `suffix` with `aws`; returns the planned actions.
async fn converge(w: &World, suffix: &str, aws: AwsSpec) -> Vec<AwsAction> {
    let dest = destination(suffix, true, Some(aws));
    let clients = w.aws().await;
    let plan = plan_aws(&clients, &dest, &w.org.id).await.unwrap();
    w.apply(&dest).await;
    plan.actions
}

fn role_actions(actions: &[AwsAction]) -> Vec<&AwsAction> {
    actions
        .iter()
        .filter(|a| {
            matches!(
                a,
                AwsAction::CreateRole { .. }
                    | AwsAction::UpdateRole { .. }
                    | AwsAction::DeleteRole { .. }
            )
        })
        .collect()
}

async fn inline_resources(w: &World, role: &str) -> Vec<String> {
    let doc = role_policy(&w.aws().await.iam, role, POLICY).await;
    let mut all: Vec<String> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Resource"].as_array().unwrap().clone())
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    all.sort();
    all
}

async fn role_exists(w: &World, role: &str) -> bool {
    w.aws()
        .await
        .iam
        .get_role()
        .role_name(role)
        .send()
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn gcbridges_role_follows_its_targets_and_goes_with_the_destination() {
    let Some(w) = moto_world(0.0).await else {
        return;
    };
    let suffix = unique("role");
    let (s, f) = (stream(&suffix), firehose(&suffix));

    let actions = converge(&w, &suffix, spec(&[&s], None)).await;
    let created = actions
        .iter()
        .position(|a| matches!(a, AwsAction::CreateRole { .. }));
    let targets = actions
        .iter()
        .position(|a| matches!(a, AwsAction::AddTargets { .. }));
    assert!(created < targets && created.is_some(), "{actions:#?}");
    let AwsAction::CreateRole { role, arn, .. } = &actions[created.unwrap()] else {
        unreachable!()
    };
    let role = role.clone();
    assert!(role.starts_with("gcbridge-events-role-") && role.len() <= 64);
    assert_eq!(arn, &format!("arn:aws:iam::{ACCOUNT}:role/{role}"));
    assert_eq!(inline_resources(&w, &role).await, std::slice::from_ref(&s));
    let clients = w.aws().await;
    let dest = destination(&suffix, true, Some(spec(&[&s], None)));
    let again = plan_aws(&clients, &dest, &w.org.id).await.unwrap();
    assert!(again.actions.is_empty(), "left alone: {:#?}", again.actions);

    // Another target: the inline policy is rewritten, the trust policy left alone.
    let actions = converge(&w, &suffix, spec(&[&s, &f], None)).await;
    match role_actions(&actions)[..] {
        [AwsAction::UpdateRole {
            policy: Some(_),
            trust_policy: None,
            ..
        }] => {}
        ref other => panic!("{other:#?}"),
    }
    let mut both = vec![s.clone(), f.clone()];
    both.sort();
    assert_eq!(inline_resources(&w, &role).await, both);

    // A trust policy changed by hand (Lambda's, not EventBridge's) is put back.
    set_trust(&clients.iam, &role, "lambda.amazonaws.com").await;
    let actions = converge(&w, &suffix, spec(&[&s, &f], None)).await;
    assert!(
        matches!(
            role_actions(&actions)[..],
            [AwsAction::UpdateRole {
                policy: None,
                trust_policy: Some(_),
                ..
            }]
        ),
        "{actions:#?}"
    );

    // No target needs it any more: deleted after the targets that used it.
    let (_, queue) = w.queue().await;
    let actions = converge(&w, &suffix, spec(&[&queue], None)).await;
    assert!(
        matches!(actions.last(), Some(AwsAction::DeleteRole { role: r }) if *r == role),
        "{actions:#?}"
    );
    assert!(!role_exists(&w, &role).await);

    // Back, then destroyed with the destination.
    converge(&w, &suffix, spec(&[&s], None)).await;
    assert!(role_exists(&w, &role).await);
    let id = SourceId::new(ACCOUNT, REGION, &suffix);
    let plan = plan_aws_destroy(&clients, &id, &suffix, &spec(&[&s], None), &w.org.id)
        .await
        .unwrap();
    assert!(
        matches!(plan.actions.last(), Some(AwsAction::DeleteRole { .. })),
        "{:#?}",
        plan.actions
    );
    apply_aws(&clients, &plan, None, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(!role_exists(&w, &role).await, "destroy deleted it");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_users_role_is_checked_never_changed_and_a_stranger_of_gcbridges_name_is_not_taken_over()
{
    let Some(w) = moto_world(0.0).await else {
        return;
    };
    let clients = w.aws().await;
    let suffix = unique("urole");
    let s = stream(&suffix);
    let plan = |aws: AwsSpec| {
        let dest = destination(&suffix, true, Some(aws));
        let (clients, org) = (clients.clone(), w.org.id.clone());
        async move { plan_aws(&clients, &dest, &org).await }
    };

    let missing = format!("arn:aws:iam::{ACCOUNT}:role/{suffix}-missing");
    let err = plan(spec(&[&s], Some(&missing))).await.unwrap_err();
    assert!(
        err.message.contains("does not exist") && err.message.contains("leave role_arn out"),
        "{err}"
    );

    let name = format!("{suffix}-mine");
    let mine = create_role(&clients.iam, &name, "lambda.amazonaws.com").await;
    let err = plan(spec(&[&s], Some(&mine))).await.unwrap_err();
    assert!(
        err.message
            .contains("trust policy does not let events.amazonaws.com assume it"),
        "{err}"
    );
    set_trust(&clients.iam, &name, "events.amazonaws.com").await;
    let err = plan(spec(&[&s], Some(&mine))).await.unwrap_err();
    assert!(
        err.message
            .contains("none of its policies allows kinesis:PutRecord and kinesis:PutRecords")
            && err.message.contains(&s),
        "{err}"
    );
    let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kinesis:PutRecord", "Resource": s}]});
    clients
        .iam
        .put_role_policy()
        .role_name(&name)
        .policy_name("mine")
        .policy_document(allow.to_string())
        .send()
        .await
        .unwrap();
    let ok = plan(spec(&[&s], Some(&mine))).await.unwrap();
    assert!(role_actions(&ok.actions).is_empty(), "{:#?}", ok.actions);

    // A role of gcbridge's name without gcbridge's tag.
    let ours = plan(spec(&[&s], None)).await.unwrap();
    let Some(AwsAction::CreateRole { role, .. }) = role_actions(&ours.actions).first().copied()
    else {
        panic!("{:#?}", ours.actions)
    };
    create_role(&clients.iam, role, "events.amazonaws.com").await;
    let err = plan(spec(&[&s], None)).await.unwrap_err();
    assert!(
        err.message.contains("is not gcbridge's") && err.message.contains("role_arn ="),
        "{err}"
    );
}

/// Before the first apply of its AWS half (the integration and its bus exist, no rule yet),
/// doctor with the file names the role gcbridge would create for the file's Kinesis target and
/// says `gcbridge apply` creates it; after the apply the target's own check judges the role.
#[tokio::test(flavor = "multi_thread")]
async fn doctor_names_the_role_apply_will_create_before_the_first_apply() {
    let Some(w) = moto_world(0.0).await else {
        return;
    };
    let suffix = unique("planned");
    let s = stream(&suffix);
    let bare = AwsSpec {
        associate: true,
        rules: Vec::new(),
        archive: None,
    };
    w.apply(&destination(&suffix, true, Some(bare))).await;
    let file = spec(&[&s], None);
    let options = DiagnoseOptions {
        name: Some(suffix.clone()),
        managed: Some(HashMap::from([(suffix.clone(), file.clone())])),
        ..DiagnoseOptions::default()
    };
    // The name apply would give it, as its plan says.
    let dest = destination(&suffix, true, Some(file.clone()));
    let plan = plan_aws(&w.aws().await, &dest, &w.org.id).await.unwrap();
    let Some(AwsAction::CreateRole { role: name, .. }) =
        role_actions(&plan.actions).first().copied()
    else {
        panic!("{:#?}", plan.actions)
    };
    let name = name.clone();

    let reports = w.diagnose_with(&w.client, &options).await;
    let r = only_integration(&reports);
    let check = r
        .get(CheckId::DeliveryRole)
        .unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(check.status, Status::Fail, "{check:#?}");
    assert_eq!(check.subject.as_deref(), Some(name.as_str()));
    assert!(
        check
            .detail
            .contains(&format!("role/{name} does not exist yet"))
            && check.detail.contains(&s),
        "{check:#?}"
    );
    let fix = fix_of(r, CheckId::DeliveryRole);
    assert!(
        fix.starts_with("run gcbridge apply: it creates role") && fix.contains(&name),
        "{fix}"
    );
    assert!(!role_exists(&w, &name).await, "doctor only reads");

    converge(&w, &suffix, file).await;
    let reports = w.diagnose_with(&w.client, &options).await;
    let r = only_integration(&reports);
    let target = r
        .checks
        .iter()
        .find(|c| c.id == CheckId::Target && c.subject.as_deref() == Some(s.as_str()))
        .unwrap_or_else(|| panic!("{r:#?}"));
    assert_eq!(target.status, Status::Pass, "{target:#?}");
    assert!(
        r.get(CheckId::DeliveryRole).is_none(),
        "once the target is on the bus its own check judges the role: {r:#?}"
    );
    // Without the file there is nothing planned to name.
    let reports = w.diagnose(&suffix, None).await;
    assert!(only_integration(&reports)
        .get(CheckId::DeliveryRole)
        .is_none());
}
