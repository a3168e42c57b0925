//! Publishing Genesys events to EventBridge as the partner: PutPartnerEvents for the
//! ACTIVE EventBridge integrations, in batches of at most 10 entries (the API's limit).
//!
//! Two ways in: [`publish`], behind `POST /sim/v1/events`, and [`spawn_rate_task`], the
//! background task of `events_per_second` (that many events per second for each ACTIVE
//! integration, its topics in turn), which the server aborts when it shuts down.
//!
//! Each entry: `Source` = the partner event source name, `DetailType` = the topic
//! template, `Detail` = the envelope of [`crate::event_factory::detail`], `Time` = now.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_eventbridge::error::ProvideErrorMetadata;
use aws_sdk_eventbridge::primitives::DateTime;
use aws_sdk_eventbridge::types::PutPartnerEventsRequestEntry;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::task::JoinHandle;

use crate::aws_partner::{describe, PartnerAws, SourceRef};
use crate::backend::catalogue::catalogue;
use crate::backend::lifecycle::Phase;
use crate::clock;
use crate::errors::ApiError;
use crate::event_factory;
use crate::state::Sim;

/// The most entries one PutPartnerEvents call takes.
pub const MAX_BATCH: usize = 10;
/// The most events one `POST /sim/v1/events` publishes per integration.
pub const MAX_COUNT: u64 = 1000;

/// An ACTIVE EventBridge integration, as the publisher needs it.
#[derive(Debug, Clone)]
pub struct Target {
    pub org_id: String,
    pub integration_id: String,
    pub source: SourceRef,
    /// Its `eventFilter` topics that the catalogue knows and EventBridge carries.
    pub topics: Vec<String>,
}

/// Every ACTIVE EventBridge integration of every org, in org then creation order.
pub fn active_targets(sim: &Sim) -> Vec<Target> {
    let now = clock::now();
    let delay = sim.config.activation_delay;
    sim.read(|b| {
        let mut out = Vec::new();
        for (org_id, org) in &b.orgs {
            for it in &org.integrations {
                if !it.is_eventbridge() || it.lifecycle.observe(now, delay).phase != Phase::Active {
                    continue;
                }
                let props = &it.config.properties;
                let Some(source) = SourceRef::from_properties(org_id, props) else {
                    continue;
                };
                let topics = props
                    .get("eventFilter")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .filter(|t| {
                                catalogue().get(t).is_some_and(|t| t.supports_eventbridge())
                            })
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Target {
                    org_id: org_id.clone(),
                    integration_id: it.id.clone(),
                    source,
                    topics,
                });
            }
        }
        out
    })
}

/// The body of `POST /sim/v1/events`; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishRequest {
    pub org_id: Option<String>,
    pub integration_id: Option<String>,
    pub suffix: Option<String>,
    pub topic: Option<String>,
    pub count: Option<u64>,
    pub event_body: Option<Value>,
}

/// One event to put: who it is for and what it says.
struct Planned {
    target: usize,
    topic: String,
    topic_name: String,
    correlation_id: String,
    detail: String,
}

/// What became of one entry.
struct Outcome {
    event_id: Option<String>,
    error: Option<(String, String)>,
}

fn not_configured() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::CONFLICT,
        "eventbridge.not.configured",
        "The emulator has no EventBridge endpoint: start it with --eventbridge-endpoint URL (sim.toml: eventbridge_endpoint).",
    )
}

/// `POST /sim/v1/events`: publishes `count` events (default 1) for each selected ACTIVE
/// integration (default all), its topics in turn unless `topic` names one, with a
/// generated body unless `eventBody` gives one. Answers what was published.
pub async fn publish(sim: &Sim, req: PublishRequest) -> Result<Value, ApiError> {
    let aws = sim.aws.clone().ok_or_else(not_configured)?;
    let count = req.count.unwrap_or(1);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(ApiError::bad_field(
            "count",
            format!("The field count must be from 1 to {MAX_COUNT}; got {count}."),
        ));
    }
    if let Some(t) = &req.topic {
        if catalogue().get(t).is_none() {
            return Err(ApiError::bad_field(
                "topic",
                format!("The field topic must be a topic template of the catalogue (see /api/v2/notifications/availabletopics); got '{t}'."),
            ));
        }
    }
    if let Some(body) = &req.event_body {
        if !body.is_object() {
            return Err(ApiError::bad_field(
                "eventBody",
                "The field eventBody must be an object.",
            ));
        }
    }
    let selected: Vec<Target> = active_targets(sim)
        .into_iter()
        .filter(|t| req.org_id.as_ref().is_none_or(|o| *o == t.org_id))
        .filter(|t| {
            req.integration_id
                .as_ref()
                .is_none_or(|i| *i == t.integration_id)
        })
        .filter(|t| {
            req.suffix
                .as_ref()
                .is_none_or(|s| t.source.name.ends_with(&format!("/{s}")))
        })
        .filter(|t| match &req.topic {
            Some(topic) => t.topics.contains(topic),
            None => !t.topics.is_empty(),
        })
        .collect();
    let filtered = req.org_id.is_some()
        || req.integration_id.is_some()
        || req.suffix.is_some()
        || req.topic.is_some();
    if selected.is_empty() && filtered {
        return Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not.found",
            "No ACTIVE EventBridge integration matches (orgId, integrationId, suffix, and topic among its eventFilter topics).",
        ));
    }
    let mut plans = Vec::new();
    for (i, target) in selected.iter().enumerate() {
        for n in 0..count as usize {
            let topic = match &req.topic {
                Some(t) => t.clone(),
                None => target.topics[n % target.topics.len()].clone(),
            };
            plans.push(plan(i, topic, req.event_body.clone()));
        }
    }
    let outcomes = put_all(&aws, &selected, &plans).await;
    Ok(report(&selected, &plans, &outcomes))
}

/// One event for `selected[target]` on `topic`.
fn plan(target: usize, topic: String, body: Option<Value>) -> Planned {
    let now = clock::now();
    let body = body.unwrap_or_else(|| match catalogue().get(&topic) {
        Some(t) => event_factory::event_body(t, &mut rand::rng(), now),
        None => json!({}),
    });
    let topic_name = event_factory::topic_name(&topic);
    let detail = event_factory::detail(&topic_name, body, now);
    Planned {
        target,
        correlation_id: detail["metadata"]["CorrelationId"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        detail: detail.to_string(),
        topic,
        topic_name,
    }
}

/// Puts every planned event: one PutPartnerEvents call per batch of at most
/// [`MAX_BATCH`] entries of the same integration. Returns one outcome per plan.
async fn put_all(aws: &PartnerAws, targets: &[Target], plans: &[Planned]) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(plans.len());
    let mut start = 0;
    while start < plans.len() {
        let target = plans[start].target;
        let end = (start + 1..plans.len())
            .find(|&i| plans[i].target != target || i - start == MAX_BATCH)
            .unwrap_or(plans.len());
        outcomes.extend(put_batch(aws, &targets[target].source, &plans[start..end]).await);
        start = end;
    }
    outcomes
}

async fn put_batch(aws: &PartnerAws, source: &SourceRef, batch: &[Planned]) -> Vec<Outcome> {
    let time = DateTime::from(std::time::SystemTime::now());
    let entries = batch
        .iter()
        .map(|p| {
            PutPartnerEventsRequestEntry::builder()
                .source(&source.name)
                .detail_type(&p.topic)
                .detail(&p.detail)
                .time(time)
                .build()
        })
        .collect();
    let sent = aws
        .client(&source.region)
        .put_partner_events()
        .set_entries(Some(entries))
        .send()
        .await;
    match sent {
        Ok(out) => {
            let results = out.entries();
            (0..batch.len())
                .map(|i| match results.get(i) {
                    Some(r) if r.error_code().is_none() => Outcome {
                        event_id: r.event_id().map(String::from),
                        error: None,
                    },
                    Some(r) => Outcome {
                        event_id: r.event_id().map(String::from),
                        error: Some((
                            r.error_code().unwrap_or_default().to_string(),
                            r.error_message().unwrap_or_default().to_string(),
                        )),
                    },
                    None => Outcome {
                        event_id: None,
                        error: Some((
                            "MissingResult".into(),
                            "PutPartnerEvents answered no entry for this event.".into(),
                        )),
                    },
                })
                .collect()
        }
        Err(e) => {
            let code = e.code().unwrap_or("RequestFailed").to_string();
            let message = describe("PutPartnerEvents", aws.endpoint(), &e);
            tracing::warn!(source = %source.name, "{message}");
            batch
                .iter()
                .map(|_| Outcome {
                    event_id: None,
                    error: Some((code.clone(), message.clone())),
                })
                .collect()
        }
    }
}

fn report(targets: &[Target], plans: &[Planned], outcomes: &[Outcome]) -> Value {
    let entries: Vec<Value> = plans
        .iter()
        .zip(outcomes)
        .map(|(p, o)| {
            let t = &targets[p.target];
            let mut e = json!({
                "orgId": t.org_id,
                "integrationId": t.integration_id,
                "source": t.source.name,
                "account": t.source.account,
                "region": t.source.region,
                "detailType": p.topic,
                "topicName": p.topic_name,
                "correlationId": p.correlation_id,
                "eventId": o.event_id,
            });
            if let Some((code, message)) = &o.error {
                e["errorCode"] = json!(code);
                e["errorMessage"] = json!(message);
            }
            e
        })
        .collect();
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    json!({
        "published": outcomes.len() - failed,
        "failed": failed,
        "entries": entries,
    })
}

/// Publishes `events_per_second` events per second for each ACTIVE EventBridge
/// integration until aborted. Ticks every 200 ms and carries fractions over, so rates
/// below one per tick come out right on average.
pub fn spawn_rate_task(sim: Arc<Sim>, events_per_second: f64) -> Option<JoinHandle<()>> {
    let aws = sim.aws.clone()?;
    if events_per_second <= 0.0 {
        return None;
    }
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(200));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = Instant::now();
        let mut due = 0.0_f64;
        // Next topic index per integration, so each one cycles through its topics.
        let mut next: HashMap<String, usize> = HashMap::new();
        loop {
            tick.tick().await;
            let elapsed = last.elapsed().as_secs_f64();
            last = Instant::now();
            // A slow endpoint must not pile up a burst: at most one second's worth.
            due = (due + events_per_second * elapsed).min(events_per_second.max(1.0));
            let n = due.floor() as usize;
            if n == 0 {
                continue;
            }
            due -= n as f64;
            let targets: Vec<Target> = active_targets(&sim)
                .into_iter()
                .filter(|t| !t.topics.is_empty())
                .collect();
            next.retain(|id, _| targets.iter().any(|t| t.integration_id == *id));
            let mut plans = Vec::new();
            for (i, t) in targets.iter().enumerate() {
                let k = next.entry(t.integration_id.clone()).or_default();
                for _ in 0..n {
                    plans.push(plan(i, t.topics[*k % t.topics.len()].clone(), None));
                    *k = (*k + 1) % t.topics.len();
                }
            }
            let outcomes = put_all(&aws, &targets, &plans).await;
            let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
            tracing::debug!(
                published = outcomes.len() - failed,
                failed,
                "events-per-second tick"
            );
        }
    }))
}
