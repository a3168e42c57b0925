//! Synthetic events against their schemas, the real samples in data/sample-events, and the events
//! the emulator publishes (through moto to an SQS queue): same envelope keys, same JSON types.
//! The emulator test needs moto (scripts/with-moto).

use std::time::{Duration, Instant};

use gcbridge_core::events::{event_schema, Origin, Sampler, SchemaFormat};
use gcbridge_core::topics::Catalogue;
use gcbridge_testkit::moto::sdk_config;
use gcbridge_testkit::{sim, sqs};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{moto, REGION};
use crate::converge::{converged, BothHalves};

const REAL: [(&str, &str); 2] = [
    (
        "v2.audits.entitytype.{id}.entityid.{id}",
        include_str!("../../../../data/sample-events/audit-user-presence.json"),
    ),
    (
        "v2.detail.events.conversation.{id}.customer.start",
        include_str!("../../../../data/sample-events/conversation-customer-start.json"),
    ),
];

fn validator(topic: &str, format: SchemaFormat) -> jsonschema::Validator {
    let mut schema = event_schema(topic, format).expect("a catalogue topic");
    if format == SchemaFormat::OpenApi {
        // The event is components.schemas.AWSEvent; its $refs point into the same document.
        schema["$ref"] = json!("#/components/schemas/AWSEvent");
    }
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// The JSON types of a document, keys kept: what two producers of one envelope must agree on.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), shape(v))).collect()),
        Value::Array(a) => json!([a.first().map(shape)]),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("boolean"),
        Value::Null => json!("null"),
    }
}

/// The shape of the envelope and detail, the body left out.
fn envelope_shape(e: &Value) -> Value {
    let mut s = shape(e);
    s["detail"]["eventBody"] = json!("body");
    s
}

#[test]
fn every_sample_of_every_topic_validates_against_its_schema_in_both_formats() {
    let topics: Vec<String> = Catalogue::embedded().all().map(|t| t.id.clone()).collect();
    let events = Sampler::seeded(42).events(&topics, 2, &Origin::default());
    for (i, e) in events.iter().enumerate() {
        let topic = &topics[i % topics.len()];
        for format in [SchemaFormat::JsonSchema, SchemaFormat::OpenApi] {
            let v = validator(topic, format);
            let errors: Vec<String> = v.iter_errors(e).map(|x| x.to_string()).collect();
            assert!(errors.is_empty(), "{topic} ({format:?}): {errors:?}\n{e}");
        }
    }
}

#[test]
fn the_real_samples_validate_and_match_the_synthetic_envelope() {
    for (topic, text) in REAL {
        let real: Value = serde_json::from_str(text).unwrap();
        assert!(
            validator(topic, SchemaFormat::JsonSchema).is_valid(&real),
            "{topic}"
        );
        assert!(
            validator(topic, SchemaFormat::OpenApi).is_valid(&real),
            "{topic}"
        );
        let ours = Sampler::seeded(1).event(topic, &Origin::default());
        assert_eq!(envelope_shape(&real), envelope_shape(&ours), "{topic}");
        // Real bodies omit empty fields; every field they hold has the sample's type.
        let ours_body = shape(&ours["detail"]["eventBody"]);
        for (k, v) in real["detail"]["eventBody"].as_object().unwrap() {
            let want = &ours_body[k];
            if v.is_object() {
                assert!(want.is_object(), "{topic} {k}");
            } else {
                assert_eq!(&shape(v), want, "{topic} {k}");
            }
        }
    }
}

#[test]
fn a_broken_event_does_not_validate() {
    let topic = "v2.detail.events.conversation.{id}.customer.start";
    let v = validator(topic, SchemaFormat::JsonSchema);
    let good = Sampler::seeded(3).event(topic, &Origin::default());
    assert!(v.is_valid(&good));
    let mut bad = good.clone();
    bad["detail"]["eventBody"]["eventTime"] = json!("yesterday");
    assert!(!v.is_valid(&bad), "eventTime must be an integer");
    let mut bad = good.clone();
    bad["detail-type"] = json!("v2.users.{id}.presence");
    assert!(!v.is_valid(&bad), "detail-type is the topic");
    let mut bad = good;
    bad["detail"]["eventBody"]["mediaType"] = json!("CARRIER_PIGEON");
    assert!(!v.is_valid(&bad), "mediaType is an enum");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulators_published_events_have_the_samples_envelope_and_body() {
    let Some(moto) = moto() else {
        return;
    };
    let BothHalves {
        _sim, base, name, ..
    } = converged(&moto, "events").await;
    let start = Instant::now();
    while !sim::integrations(&base)
        .await
        .iter()
        .any(|i| i["name"] == Value::String(name.clone()) && i["reportedState"]["code"] == "ACTIVE")
    {
        assert!(start.elapsed() < Duration::from_secs(15), "never ACTIVE");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = json!({ "suffix": name, "count": 3 });
    sim::api(Method::POST, &base, "/sim/v1/events", None, Some(&body)).await;
    let queue = sqs_url(&moto, &name).await;
    let sqs_client = aws_sdk_sqs::Client::new(&sdk_config(&moto, REGION).await);
    let got = sqs::drain(&sqs_client, &queue, 3, Duration::from_secs(10)).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let topic = "v2.users.{id}.presence";
    let v = validator(topic, SchemaFormat::JsonSchema);
    for e in &got {
        let origin = Origin {
            source: e["source"].as_str().unwrap().to_string(),
            account: e["account"].as_str().unwrap().to_string(),
            region: REGION.to_string(),
        };
        let ours = Sampler::seeded(9).event(topic, &origin);
        assert_eq!(shape(e), shape(&ours), "emulator vs sample:\n{e}\n{ours}");
        assert!(v.is_valid(e), "{e}");
    }
}

async fn sqs_url(moto: &str, name: &str) -> String {
    let sqs = aws_sdk_sqs::Client::new(&sdk_config(moto, REGION).await);
    let out = sqs
        .get_queue_url()
        .queue_name(format!("q-{name}"))
        .send()
        .await;
    out.expect("the queue aws_half made")
        .queue_url()
        .unwrap()
        .to_string()
}
