//! Topic families: short names (`conversation`, `user`, `routing`, ...) for groups of topics.
//!
//! A few families are curated because the natural name spans several prefixes (conversation events
//! live under `v2.detail.events.conversation` and `v2.conversations`). Every other family is the
//! second segment of the topic id (`v2.outbound.*` is `outbound`), so a new area Genesys adds to the
//! catalogue becomes a family without a release of gcbridge.

use std::collections::BTreeMap;

use super::glob;

/// A named group of topics, defined by glob patterns over the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    pub name: String,
    pub description: String,
    pub patterns: Vec<String>,
}

impl Family {
    /// Whether `topic` belongs to this family.
    pub fn contains(&self, topic: &str) -> bool {
        self.patterns.iter().any(|p| glob::matches(p, topic))
    }
}

/// Curated families: (name, description, patterns).
const CURATED: &[(&str, &str, &[&str])] = &[
    (
        "conversation",
        "conversation detail events (start, end, wrap-up, ...) and conversation-scoped topics",
        &["v2.detail.events.conversation.*", "v2.conversations.*"],
    ),
    (
        "user",
        "per-user topics: presence, routing status, activity, the user's conversations",
        &["v2.users.*"],
    ),
    (
        "agent",
        "agent detail events",
        &["v2.detail.events.agent.*"],
    ),
    (
        "routing",
        "routing: queues, their members and conversations",
        &["v2.routing.*"],
    ),
    (
        "queue",
        "queue topics: queue conversations, members, observations and activity",
        &["v2.routing.queues.*", "v2.analytics.queues.*"],
    ),
    ("audit", "audit log events", &["v2.audits.*"]),
    (
        "wfm",
        "workforce management: schedules, adherence, business and management units",
        &[
            "v2.workforcemanagement.*",
            "v2.managementunits.*",
            "v2.businessunits.*",
            "v2.users.*.workforcemanagement.*",
        ],
    ),
];

/// The families part of `gcbridge topics --help`, written from the curated table so the two
/// cannot drift.
pub fn families_help() -> String {
    let width = CURATED
        .iter()
        .map(|(name, _, _)| name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::from(
        "Families (use them with --family, --event-types, or in a config file's event_types):\n",
    );
    for (name, _, patterns) in CURATED {
        let list = match patterns.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        out.push_str(&format!("  {name:<width$}  {list}\n"));
    }
    out.push_str(
        "  and one per area of the catalogue: analytics, outbound, telephony, journey, externalcontacts, ...\n  \
         (`gcbridge topics --family NAME` with an unknown name lists them all).\n\
         Globs: * matches any text (dots included), ? one character, {id} is literal: 'v2.users.{id}.*'.",
    );
    out
}

/// Every family available for a catalogue whose EventBridge topics are `eventbridge_ids`: the
/// curated ones, then one per second id segment. (`Catalogue::families` keeps the result.)
pub(super) fn families(eventbridge_ids: &[&str]) -> Vec<Family> {
    let mut out: BTreeMap<String, Family> = CURATED
        .iter()
        .map(|(name, description, patterns)| {
            let family = Family {
                name: name.to_string(),
                description: description.to_string(),
                patterns: patterns.iter().map(|p| p.to_string()).collect(),
            };
            (name.to_string(), family)
        })
        .collect();
    for id in eventbridge_ids {
        let mut parts = id.split('.');
        let (Some("v2"), Some(segment)) = (parts.next(), parts.next()) else {
            continue;
        };
        if segment.contains('{') || segment == "detail" {
            continue;
        }
        out.entry(segment.to_string()).or_insert_with(|| Family {
            name: segment.to_string(),
            description: format!("every v2.{segment}.* topic"),
            patterns: vec![format!("v2.{segment}.*")],
        });
    }
    // Families that match nothing in this catalogue would only confuse.
    out.into_values()
        .filter(|f| eventbridge_ids.iter().any(|id| f.contains(id)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topics::Catalogue;

    #[test]
    fn the_help_names_every_curated_family_and_its_patterns() {
        let help = families_help();
        for (name, _, patterns) in CURATED {
            assert!(help.contains(&format!("  {name} ")), "{name}: {help}");
            for p in *patterns {
                assert!(help.contains(p), "{p}: {help}");
            }
        }
    }

    #[test]
    fn curated_and_automatic_families_cover_the_catalogue() {
        let c = Catalogue::embedded();
        let fams = c.families();
        let names: Vec<&str> = fams.iter().map(|f| f.name.as_str()).collect();
        for expected in [
            "conversation",
            "user",
            "routing",
            "queue",
            "audit",
            "outbound",
            "analytics",
        ] {
            assert!(
                names.contains(&expected),
                "missing family {expected}: {names:?}"
            );
        }
        // v2.system.* is not event data, so no "system" family.
        assert!(!names.contains(&"system"));
        let conversation = fams.iter().find(|f| f.name == "conversation").unwrap();
        let count = c
            .eventbridge_topics()
            .filter(|t| conversation.contains(&t.id))
            .count();
        assert_eq!(count, 24);
    }
}
