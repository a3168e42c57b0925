//! A target's delivery settings against moto: a dead-letter queue and a retry policy are put on
//! the target by apply and shown in the plan before; the dead-letter queue gets the queue policy
//! statement for the rule; a second plan leaves them alone; a target that refuses fills the
//! dead-letter queue and doctor fails there with the count; a changed retry policy is an update
//! of the target; destroy removes gcbridge's statement from the dead-letter queue.

use std::time::Duration;

use gcbridge_core::{
    apply_aws, parse_target, plan_aws, plan_aws_destroy, AwsAction, RetrySpec, DEFAULT_PATTERN,
};

use gcbridge_core::doctor::{CheckId, IntegrationReport, Status};
use gcbridge_testkit::moto_reads::{queue_policy, rule_targets};
use gcbridge_testkit::sqs::set_policy as set_queue_policy;

use super::delivery::publish;
use super::world::{destination, moto_world, only_integration, routed, unique, REGION};

fn described(actions: &[AwsAction]) -> Vec<String> {
    actions.iter().map(AwsAction::describe).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn dead_letter_queue_and_retry_are_applied_kept_and_removed() {
    let Some(w) = moto_world(0.0).await else {
        return;
    };
    let aws = w.aws().await;
    let (queue_url, queue_arn) = w.queue().await;
    let (dlq_url, dlq_arn) = w.queue().await;
    let suffix = unique("settings");
    let mut spec = routed(DEFAULT_PATTERN, &queue_arn);
    let mut target = parse_target(&queue_arn, REGION).unwrap();
    target.settings.dead_letter_queue = Some(dlq_arn.clone());
    spec.rules[0].targets = vec![target];
    spec.rules[0].retry = Some(RetrySpec {
        maximum_attempts: 10,
        maximum_event_age_seconds: 3600,
    });
    let mut dest = destination(&suffix, true, Some(spec));

    let plan = plan_aws(&aws, &dest, &w.org.id).await.unwrap();
    let allows_dlq =
        |a: &AwsAction| matches!(a, AwsAction::AllowSqs { queue_arn, .. } if *queue_arn == dlq_arn);
    assert!(plan.actions.iter().any(allows_dlq), "{:#?}", plan.actions);
    w.apply(&dest).await;

    let bus = plan.source.clone();
    let live = rule_targets(&aws.events, &bus, "to-queue").await;
    let t = &live[0];
    assert_eq!(
        t.dead_letter_config().and_then(|d| d.arn()),
        Some(dlq_arn.as_str())
    );
    let retry = t.retry_policy().expect("a retry policy");
    assert_eq!(
        (
            retry.maximum_retry_attempts(),
            retry.maximum_event_age_in_seconds()
        ),
        (Some(10), Some(3600))
    );
    assert!(
        queue_policy(&aws.sqs, &dlq_url).await.contains("gcbridge"),
        "the dead-letter queue lets the rule send to it"
    );
    let again = plan_aws(&aws, &dest, &w.org.id).await.unwrap();
    assert!(again.actions.is_empty(), "{:#?}", again.actions);

    // doctor: the queue lets the rule send and is empty; once it holds an event, a failure
    // with the count.
    let dead_letter = |reports: &[IntegrationReport]| {
        only_integration(reports)
            .checks
            .iter()
            .find(|c| c.id == CheckId::DeadLetter)
            .cloned()
            .expect("a dead-letter check")
    };
    let check = dead_letter(&w.diagnose(&suffix, None).await);
    assert_eq!(check.status, Status::Pass, "{check:?}");
    // The target refuses (its queue policy removed by hand): the event goes to the dead-letter
    // queue (moto patch (n)) and doctor reports it.
    set_queue_policy(&aws.sqs, &queue_url, "").await;
    publish(&w, &suffix, 1).await;
    let check = dead_letter(&w.diagnose(&suffix, None).await);
    assert_eq!(check.status, Status::Fail, "{check:?}");
    assert!(check.detail.contains("holds 1 event(s)"), "{check:?}");
    assert!(check.detail.contains("the oldest"), "{check:?}");

    // A changed retry policy puts the target again, and the plan says what changes (beside the
    // target's queue statement, removed above).
    dest.aws.as_mut().unwrap().rules[0].retry = None;
    let changed = plan_aws(&aws, &dest, &w.org.id).await.unwrap();
    let shown = described(&changed.actions);
    assert!(
        shown
            .iter()
            .any(|a| a.contains("retry 10 attempts, 3600s -> 185 attempts, 86400s")),
        "{shown:#?}"
    );
    apply_aws(&aws, &changed, Some(&dest), Duration::from_secs(30))
        .await
        .unwrap();
    let again = plan_aws(&aws, &dest, &w.org.id).await.unwrap();
    assert!(again.actions.is_empty(), "{:#?}", again.actions);

    let id = dest.source_id();
    let destroy = plan_aws_destroy(&aws, &id, &dest.name, dest.aws.as_ref().unwrap(), &w.org.id)
        .await
        .unwrap();
    let revokes_dlq = |a: &AwsAction| matches!(a, AwsAction::RevokeSqs { queue_arn, .. } if *queue_arn == dlq_arn);
    assert!(
        destroy.actions.iter().any(revokes_dlq),
        "{:#?}",
        destroy.actions
    );
    apply_aws(&aws, &destroy, None, Duration::from_secs(30))
        .await
        .unwrap();
    assert!(
        !queue_policy(&aws.sqs, &dlq_url).await.contains("gcbridge"),
        "destroy removed gcbridge's statement from the dead-letter queue"
    );
}
