//! The chain stays whole behind a green plan (issue 11 §4), against the emulator and moto: an
//! integration disabled by hand gets a new partner event source when enabled again, PENDING
//! behind the old bus, and the plan re-creates the bus with its rules and targets (both when
//! `apply` enables it and when it was enabled by hand); a queue policy's explicit Deny stops the
//! plan instead of being "fixed" with an Allow. Needs moto (scripts/with-moto).

use std::time::{Duration, Instant};

use gcbridge_core::{plan_org, AwsAction, Desired};
use gcbridge_testkit::moto::sdk_config;
use gcbridge_testkit::moto_reads::queue_policy;
use gcbridge_testkit::sqs::set_policy as set_queue_policy;
use gcbridge_testkit::{sim, sqs};
use genesys_sim::DEFAULT_ORG_ID;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{moto, REGION};
use crate::converge::{all_ok, converged, run, BothHalves};

struct Chain {
    base: String,
    name: String,
    source: String,
    events: aws_sdk_eventbridge::Client,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
}

impl Chain {
    /// The destination `name`'s world; its queue `q-NAME` is the one `aws_half` made.
    async fn new(moto: &str, base: &str, name: &str) -> Chain {
        let config = sdk_config(moto, REGION).await;
        let sqs = aws_sdk_sqs::Client::new(&config);
        let queue_url = sqs
            .get_queue_url()
            .queue_name(format!("q-{name}"))
            .send()
            .await
            .expect("the queue aws_half made")
            .queue_url()
            .unwrap()
            .to_string();
        Chain {
            base: base.to_string(),
            source: format!("aws.partner/genesys.com/cloud/{DEFAULT_ORG_ID}/{name}"),
            name: name.to_string(),
            events: aws_sdk_eventbridge::Client::new(&config),
            sqs,
            queue_url,
        }
    }

    async fn state(&self) -> String {
        match self
            .events
            .describe_event_source()
            .name(&self.source)
            .send()
            .await
        {
            Ok(o) => o
                .state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            Err(_) => "missing".into(),
        }
    }

    async fn wait_state(&self, want: &str) {
        let start = Instant::now();
        while self.state().await != want {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the source {} never became {want} (is {})",
                self.source,
                self.state().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn set_intended(&self, state: &str) {
        let token = sim::admin_token(&self.base).await;
        let id = sim::integrations(&self.base)
            .await
            .into_iter()
            .find(|i| i["name"] == Value::String(self.name.clone()))
            .expect("the integration")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let body = json!({ "intendedState": state });
        let path = format!("/api/v2/integrations/{id}");
        sim::api(Method::PATCH, &self.base, &path, Some(&token), Some(&body)).await;
    }

    /// Publishes `n` events through the emulator (once the integration reports ACTIVE); how many
    /// reached the queue.
    async fn delivered(&self, n: usize) -> usize {
        let start = Instant::now();
        loop {
            let live = sim::integrations(&self.base).await;
            let me = live
                .iter()
                .find(|i| i["name"] == Value::String(self.name.clone()));
            if me.is_some_and(|i| i["reportedState"]["code"] == "ACTIVE") {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "never ACTIVE: {me:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let body = json!({ "suffix": self.name, "count": n });
        sim::api(
            Method::POST,
            &self.base,
            "/sim/v1/events",
            None,
            Some(&body),
        )
        .await;
        let wait = Duration::from_secs(if n == 0 { 1 } else { 5 });
        sqs::drain(&self.sqs, &self.queue_url, n.max(1), wait)
            .await
            .len()
    }
}

/// A destination `<prefix>-<hex>` converged once on an emulator with moto, and its chain.
async fn chained(moto: &str, prefix: &str) -> (BothHalves, Chain) {
    let h = converged(moto, prefix).await;
    let w = Chain::new(moto, &h.base, &h.name).await;
    (h, w)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_re_enabled_integration_gets_its_bus_rules_and_targets_back() {
    let Some(moto) = moto() else {
        return;
    };
    let (h, w) = chained(&moto, "chain").await;
    assert_eq!(w.delivered(2).await, 2, "events flow after the first apply");
    let rule_arn = |events: aws_sdk_eventbridge::Client, bus: String| async move {
        events
            .describe_rule()
            .name("to-queue")
            .event_bus_name(bus)
            .send()
            .await
            .unwrap()
            .arn()
            .unwrap()
            .to_string()
    };
    let arn_before = rule_arn(w.events.clone(), w.source.clone()).await;

    // Disabled by hand, enabled again by apply: the plan re-enables it and re-creates the bus.
    w.set_intended("DISABLED").await;
    w.wait_state("DELETED").await;
    let plan = plan_org(&h.c, DEFAULT_ORG_ID, Desired::Converge(&h.d), &h.opts)
        .await
        .unwrap();
    let actions = &plan.aws[0].plan.actions;
    assert!(
        matches!(&actions[..], [AwsAction::ReassociateBus { rules, .. }] if rules == &["to-queue"]),
        "{actions:#?}"
    );
    let (outcomes, _) = run(&h.c, Desired::Converge(&h.d), &h.opts).await;
    assert!(all_ok(&outcomes), "{outcomes:#?}");
    assert_eq!(w.state().await, "ACTIVE");
    assert_eq!(w.delivered(2).await, 2, "events flow again after apply");
    assert_eq!(
        rule_arn(w.events.clone(), w.source.clone()).await,
        arn_before
    );

    // Disabled and enabled by hand: the new source waits PENDING behind the old bus, its events
    // are dropped, and the plan sees it.
    w.set_intended("DISABLED").await;
    w.wait_state("DELETED").await;
    w.set_intended("ENABLED").await;
    w.wait_state("PENDING").await;
    assert_eq!(
        w.delivered(1).await,
        0,
        "the PENDING source's events are dropped"
    );
    let plan = plan_org(&h.c, DEFAULT_ORG_ID, Desired::Converge(&h.d), &h.opts)
        .await
        .unwrap();
    assert!(
        plan.has_changes(),
        "a PENDING source behind a bus is a change"
    );
    assert!(
        matches!(
            &plan.aws[0].plan.actions[..],
            [AwsAction::ReassociateBus { .. }]
        ),
        "{plan:#?}"
    );
    let (outcomes, _) = run(&h.c, Desired::Converge(&h.d), &h.opts).await;
    assert!(all_ok(&outcomes), "{outcomes:#?}");
    assert_eq!(w.delivered(3).await, 3, "events flow again after apply");
    let plan = plan_org(&h.c, DEFAULT_ORG_ID, Desired::Converge(&h.d), &h.opts)
        .await
        .unwrap();
    assert!(!plan.has_changes(), "{plan:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_explicit_deny_in_the_queue_policy_stops_the_plan() {
    let Some(moto) = moto() else {
        return;
    };
    let (h, w) = chained(&moto, "deny").await;

    let mut policy: Value =
        serde_json::from_str(&queue_policy(&w.sqs, &w.queue_url).await).unwrap();
    policy["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "NoEventBridge", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:events:*:*:rule/*"}}
    }));
    set_queue_policy(&w.sqs, &w.queue_url, &policy.to_string()).await;
    let err = plan_org(&h.c, DEFAULT_ORG_ID, Desired::Converge(&h.d), &h.opts)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("NoEventBridge")
            && err.contains("explicitly denies")
            && err.contains("cannot fix"),
        "{err}"
    );
}
