//! The EventBridge envelope of a Genesys event, as it arrives on the partner bus:
//! `version`, `id`, `detail-type` (the topic template), `source` (the partner event source name),
//! `account`, `time`, `region`, `resources`, and `detail` =
//! `{topicName, version: "2", eventBody, metadata: {CorrelationId}, timestamp}`.
//!
//! Written against data/sample-events (real events), not against the emulator's publisher: a test
//! holds the two to each other, which only means something while they share no code.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::body::BodyMaker;
use super::ids::uuid;
use super::model::model;
use super::time::{self, iso_millis, iso_seconds, Millis};

/// The placeholder of topic templates.
const ID: &str = "{id}";

/// Where an event is said to come from: the envelope's `source`, `account` and `region`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub source: String,
    pub account: String,
    pub region: String,
}

impl Default for Origin {
    /// An illustrative partner source (the all-zero org and the suffix `gcbridge-sample`).
    fn default() -> Self {
        Origin {
            source: crate::partner_event_source_name(
                "00000000-0000-4000-8000-000000000000",
                "gcbridge-sample",
            ),
            account: "123456789012".into(),
            region: "us-east-1".into(),
        }
    }
}

/// Builds events; seeded, the same seed gives the same events (ids, bodies and times).
pub struct Sampler {
    rng: StdRng,
    /// The clock of seeded samples; None: the wall clock.
    clock: Option<Millis>,
}

impl Sampler {
    pub fn seeded(seed: u64) -> Sampler {
        Sampler {
            rng: StdRng::seed_from_u64(seed),
            clock: Some(time::SEEDED_EPOCH),
        }
    }

    /// Fresh ids and the current time.
    pub fn random() -> Sampler {
        Sampler {
            rng: StdRng::from_os_rng(),
            clock: None,
        }
    }

    /// One event of `topic` (a template of the bundled catalogue; any other gets an empty body).
    pub fn event(&mut self, topic: &str, origin: &Origin) -> Value {
        let now = match &mut self.clock {
            Some(c) => {
                *c += self.rng.random_range(1..2000);
                *c
            }
            None => time::now(),
        };
        let (topic_name, topic_ids) = self.concrete(topic);
        let body = match model(topic) {
            Some(model) => BodyMaker {
                rng: &mut self.rng,
                now,
                model,
                topic_ids: &topic_ids,
            }
            .body(),
            None => json!({}),
        };
        json!({
            "version": "0",
            "id": uuid(&mut self.rng),
            "detail-type": topic,
            "source": origin.source,
            "account": origin.account,
            // EventBridge stamps the envelope a little after Genesys stamps the detail.
            "time": iso_seconds(now + 300),
            "region": origin.region,
            "resources": [],
            "detail": {
                "topicName": topic_name,
                "version": "2",
                "eventBody": body,
                "metadata": {"CorrelationId": uuid(&mut self.rng)},
                "timestamp": iso_millis(now),
            }
        })
    }

    /// `count` events of each topic, the topics in turn.
    pub fn events(&mut self, topics: &[String], count: usize, origin: &Origin) -> Vec<Value> {
        (0..count)
            .flat_map(|_| topics.iter())
            .map(|t| self.event(t, origin))
            .collect::<Vec<_>>()
    }

    /// The topic name with each `{id}` a new id, and those ids by the body field naming them
    /// (`users.{id}` -> `userId`).
    fn concrete(&mut self, template: &str) -> (String, BTreeMap<String, String>) {
        let mut ids = BTreeMap::new();
        let mut parts = template.split(ID);
        let mut out = parts.next().unwrap_or_default().to_string();
        for part in parts {
            let id = uuid(&mut self.rng);
            if let Some(seg) = out.trim_end_matches('.').rsplit('.').next() {
                let noun = seg.strip_suffix('s').unwrap_or(seg);
                ids.entry(format!("{noun}Id")).or_insert_with(|| id.clone());
            }
            out.push_str(&id);
            out.push_str(part);
        }
        (out, ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_samples_repeat_and_carry_the_topic_ids_in_the_body() {
        let t = vec!["v2.users.{id}.presence".to_string()];
        let a = Sampler::seeded(7).events(&t, 2, &Origin::default());
        let b = Sampler::seeded(7).events(&t, 2, &Origin::default());
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        let c = &Sampler::seeded(1).event(
            "v2.detail.events.conversation.{id}.customer.start",
            &Origin::default(),
        )["detail"];
        let name = c["topicName"].as_str().unwrap();
        let id = c["eventBody"]["conversationId"].as_str().unwrap();
        assert_eq!(
            name,
            format!("v2.detail.events.conversation.{id}.customer.start")
        );
    }
}
