//! The topic catalogue: which notification topics exist and which of them EventBridge carries.
//!
//! At plan time the catalogue comes from the live org (`notifications/availabletopics`), so a topic
//! Genesys adds or retires is seen at once. An embedded copy (the public SDKs' topic list) serves
//! offline validation, where no org is reachable.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::families::Family;

/// The transport name Genesys lists for topics that can be sent to EventBridge.
const EVENTBRIDGE_TRANSPORT: &str = "EventBridge";

pub(crate) static EMBEDDED_JSON: &str = include_str!("../../../../data/genesys-topics.json");

/// One topic template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    pub id: String,
    pub description: Option<String>,
    /// Whether the EventBridge transport carries this topic.
    pub eventbridge: bool,
}

/// Every known topic template, by id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    topics: BTreeMap<String, TopicInfo>,
    /// The families of these topics, computed on first use: every destination of a file expands its
    /// selectors against the same catalogue, and recomputing them per destination made a file of
    /// thousands of destinations slow.
    families: OnceLock<Vec<Family>>,
}

impl Catalogue {
    /// The topic families of this catalogue: the curated ones, then one per area of the catalogue.
    pub fn families(&self) -> &[Family] {
        self.families.get_or_init(|| {
            let ids: Vec<&str> = self.eventbridge_topics().map(|t| t.id.as_str()).collect();
            super::families::families(&ids)
        })
    }

    /// Builds the catalogue from the live `availabletopics` listing: (id, description, transports).
    pub fn from_live<'a>(
        topics: impl IntoIterator<Item = (&'a str, Option<&'a str>, &'a [String])>,
    ) -> Self {
        let topics = topics
            .into_iter()
            .map(|(id, description, transports)| {
                let eventbridge = transports.iter().any(|tr| {
                    tr.eq_ignore_ascii_case(EVENTBRIDGE_TRANSPORT) || tr.eq_ignore_ascii_case("All")
                });
                let info = TopicInfo {
                    id: id.to_string(),
                    description: description.map(String::from),
                    eventbridge,
                };
                (id.to_string(), info)
            })
            .collect();
        Catalogue {
            topics,
            families: OnceLock::new(),
        }
    }

    /// The catalogue shipped with gcbridge, for checks made without an org.
    pub fn embedded() -> Self {
        let doc: serde_json::Value = serde_json::from_str(EMBEDDED_JSON)
            .expect("the embedded topic catalogue is valid JSON");
        let topics = doc["topics"]
            .as_array()
            .expect("the embedded topic catalogue has a topics array")
            .iter()
            .filter_map(|t| t["id"].as_str())
            .map(|id| {
                let info = TopicInfo {
                    id: id.to_string(),
                    description: None,
                    // v2.system.* are WebSocket control messages, not event data.
                    eventbridge: !id.starts_with("v2.system."),
                };
                (id.to_string(), info)
            })
            .collect();
        Catalogue {
            topics,
            families: OnceLock::new(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&TopicInfo> {
        self.topics.get(id)
    }

    pub fn len(&self) -> usize {
        self.topics.len()
    }

    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    /// Every topic, sorted by id.
    pub fn all(&self) -> impl Iterator<Item = &TopicInfo> {
        self.topics.values()
    }

    /// The topics EventBridge carries, sorted by id.
    pub fn eventbridge_topics(&self) -> impl Iterator<Item = &TopicInfo> {
        self.topics.values().filter(|t| t.eventbridge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_has_every_topic_and_excludes_system_ones_from_eventbridge() {
        let c = Catalogue::embedded();
        assert_eq!(c.len(), 237);
        assert!(
            c.get("v2.detail.events.conversation.{id}.customer.start")
                .unwrap()
                .eventbridge
        );
        assert!(!c.get("v2.system.socket_closing").unwrap().eventbridge);
        assert_eq!(c.eventbridge_topics().count(), 233);
    }
}
