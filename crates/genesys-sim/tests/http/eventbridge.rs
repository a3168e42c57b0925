//! The emulator as the EventBridge partner, against a real EventBridge API: moto's server
//! from scripts/with-moto (GCBRIDGE_TEST_MOTO_ENDPOINT). The tests play the customer with
//! the AWS SDK, each in its own random account so they can share one moto server.
//! Without it the moto tests skip loudly, or fail when moto is required (gcbridge_testkit::moto).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aws_sdk_eventbridge::types::EventSourceState;
use gcbridge_testkit::{moto, sqs};
use genesys_sim::{SimConfig, DEFAULT_ORG_ID};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::common::{quick_config, Api, Harness, Reply, EB, TOPIC};
use reqwest::Method;

const REGION: &str = "eu-west-1";
const SECOND_TOPIC: &str = "v2.audits.entitytype.{id}.entityid.{id}";

/// The customer's side: EventBridge and SQS clients of one account.
struct Customer {
    account: String,
    events: aws_sdk_eventbridge::Client,
    sqs: aws_sdk_sqs::Client,
}

fn events_client(endpoint: &str, account: &str) -> aws_sdk_eventbridge::Client {
    moto::events_client(endpoint, REGION, account)
}

impl Customer {
    fn new(endpoint: &str) -> Self {
        let account = moto::random_account();
        Customer {
            events: events_client(endpoint, &account),
            sqs: moto::sqs_client(endpoint, REGION, &account),
            account,
        }
    }

    /// The source's state as this account sees it; None when it does not exist.
    async fn source_state(&self, name: &str) -> Option<EventSourceState> {
        match self.events.describe_event_source().name(name).send().await {
            Ok(out) => out.state().cloned(),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                None
            }
            Err(e) => panic!(
                "DescribeEventSource {name}: {}",
                aws_sdk_eventbridge::error::DisplayErrorContext(&e)
            ),
        }
    }

    /// Waits until the source is deleted (DELETED, or gone).
    async fn wait_deleted(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.source_state(name).await {
                None | Some(EventSourceState::Deleted) => return,
                other => {
                    assert!(Instant::now() < deadline, "{name} still {other:?}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Associates the partner bus, routes its events to a new SQS queue; returns its URL.
    async fn bus_to_queue(&self, source: &str) -> String {
        sqs::partner_bus_to_new_queue(&self.events, &self.sqs, source)
            .await
            .url
    }

    /// Receives until `want` messages arrived or `wait` passed; returns their bodies.
    async fn receive(&self, url: &str, want: usize, wait: Duration) -> Vec<Value> {
        sqs::drain(&self.sqs, url, want, wait).await
    }
}

fn aws_config(endpoint: &str) -> SimConfig {
    SimConfig {
        eventbridge_endpoint: Some(endpoint.to_string()),
        ..quick_config()
    }
}

/// The start of a moto test: moto's endpoint, a customer account, and an emulator playing the
/// partner against that endpoint with its admin client; None (the test skips) without moto.
async fn partner_on_moto() -> Option<(String, Customer, Harness, Api)> {
    let endpoint = moto::endpoint()?;
    let customer = Customer::new(&endpoint);
    let h = Harness::with(aws_config(&endpoint)).await;
    let api = h.admin().await;
    Some((endpoint, customer, h, api))
}

/// `POST /sim/v1/events` (the test route that publishes), with `body` as JSON when given.
async fn publish(h: &Harness, body: Option<Value>) -> Reply {
    h.call(Method::POST, "/sim/v1/events", body).await
}

fn properties(account: &str, suffix: &str) -> Value {
    json!({
        "awsAccountId": account,
        "awsAccountRegion": REGION,
        "eventSourceSuffix": suffix,
        "eventFilter": [TOPIC, SECOND_TOPIC]
    })
}

async fn put_config(api: &Api, id: &str, props: Value) {
    let path = format!("/api/v2/integrations/{id}/config/current");
    let version = api.get(&path).await.body["version"].as_u64().unwrap();
    let r = api
        .put(
            &path,
            json!({"version": version, "properties": props, "advanced": {}, "credentials": {}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Polls the integration until its state is ACTIVE or ERROR; returns `reportedState`.
async fn settle(api: &Api, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let r = api.get(&format!("/api/v2/integrations/{id}")).await;
        let state = r.body["reportedState"].clone();
        if state["code"] == "ACTIVE" || state["code"] == "ERROR" {
            return state;
        }
        assert!(Instant::now() < deadline, "still {state}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Creates, configures and enables an integration; returns its id once ACTIVE.
async fn active_integration(api: &Api, account: &str, suffix: &str) -> String {
    let id = api.create(&format!("eb-{suffix}"), EB).await;
    put_config(api, &id, properties(account, suffix)).await;
    api.set_intended(&id, "ENABLED").await;
    let state = settle(api, &id).await;
    assert_eq!(state["code"], "ACTIVE", "{state}");
    id
}

fn source(suffix: &str) -> String {
    format!("aws.partner/genesys.com/cloud/{DEFAULT_ORG_ID}/{suffix}")
}

#[tokio::test]
async fn partner_event_source_follows_the_integration() {
    let Some((endpoint, customer, h, api)) = partner_on_moto().await else {
        return;
    };

    // ACTIVE means the source exists, PENDING until the customer associates a bus.
    let id = api.create("eb", EB).await;
    put_config(&api, &id, properties(&customer.account, "first")).await;
    assert_eq!(customer.source_state(&source("first")).await, None);
    api.set_intended(&id, "ENABLED").await;
    let state = settle(&api, &id).await;
    assert_eq!(state["code"], "ACTIVE", "{state}");
    assert_eq!(
        customer.source_state(&source("first")).await,
        Some(EventSourceState::Pending)
    );

    // A new suffix: the old source goes, the new one comes, before ACTIVE again.
    put_config(&api, &id, properties(&customer.account, "second")).await;
    let state = settle(&api, &id).await;
    assert_eq!(state["code"], "ACTIVE", "{state}");
    assert_eq!(
        customer.source_state(&source("second")).await,
        Some(EventSourceState::Pending)
    );
    customer.wait_deleted(&source("first")).await;

    // Disabling deletes it; enabling again brings it back; deleting deletes it.
    api.set_intended(&id, "DISABLED").await;
    customer.wait_deleted(&source("second")).await;
    api.set_intended(&id, "ENABLED").await;
    assert_eq!(settle(&api, &id).await["code"], "ACTIVE");
    assert_eq!(
        customer.source_state(&source("second")).await,
        Some(EventSourceState::Pending)
    );
    let r = api.delete(&format!("/api/v2/integrations/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    customer.wait_deleted(&source("second")).await;

    // Another account: the source moves there.
    let other = Customer::new(&endpoint);
    let id = active_integration(&api, &customer.account, "moving").await;
    put_config(&api, &id, properties(&other.account, "moving")).await;
    assert_eq!(settle(&api, &id).await["code"], "ACTIVE");
    assert_eq!(
        other.source_state(&source("moving")).await,
        Some(EventSourceState::Pending)
    );
    customer.wait_deleted(&source("moving")).await;
    h.sim.shutdown().await;
}

#[tokio::test]
async fn an_aws_failure_puts_the_integration_in_error() {
    // Nothing listens on port 1: every call fails to connect. No moto needed.
    let h = Harness::with(aws_config("http://127.0.0.1:1")).await;
    let api = h.admin().await;
    let id = api.create("eb", EB).await;
    put_config(&api, &id, properties("210987654321", "refused")).await;
    api.set_intended(&id, "ENABLED").await;
    let state = settle(&api, &id).await;
    assert_eq!(state["code"], "ERROR", "{state}");
    let message = state["detail"]["message"].as_str().unwrap();
    assert!(
        message.contains("CreatePartnerEventSource") && message.contains("127.0.0.1:1"),
        "{message}"
    );
    // Publishing finds no ACTIVE integration.
    let r = publish(&h, Some(json!({"integrationId": id}))).await;
    assert_eq!(r.status, 404);
    h.sim.shutdown().await;
}

#[tokio::test]
async fn publishing_needs_an_endpoint_and_valid_fields() {
    let h = Harness::start().await;
    let r = publish(&h, Some(json!({}))).await;
    r.assert_error(409, "eventbridge.not.configured");
    h.sim.shutdown().await;

    let h = Harness::with(aws_config("http://127.0.0.1:1")).await;
    for (body, what) in [
        (json!({"count": 0}), "count"),
        (json!({"topic": "v2.nope"}), "topic"),
        (json!({"eventBody": [1]}), "eventBody"),
        (json!({"colour": "red"}), "colour"),
    ] {
        publish(&h, Some(body))
            .await
            .assert_bad_request_naming(what);
    }
    // No ACTIVE integration and no filter: nothing to publish, and that is fine.
    let r = publish(&h, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["published"], 0);
    h.sim.shutdown().await;
}

/// Field name -> enum values.
type Enums = HashMap<String, Vec<String>>;

/// The catalogue's declared type of each top-level field of `template`, and its enums.
fn declared_fields(template: &str) -> (Vec<(String, Value)>, Enums) {
    let catalogue: Value =
        serde_json::from_str(include_str!("../../../../data/genesys-topics.json")).unwrap();
    let topic = catalogue["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == template)
        .unwrap();
    let fields = topic["eventBody"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let enums = serde_json::from_value(topic["enums"].clone()).unwrap_or_default();
    (fields, enums)
}

fn is_rfc3339(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| OffsetDateTime::parse(s, &Rfc3339).is_ok())
}

/// Checks one event as SQS received it: the real envelope, typed per the catalogue.
fn check_event(event: &Value, customer: &Customer, suffix: &str) {
    assert_eq!(event["source"], json!(source(suffix)), "{event}");
    assert_eq!(event["account"], json!(customer.account));
    assert_eq!(event["region"], REGION);
    let template = event["detail-type"].as_str().unwrap();
    assert!(template == TOPIC || template == SECOND_TOPIC, "{template}");
    let detail = &event["detail"];
    let topic_name = detail["topicName"].as_str().unwrap();
    let (t_parts, n_parts): (Vec<&str>, Vec<&str>) = (
        template.split('.').collect(),
        topic_name.split('.').collect(),
    );
    assert_eq!(t_parts.len(), n_parts.len(), "{topic_name}");
    for (t, n) in t_parts.iter().zip(&n_parts) {
        if *t == "{id}" {
            assert!(uuid::Uuid::parse_str(n).is_ok(), "{topic_name}");
        } else {
            assert_eq!(t, n);
        }
    }
    assert_eq!(detail["version"], "2");
    assert!(uuid::Uuid::parse_str(detail["metadata"]["CorrelationId"].as_str().unwrap()).is_ok());
    let ts = detail["timestamp"].as_str().unwrap();
    assert!(is_rfc3339(&detail["timestamp"]) && ts.len() == 24, "{ts}");
    let body = detail["eventBody"].as_object().unwrap();
    let (fields, enums) = declared_fields(template);
    assert_eq!(body.len(), fields.len());
    for (name, ty) in fields {
        let v = &body[&name];
        let ok = match ty.as_str() {
            Some("string") => v
                .as_str()
                .is_some_and(|s| enums.get(&name).is_none_or(|e| e.iter().any(|x| x == s))),
            Some("integer") => v.is_i64() || v.is_u64(),
            Some("number") => v.is_number(),
            Some("boolean") => v.is_boolean(),
            Some("date-time") => is_rfc3339(v),
            Some(_) => v.is_object(),
            None if ty.get("array").is_some() => v.as_array().is_some_and(|a| !a.is_empty()),
            None => v.is_object(),
        };
        assert!(ok, "{template} {name}: {ty} but {v}");
    }
}

#[tokio::test]
async fn published_events_reach_the_customer_queue() {
    let Some((_, customer, h, api)) = partner_on_moto().await else {
        return;
    };
    let id = active_integration(&api, &customer.account, "to-sqs").await;
    let queue = customer.bus_to_queue(&source("to-sqs")).await;
    assert_eq!(
        customer.source_state(&source("to-sqs")).await,
        Some(EventSourceState::Active)
    );

    let r = publish(&h, Some(json!({"integrationId": id, "count": 3}))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["published"], 3, "{}", r.body);
    assert_eq!(r.body["failed"], 0);
    let entries = r.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    // Round robin over the integration's two topics.
    assert_eq!(entries[0]["detailType"], TOPIC);
    assert_eq!(entries[1]["detailType"], SECOND_TOPIC);
    assert_eq!(entries[2]["detailType"], TOPIC);
    for e in entries {
        assert!(e["eventId"].is_string(), "{e}");
        assert_eq!(e["source"], json!(source("to-sqs")));
    }

    let events = customer.receive(&queue, 3, Duration::from_secs(20)).await;
    assert_eq!(events.len(), 3, "{events:?}");
    for event in &events {
        check_event(event, &customer, "to-sqs");
    }
    let mut sent: Vec<&str> = entries
        .iter()
        .map(|e| e["correlationId"].as_str().unwrap())
        .collect();
    let mut got: Vec<&str> = events
        .iter()
        .map(|e| e["detail"]["metadata"]["CorrelationId"].as_str().unwrap())
        .collect();
    sent.sort();
    got.sort();
    assert_eq!(sent, got);

    // A given body and topic are sent as they are.
    let body =
        json!({"suffix": "to-sqs", "topic": SECOND_TOPIC, "eventBody": {"action": "Update"}});
    assert_eq!(publish(&h, Some(body)).await.status, 200);
    let events = customer.receive(&queue, 1, Duration::from_secs(20)).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["detail-type"], SECOND_TOPIC);
    assert_eq!(
        events[0]["detail"]["eventBody"],
        json!({"action": "Update"})
    );
    h.sim.shutdown().await;
}

#[tokio::test]
async fn events_per_second_publishes_until_shutdown() {
    let Some(endpoint) = moto::endpoint() else {
        return;
    };
    let customer = Customer::new(&endpoint);
    let h = Harness::with(SimConfig {
        events_per_second: 5.0,
        ..aws_config(&endpoint)
    })
    .await;
    let api = h.admin().await;
    active_integration(&api, &customer.account, "steady").await;
    let queue = customer.bus_to_queue(&source("steady")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let events = customer.receive(&queue, 5, Duration::from_secs(10)).await;
    assert!(events.len() >= 3, "only {} events", events.len());
    for event in &events {
        check_event(event, &customer, "steady");
    }
    h.sim.shutdown().await;
    // Whatever was in flight lands; then nothing more comes.
    customer.receive(&queue, 100, Duration::from_secs(1)).await;
    let late = customer.receive(&queue, 1, Duration::from_secs(2)).await;
    assert!(late.is_empty(), "{} events after shutdown", late.len());
}

#[tokio::test]
async fn reset_deletes_the_sources_and_a_restart_recreates_them() {
    let Some(endpoint) = moto::endpoint() else {
        return;
    };
    let customer = Customer::new(&endpoint);
    let dir = tempfile::tempdir().unwrap();
    let config = SimConfig {
        state_file: Some(dir.path().join("state.json")),
        ..aws_config(&endpoint)
    };

    // A restart finds the ACTIVE integration and makes sure its source exists.
    let h = Harness::with(config.clone()).await;
    let api = h.admin().await;
    let id = active_integration(&api, &customer.account, "restart").await;
    drop(api);
    h.sim.shutdown().await;
    let partner = events_client(&endpoint, genesys_sim::DEFAULT_PARTNER_ACCOUNT);
    partner
        .delete_partner_event_source()
        .name(source("restart"))
        .account(&customer.account)
        .send()
        .await
        .unwrap();
    customer.wait_deleted(&source("restart")).await;
    let h = Harness::with(config).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while customer.source_state(&source("restart")).await != Some(EventSourceState::Pending) {
        assert!(Instant::now() < deadline, "the source did not come back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let api = h.admin().await;
    assert_eq!(settle(&api, &id).await["code"], "ACTIVE");

    // Reset forgets the integrations and deletes their sources.
    gcbridge_testkit::sim::reset(&h.base).await;
    customer.wait_deleted(&source("restart")).await;
    h.sim.shutdown().await;
}
