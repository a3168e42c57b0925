//! Every target delivers (issue 12), end to end against the emulator and moto, for SQS, SNS,
//! Lambda and CloudWatch Logs targets: the plan shows the permission gcbridge adds; after apply
//! the emulator's events arrive; with gcbridge's statement removed by hand they do not, and
//! doctor fails at that target naming the missing statement with `gcbridge apply` as the fix;
//! apply puts it back (and then leaves it alone); destroy removes gcbridge's statements only,
//! the user's own stay. moto enforces the policies through scripts/moto/delivery.py.

use std::time::{Duration, Instant};

use gcbridge_core::doctor::{CheckId, Status};
use gcbridge_core::{
    apply_aws, plan_aws, plan_aws_destroy, AwsAction, AwsClients, DEFAULT_PATTERN,
};
use gcbridge_testkit::moto_reads::queue_policy;
use gcbridge_testkit::sqs::set_policy as set_queue_policy;
use reqwest::Method;
use serde_json::{json, Value};

use super::world::{destination, moto_world, only_integration, routed, unique, World};
use super::world::{ACCOUNT, REGION};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Sqs,
    Sns,
    Lambda,
    Logs,
}

/// A target of `kind` made by hand, and where its deliveries can be read.
struct Target {
    kind: Kind,
    arn: String,
    /// The queue that receives (SQS: the target; SNS: its raw subscriber).
    queue_url: Option<String>,
    /// The log group that receives (Lambda: /aws/lambda/NAME; Logs: the target).
    group: Option<String>,
    name: String,
}

/// The user's own statement on the target's policy: destroy must leave it.
const USER_SID: &str = "UserStatement";
const USER_LOGS_POLICY: &str = "user-logs-policy";

async fn make_target(w: &World, aws: &AwsClients, kind: Kind) -> Target {
    let name = unique("dlv");
    let mut t = Target {
        kind,
        arn: String::new(),
        queue_url: None,
        group: None,
        name: name.clone(),
    };
    match kind {
        Kind::Sqs => {
            let (url, arn) = w.queue().await;
            let user = json!({"Version": "2012-10-17", "Statement": [{"Sid": USER_SID, "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "sqs:ReceiveMessage", "Resource": arn}]});
            set_queue_policy(&aws.sqs, &url, &user.to_string()).await;
            (t.arn, t.queue_url) = (arn, Some(url));
        }
        Kind::Sns => {
            let topic = aws.sns.create_topic().name(&name).send().await.unwrap();
            t.arn = topic.topic_arn().unwrap().to_string();
            let (url, queue_arn) = w.queue().await;
            aws.sns
                .subscribe()
                .topic_arn(&t.arn)
                .protocol("sqs")
                .endpoint(queue_arn)
                .attributes("RawMessageDelivery", "true")
                .send()
                .await
                .unwrap();
            t.queue_url = Some(url);
        }
        Kind::Lambda => {
            t.arn = gcbridge_testkit::lambda::create_function(&w.aws_endpoint, &aws.lambda, &name)
                .await;
            aws.lambda
                .add_permission()
                .function_name(&name)
                .statement_id(USER_SID)
                .action("lambda:InvokeFunction")
                .principal("s3.amazonaws.com")
                .send()
                .await
                .unwrap();
            t.group = Some(format!("/aws/lambda/{name}"));
        }
        Kind::Logs => {
            let group = format!("/aws/events/{name}");
            aws.logs
                .create_log_group()
                .log_group_name(&group)
                .send()
                .await
                .unwrap();
            let other = json!({"Statement": [{"Sid": USER_SID, "Effect": "Allow",
                "Principal": {"Service": "route53.amazonaws.com"}, "Action": "logs:PutLogEvents",
                "Resource": format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/route53/*")}]});
            aws.logs
                .put_resource_policy()
                .policy_name(USER_LOGS_POLICY)
                .policy_document(other.to_string())
                .send()
                .await
                .unwrap();
            t.arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}");
            t.group = Some(group);
        }
    }
    t
}

/// The target's policy as text (all of the account's resource policies for Logs).
async fn policy_text(aws: &AwsClients, t: &Target) -> String {
    match t.kind {
        Kind::Sqs => queue_policy(&aws.sqs, t.queue_url.as_ref().unwrap()).await,
        Kind::Sns => {
            let a = aws
                .sns
                .get_topic_attributes()
                .topic_arn(&t.arn)
                .send()
                .await
                .unwrap();
            a.attributes()
                .and_then(|a| a.get("Policy"))
                .cloned()
                .unwrap_or_default()
        }
        Kind::Lambda => match aws.lambda.get_policy().function_name(&t.name).send().await {
            Ok(p) => p.policy().unwrap_or_default().to_string(),
            Err(_) => String::new(),
        },
        Kind::Logs => {
            let p = aws.logs.describe_resource_policies().send().await.unwrap();
            format!("{:?}", p.resource_policies())
        }
    }
}

/// Removes gcbridge's statement by hand, as a user tidying policies would.
async fn remove_gcbridge_statement(aws: &AwsClients, t: &Target) {
    match t.kind {
        Kind::Sqs | Kind::Sns => {
            let raw = policy_text(aws, t).await;
            let mut doc: Value = serde_json::from_str(&raw).unwrap();
            let kept: Vec<Value> = doc["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| !s["Sid"].as_str().unwrap_or("").starts_with("gcbridge"))
                .cloned()
                .collect();
            assert!(
                kept.len() < doc["Statement"].as_array().unwrap().len(),
                "gcbridge's statement: {raw}"
            );
            doc["Statement"] = Value::Array(kept);
            if t.kind == Kind::Sqs {
                set_queue_policy(&aws.sqs, t.queue_url.as_ref().unwrap(), &doc.to_string()).await;
            } else {
                aws.sns
                    .set_topic_attributes()
                    .topic_arn(&t.arn)
                    .attribute_name("Policy")
                    .attribute_value(doc.to_string())
                    .send()
                    .await
                    .unwrap();
            }
        }
        Kind::Lambda => {
            let doc: Value = serde_json::from_str(&policy_text(aws, t).await).unwrap();
            let sid = doc["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|s| s["Sid"].as_str())
                .find(|s| s.starts_with("gcbridge"))
                .expect("gcbridge's permission")
                .to_string();
            aws.lambda
                .remove_permission()
                .function_name(&t.name)
                .statement_id(sid)
                .send()
                .await
                .unwrap();
        }
        Kind::Logs => {
            aws.logs
                .delete_resource_policy()
                .policy_name("gcbridge-eventbridge-to-logs")
                .send()
                .await
                .unwrap();
        }
    }
}

/// How many events reached the target since the last call (SQS messages are deleted; log events
/// are counted in total, so the caller compares totals).
async fn arrived(aws: &AwsClients, t: &Target, want: usize) -> usize {
    let wait = Duration::from_secs(if want == 0 { 2 } else { 10 });
    if let Some(url) = &t.queue_url {
        return gcbridge_testkit::sqs::drain(&aws.sqs, url, want.max(1), wait)
            .await
            .len();
    }
    let group = t.group.as_ref().unwrap();
    let start = Instant::now();
    loop {
        let n = match aws
            .logs
            .filter_log_events()
            .log_group_name(group)
            .send()
            .await
        {
            Ok(out) => out.events().len(),
            // The Lambda's group appears with its first invocation.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                0
            }
            Err(e) => panic!("FilterLogEvents {group}: {e:?}"),
        };
        if (want > 0 && n >= want) || start.elapsed() > wait {
            return n;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Has the emulator publish `n` events of the integration `suffix`.
pub(crate) async fn publish(w: &World, suffix: &str, n: usize) {
    let body = json!({ "suffix": suffix, "count": n });
    let base = w.sim.base_url();
    gcbridge_testkit::sim::api(Method::POST, &base, "/sim/v1/events", None, Some(&body)).await;
}

async fn target_check(w: &World, suffix: &str) -> (Status, String, String) {
    let reports = w.diagnose(suffix, None).await;
    let r = only_integration(&reports);
    let c = r
        .get(CheckId::Target)
        .unwrap_or_else(|| panic!("no target check: {r:#?}"));
    (
        c.status,
        c.detail.clone(),
        c.fix.clone().unwrap_or_default(),
    )
}

/// The whole life of one target type's permission (see the module doc).
async fn delivers(kind: Kind, grant_says: &str, missing_says: &str) {
    let Some(w) = moto_world(0.0).await else {
        return;
    };
    let aws = w.aws().await;
    let t = make_target(&w, &aws, kind).await;
    let suffix = unique("dlv");
    let dest = destination(&suffix, true, Some(routed(DEFAULT_PATTERN, &t.arn)));

    // The plan shows the permission before apply.
    let plan = plan_aws(&aws, &dest, &w.org.id).await.unwrap();
    let shown: Vec<String> = plan.actions.iter().map(AwsAction::describe).collect();
    assert!(
        shown.iter().any(|a| a.contains(grant_says)),
        "{kind:?}: {shown:#?}"
    );

    w.apply(&dest).await;
    publish(&w, &suffix, 2).await;
    assert_eq!(
        arrived(&aws, &t, 2).await,
        2,
        "{kind:?}: events arrive after apply"
    );
    let (status, detail, _) = target_check(&w, &suffix).await;
    assert_eq!(status, Status::Pass, "{kind:?}: {detail}");
    let plan = plan_aws(&aws, &dest, &w.org.id).await.unwrap();
    assert!(
        plan.actions.is_empty(),
        "{kind:?}: left alone when right: {:#?}",
        plan.actions
    );

    // gcbridge's statement removed by hand: nothing arrives, doctor names it and the fix.
    remove_gcbridge_statement(&aws, &t).await;
    publish(&w, &suffix, 1).await;
    assert_eq!(
        arrived(&aws, &t, 0).await,
        if t.queue_url.is_some() { 0 } else { 2 },
        "{kind:?}: nothing new arrives"
    );
    let (status, detail, fix) = target_check(&w, &suffix).await;
    assert_eq!(status, Status::Fail, "{kind:?}: {detail}");
    assert!(
        detail.contains("missing:") && detail.contains(missing_says),
        "{kind:?}: {detail}"
    );
    assert!(fix.contains("gcbridge apply"), "{kind:?}: {fix}");

    // apply restores it.
    w.apply(&dest).await;
    publish(&w, &suffix, 1).await;
    let want = if t.queue_url.is_some() { 1 } else { 3 };
    assert_eq!(
        arrived(&aws, &t, want).await,
        want,
        "{kind:?}: events arrive again"
    );
    assert_eq!(target_check(&w, &suffix).await.0, Status::Pass, "{kind:?}");

    // destroy: gcbridge's statement goes, the user's stays.
    let spec = dest.aws.clone().unwrap();
    let plan = plan_aws_destroy(&aws, &dest.source_id(), &dest.name, &spec, &w.org.id)
        .await
        .unwrap();
    apply_aws(&aws, &plan, None, Duration::from_secs(5))
        .await
        .unwrap();
    let after = policy_text(&aws, &t).await;
    assert!(
        !after.contains("gcbridge"),
        "{kind:?}: gcbridge's statement stays: {after}"
    );
    let user = match kind {
        Kind::Sns => "__default_statement_ID",
        _ => USER_SID,
    };
    assert!(
        after.contains(user),
        "{kind:?}: the user's statement went: {after}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_sqs_target_delivers_only_with_its_queue_policy() {
    delivers(Kind::Sqs, "add the policy statement", "sqs:SendMessage").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_sns_target_delivers_only_with_its_topic_policy() {
    delivers(Kind::Sns, "sns:Publish", "sns:Publish").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lambda_target_delivers_only_with_its_permission() {
    delivers(Kind::Lambda, "lambda:AddPermission", "lambda:AddPermission").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_group_target_delivers_only_with_the_shared_resource_policy() {
    delivers(
        Kind::Logs,
        "gcbridge-eventbridge-to-logs",
        "logs:PutLogEvents",
    )
    .await;
}
