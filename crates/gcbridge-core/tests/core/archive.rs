//! The archive of a partner bus and `replay`, against the emulator and moto: plan shows "create
//! archive", apply creates it on the partner bus, a changed retention is an update and the same one
//! nothing, doctor checks it, destroy deletes it before the bus; a replay re-delivers exactly the
//! archived events of its window to the rule's queue (to every rule, or only those named), and
//! counts them. Needs moto (scripts/with-moto). In a region of its own (replay's temporary queue
//! is region-wide, and other suites list the region's temporary queues).

use std::time::Duration;

use gcbridge_core::doctor::{CheckId, DiagnoseOptions, Status};
use gcbridge_core::{
    apply_aws, archive_name, parse_target, plan_aws, plan_aws_destroy, prepare_replay, run_replay,
    ArchiveSpec, AwsAction, AwsClients, AwsSpec, Destination, ReplayProgress, SourceId, Window,
    DEFAULT_PATTERN,
};

use crate::common::rule_to;
use crate::doctor::world::{destination, moto_world, unique, World, ACCOUNT};

const REGION: &str = "ap-southeast-1";

/// An applied destination with an archive (`retention_days`) and rule `to-queue` to a new queue.
struct Archived {
    w: World,
    aws: AwsClients,
    dest: Destination,
    bus: String,
    queue_url: String,
}

async fn archived(retention_days: i32) -> Option<Archived> {
    let w = moto_world(0.0).await?;
    let aws = AwsClients::new(REGION, Some(&w.aws_endpoint)).await;
    let queue = gcbridge_testkit::sqs::create_queue(&aws.sqs, &unique("archived-q")).await;
    let (queue_url, queue_arn) = (queue.url, queue.arn);
    let suffix = unique("archived");
    let spec = AwsSpec {
        associate: true,
        rules: vec![rule_to(
            "to-queue",
            DEFAULT_PATTERN,
            vec![parse_target(&queue_arn, REGION).unwrap()],
        )],
        archive: Some(ArchiveSpec { retention_days }),
    };
    let mut dest = destination(&suffix, true, Some(spec));
    dest.aws_region = REGION.into();
    let bus = SourceId::new(ACCOUNT, REGION, &suffix).source_name(&w.org.id);
    Some(Archived {
        w,
        aws,
        dest,
        bus,
        queue_url,
    })
}

/// Both halves, as `gcbridge apply` does them: the world's Genesys half, the AWS half here.
async fn apply(a: &Archived) {
    let genesys_only = Destination {
        aws: None,
        ..a.dest.clone()
    };
    a.w.apply(&genesys_only).await;
    let plan = plan_aws(&a.aws, &a.dest, &a.w.org.id).await.unwrap();
    apply_aws(&a.aws, &plan, Some(&a.dest), Duration::from_secs(30))
        .await
        .unwrap();
}

async fn archive_retention(aws: &AwsClients, name: &str) -> Option<i32> {
    match aws
        .events
        .describe_archive()
        .archive_name(name)
        .send()
        .await
    {
        Ok(out) => Some(out.retention_days().unwrap_or(0)),
        Err(_) => None,
    }
}

async fn drain(a: &Archived, want: usize, secs: u64) -> Vec<serde_json::Value> {
    let sqs = &a.aws.sqs;
    gcbridge_testkit::sqs::drain(sqs, &a.queue_url, want, Duration::from_secs(secs)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_archive_is_created_updated_checked_and_destroyed_before_the_bus() {
    let Some(mut a) = archived(30).await else {
        return;
    };
    let name = archive_name(&a.bus);
    let plan = plan_aws(&a.aws, &a.dest, &a.w.org.id).await.unwrap();
    let create = AwsAction::CreateArchive {
        archive: name.clone(),
        retention_days: 30,
    };
    let at = |p: &gcbridge_core::AwsPlan, x: &AwsAction| p.actions.iter().position(|y| y == x);
    let associate = plan
        .actions
        .iter()
        .position(|x| matches!(x, AwsAction::Associate { .. }));
    let rule = plan
        .actions
        .iter()
        .position(|x| matches!(x, AwsAction::CreateRule { .. }));
    assert!(
        associate < at(&plan, &create) && at(&plan, &create) < rule,
        "{:#?}",
        plan.actions
    );
    assert!(create.describe().contains("keeps every event 30 days"));
    apply(&a).await;
    assert_eq!(archive_retention(&a.aws, &name).await, Some(30));

    // The same config again: nothing to do.
    let again = plan_aws(&a.aws, &a.dest, &a.w.org.id).await.unwrap();
    assert!(again.actions.is_empty(), "{:#?}", again.actions);

    // doctor -f with the archive: it passes; its managed rule is not one of the user's rules.
    let report = diagnose(&a).await;
    let check = report.get(CheckId::Archive).expect("an archive check");
    assert_eq!(check.status, Status::Pass, "{check:#?}");
    assert!(
        !report
            .checks
            .iter()
            .any(|c| c.label().contains("Events-Archive")),
        "{report:#?}"
    );

    // Another retention: an update, applied; 0 is AWS's "indefinitely".
    a.dest.aws.as_mut().unwrap().archive = Some(ArchiveSpec { retention_days: 0 });
    let update = plan_aws(&a.aws, &a.dest, &a.w.org.id).await.unwrap();
    let want = AwsAction::UpdateArchive {
        archive: name.clone(),
        from_days: 30,
        to_days: 0,
    };
    assert_eq!(update.actions, vec![want.clone()]);
    assert!(want.describe().contains("from 30 days to indefinitely"));
    apply_aws(&a.aws, &update, Some(&a.dest), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(archive_retention(&a.aws, &name).await, Some(0));

    // Deleted by hand: doctor fails at the archive and says apply.
    a.aws
        .events
        .delete_archive()
        .archive_name(&name)
        .send()
        .await
        .unwrap();
    let report = diagnose(&a).await;
    let check = report.get(CheckId::Archive).expect("an archive check");
    assert_eq!(check.status, Status::Fail, "{check:#?}");
    assert!(check
        .fix
        .as_deref()
        .unwrap_or("")
        .contains("gcbridge apply"));
    apply(&a).await;

    // destroy: the archive first, the bus last, nothing left.
    let spec = a.dest.aws.clone().unwrap();
    let id = a.dest.source_id();
    let destroy = plan_aws_destroy(&a.aws, &id, &a.dest.name, &spec, &a.w.org.id)
        .await
        .unwrap();
    assert_eq!(
        destroy.actions.first(),
        Some(&AwsAction::DeleteArchive {
            archive: name.clone()
        })
    );
    assert!(matches!(
        destroy.actions.last(),
        Some(AwsAction::DeleteBus { .. })
    ));
    apply_aws(&a.aws, &destroy, None, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(archive_retention(&a.aws, &name).await, None);
    let buses = a.aws.events.describe_event_bus().name(&a.bus).send().await;
    assert!(buses.is_err(), "the bus is still there");
}

async fn diagnose(a: &Archived) -> gcbridge_core::doctor::IntegrationReport {
    let managed = [(a.dest.name.clone(), a.dest.aws.clone().unwrap())].into();
    let options = DiagnoseOptions {
        name: Some(a.dest.name.clone()),
        aws_endpoint: Some(a.w.aws_endpoint.clone()),
        managed: Some(managed),
        ..DiagnoseOptions::default()
    };
    let mut reports = a.w.diagnose_with(&a.w.client, &options).await;
    reports.remove(1)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replay_redelivers_exactly_its_window_and_counts_it() {
    let Some(a) = archived(1).await else {
        return;
    };
    apply(&a).await;
    let base = a.w.sim.base_url();
    let suffix = a.dest.event_source_suffix.clone();
    let publish = |n: u32| {
        let (base, suffix) = (base.clone(), suffix.clone());
        async move { gcbridge_testkit::sim::publish(&base, &suffix, n).await }
    };
    let now = || time::OffsetDateTime::now_utc();
    // Three batches a second and more apart; the window holds the middle one only.
    publish(2).await;
    assert_eq!(drain(&a, 2, 10).await.len(), 2);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let from = now();
    publish(3).await;
    let middle: Vec<String> = drain(&a, 3, 10)
        .await
        .iter()
        .map(|e| e["detail"]["metadata"]["CorrelationId"].to_string())
        .collect();
    assert_eq!(middle.len(), 3);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let to = now();
    tokio::time::sleep(Duration::from_millis(600)).await;
    publish(4).await;
    assert_eq!(drain(&a, 4, 10).await.len(), 4);

    let window = Window { from, to };
    let rules = ["to-queue".to_string()];
    let plan = prepare_replay(&a.aws, &a.dest.name, &a.bus, &rules, window)
        .await
        .unwrap();
    assert_eq!(plan.archive.event_count, 9, "{plan:#?}");
    let mut seen = Vec::new();
    let outcome = run_replay(&a.aws, &plan, Duration::from_secs(1), &mut |p| seen.push(p))
        .await
        .unwrap();
    assert_eq!(outcome.state, "COMPLETED", "{outcome:#?}");
    assert_eq!(outcome.events_replayed, 3, "{outcome:#?}");
    assert!(seen
        .iter()
        .any(|p| matches!(p, ReplayProgress::Started { .. })));
    let replayed = drain(&a, 4, 3).await;
    let mut got: Vec<String> = replayed
        .iter()
        .map(|e| e["detail"]["metadata"]["CorrelationId"].to_string())
        .collect();
    got.sort();
    let mut want = middle.clone();
    want.sort();
    assert_eq!(got, want, "{replayed:#?}");
    assert!(replayed
        .iter()
        .all(|e| e["replay-name"] == outcome.replay.as_str()));
    // The counting rule and queue are gone.
    assert_eq!(outcome.cleanup.len(), 2, "{:?}", outcome.cleanup);

    // A rule that is not on the bus: an error naming the bus's rules.
    let bad = prepare_replay(&a.aws, &a.dest.name, &a.bus, &["nope".into()], window)
        .await
        .unwrap_err();
    assert!(bad.message.contains("to-queue"), "{bad}");
}
