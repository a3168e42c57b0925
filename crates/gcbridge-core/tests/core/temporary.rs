//! gcbridge's temporary listeners (tail, doctor --probe) on moto: an expired one is swept by the
//! next command and a live one is not; `destroy` removes the temporary rules of a bus always, and
//! every other rule of a bus it deletes (AWS refuses to delete a bus with rules).

use gcbridge_core::{
    apply_aws, plan_aws_destroy, sweep_expired_temporary, AwsAction, AwsSpec, SourceId,
    TempListener,
};

use crate::doctor::world::{unrouted_world, ACCOUNT, REGION};

async fn rule_names(aws: &gcbridge_core::AwsClients, bus: &str) -> Vec<String> {
    let out = aws
        .events
        .list_rules()
        .event_bus_name(bus)
        .send()
        .await
        .unwrap();
    out.rules()
        .iter()
        .map(|r| r.name().unwrap().to_string())
        .collect()
}

async fn queue_exists(aws: &gcbridge_core::AwsClients, url: &str) -> bool {
    let name = url.rsplit('/').next().unwrap();
    aws.sqs
        .get_queue_url()
        .queue_name(name)
        .send()
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_listener_is_swept_with_its_queue_and_a_live_one_is_not() {
    let Some((w, suffix)) = unrouted_world(true).await else {
        return;
    };
    let aws = w.aws().await;
    let bus = SourceId::new(ACCOUNT, REGION, &suffix).source_name(&w.org.id);
    let expired = TempListener::create(&aws, &bus, "tail", 0).await.unwrap();
    let live = TempListener::create(&aws, &bus, "probe", 3600)
        .await
        .unwrap();
    assert!(
        expired.rule.starts_with("gcbridge-tmp-tail-"),
        "{}",
        expired.rule
    );
    let names = rule_names(&aws, &bus).await;
    assert!(
        names.contains(&expired.rule) && names.contains(&live.rule),
        "{names:?}"
    );

    let lines = sweep_expired_temporary(&aws, &bus).await;
    assert!(
        lines
            .iter()
            .any(|l| l.contains("removed the expired temporary rule") && l.contains(&expired.rule)),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains(&live.rule)), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("could not")), "{lines:#?}");
    let names = rule_names(&aws, &bus).await;
    assert!(!names.contains(&expired.rule), "{names:?}");
    assert!(names.contains(&live.rule), "{names:?}");
    assert!(!queue_exists(&aws, &expired.queue_url).await);
    assert!(queue_exists(&aws, &live.queue_url).await);

    let removed = live.cleanup().await.unwrap();
    assert_eq!(removed.len(), 2, "{removed:?}");
    assert!(rule_names(&aws, &bus).await.is_empty());
    assert!(!queue_exists(&aws, &live.queue_url).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_removes_temporary_rules_always_and_every_rule_of_a_bus_it_deletes() {
    let Some((w, suffix)) = unrouted_world(true).await else {
        return;
    };
    let aws = w.aws().await;
    let id = SourceId::new(ACCOUNT, REGION, &suffix);
    let bus = id.source_name(&w.org.id);
    aws.events
        .put_rule()
        .name("unmanaged")
        .event_bus_name(&bus)
        .event_pattern(r#"{"source":[{"prefix":"aws.partner/"}]}"#)
        .send()
        .await
        .unwrap();
    // A tail killed by SIGKILL: its listener is never cleaned up.
    let left = TempListener::create(&aws, &bus, "tail", 3600)
        .await
        .unwrap();
    let delete = |rule: &str| AwsAction::DeleteRule { rule: rule.into() };

    // The destroy plan of an AWS half without rules, which associated the bus or not.
    let destroy = |associate: bool| {
        let spec = AwsSpec {
            associate,
            rules: vec![],
            archive: None,
        };
        let (aws, id, suffix, org) = (&aws, &id, &suffix, &w.org.id);
        async move { plan_aws_destroy(aws, id, suffix, &spec, org).await.unwrap() }
    };
    let plan = destroy(false).await;
    assert_eq!(plan.actions, vec![delete(&left.rule)], "{plan:#?}");

    let plan = destroy(true).await;
    assert_eq!(plan.actions.len(), 3, "{plan:#?}");
    assert!(plan.actions.contains(&delete(&left.rule)), "{plan:#?}");
    assert!(plan.actions.contains(&delete("unmanaged")), "{plan:#?}");
    assert_eq!(
        plan.actions.last(),
        Some(&AwsAction::DeleteBus { bus: bus.clone() })
    );
    apply_aws(&aws, &plan, None, std::time::Duration::from_secs(5))
        .await
        .unwrap();
    assert!(aws
        .events
        .describe_event_bus()
        .name(&bus)
        .send()
        .await
        .is_err());
    assert!(
        !queue_exists(&aws, &left.queue_url).await,
        "the queue went with its rule"
    );
}
