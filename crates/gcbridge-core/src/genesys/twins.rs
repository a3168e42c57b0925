//! Twins: two or more live integrations that would each match the same destination, which is what
//! two runs that created it at the same time leave behind. One rule says which of them is the
//! destination and which are twins to remove; the plan (pure) and the apply after a create
//! (`settle`) both use it, so two runs that see the same listing keep the same integration.

use std::cmp::Ordering;

use super::change::{Change, ChangeKind, Step};
use super::live::LiveIntegration;
use crate::desired::Destination;
use crate::source_id::SourceId;

/// What the integrations of one destination have in common: configured for its identity, or not
/// configured yet and of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwinKey {
    pub name: String,
    pub source_id: SourceId,
}

impl TwinKey {
    pub fn of(d: &Destination) -> TwinKey {
        TwinKey::new(&d.name, d.source_id())
    }

    pub fn new(name: &str, source_id: SourceId) -> TwinKey {
        TwinKey {
            name: name.to_string(),
            source_id,
        }
    }

    /// Whether `l` would match this destination (the plan's identity and unfinished-create rules).
    pub fn matches(&self, l: &LiveIntegration) -> bool {
        self.configured_for(l) || (l.is_unconfigured() && l.name == self.name)
    }

    fn configured_for(&self, l: &LiveIntegration) -> bool {
        l.source_id().as_ref() == Some(&self.source_id)
    }

    /// The keeper order, a total order every run computes the same way from the same listing:
    /// configured for this destination first, then enabled first, then the smallest id (compared
    /// byte by byte; ids are unique, so no two integrations tie).
    pub fn keeper_order(&self, a: &LiveIntegration, b: &LiveIntegration) -> Ordering {
        let rank = |l: &LiveIntegration| (!self.configured_for(l), !l.enabled, l.id.clone());
        rank(a).cmp(&rank(b))
    }

    /// The one to keep among `candidates` (all matching this key), the first by [`Self::keeper_order`].
    pub fn keeper<'l>(
        &self,
        candidates: impl IntoIterator<Item = &'l LiveIntegration>,
    ) -> Option<&'l LiveIntegration> {
        candidates
            .into_iter()
            .min_by(|a, b| self.keeper_order(a, b))
    }
}

/// Whether integrations that share a name are twins of one destination: at most one identity
/// among them (the unconfigured ones have none). `delete NAME` removes twins together; it does
/// not choose between integrations that send to different partner event sources.
pub fn are_twins<'l>(same_name: impl IntoIterator<Item = &'l LiveIntegration>) -> bool {
    let identities: Vec<SourceId> = same_name
        .into_iter()
        .filter_map(LiveIntegration::source_id)
        .collect();
    identities.windows(2).all(|w| w[0] == w[1])
}

/// Removing `twin`, a second integration of destination `d` (whose keeper is `keeper_id`).
pub(super) fn remove_twin(d: &Destination, twin: &LiveIntegration, keeper_id: &str) -> Change {
    Change {
        name: d.name.clone(),
        kind: ChangeKind::RemoveTwin,
        integration_id: Some(twin.id.clone()),
        twin_of: Some(keeper_id.to_string()),
        resumes_unfinished_create: false,
        field_changes: vec![],
        topics_added: vec![],
        topics_removed: vec![],
        steps: vec![Step::Delete],
        desired: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::plan::tests as plan_tests;
    use crate::genesys::plan::{plan, topic_set};

    fn dest(name: &str) -> Destination {
        plan_tests::dest(name, name, &["t1"])
    }

    /// Unconfigured (and disabled) when `suffix` is `None`.
    fn live(id: &str, name: &str, suffix: Option<&str>, enabled: bool) -> LiveIntegration {
        LiveIntegration {
            id: id.into(),
            name: name.into(),
            enabled,
            config_version: Some(1),
            aws_account_id: suffix.map(|_| "123456789012".into()),
            aws_region: suffix.map(|_| "us-east-1".into()),
            event_source_suffix: suffix.map(String::from),
            topics: topic_set(["t1"]),
            ..LiveIntegration::default()
        }
    }

    fn kinds(p: &crate::genesys::plan::Plan) -> Vec<(ChangeKind, String)> {
        p.changes
            .iter()
            .map(|c| (c.kind, c.integration_id.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn the_keeper_is_configured_then_enabled_then_the_smallest_id() {
        let key = TwinKey::of(&dest("a"));
        let bare_small = live("1", "a", None, false);
        let bare_big = live("9", "a", None, false);
        let configured_off = live("5", "a", Some("a"), false);
        let configured_on = live("7", "other name", Some("a"), true);
        let all = [&bare_big, &configured_off, &bare_small, &configured_on];
        assert_eq!(key.keeper(all).unwrap().id, "7");
        assert_eq!(
            key.keeper([&bare_big, &configured_off, &bare_small])
                .unwrap()
                .id,
            "5"
        );
        assert_eq!(key.keeper([&bare_big, &bare_small]).unwrap().id, "1");
        // The order does not depend on the listing's order.
        assert_eq!(key.keeper([&bare_small, &bare_big]).unwrap().id, "1");
    }

    #[test]
    fn same_named_integrations_are_twins_when_they_share_one_identity_at_most() {
        let bare = live("1", "a", None, false);
        let to_a = live("2", "a", Some("a"), true);
        let to_a_too = live("3", "a", Some("a"), false);
        let to_b = live("4", "a", Some("b"), true);
        assert!(are_twins([&bare, &to_a, &to_a_too]));
        assert!(are_twins([&bare, &bare.clone()]));
        assert!(!are_twins([&bare, &to_a, &to_b]));
    }

    #[test]
    fn another_destinations_integrations_are_not_twins() {
        let key = TwinKey::of(&dest("a"));
        assert!(!key.matches(&live("1", "b", None, false)));
        assert!(!key.matches(&live("2", "a", Some("other"), true)));
        assert!(key.matches(&live("3", "renamed", Some("a"), true)));
    }

    #[test]
    fn unconfigured_twins_of_a_configured_destination_are_a_change() {
        let p = plan(
            &[dest("a")],
            &[
                live("b2", "a", None, false),
                live("c3", "a", Some("a"), true),
                live("a1", "a", None, false),
            ],
            false,
        );
        assert!(p.has_changes());
        assert_eq!(
            kinds(&p),
            vec![
                (ChangeKind::Unchanged, "c3".into()),
                (ChangeKind::RemoveTwin, "a1".into()),
                (ChangeKind::RemoveTwin, "b2".into()),
            ]
        );
        assert!(p.changes[1..]
            .iter()
            .all(|c| c.steps == [Step::Delete] && c.twin_of.as_deref() == Some("c3")));
        assert!(p.unmanaged.is_empty());
    }

    #[test]
    fn two_unfinished_creates_keep_the_smallest_id_and_resume_it() {
        let p = plan(
            &[dest("a")],
            &[live("zz", "a", None, false), live("aa", "a", None, false)],
            false,
        );
        assert_eq!(
            kinds(&p),
            vec![
                (ChangeKind::Update, "aa".into()),
                (ChangeKind::RemoveTwin, "zz".into()),
            ]
        );
        assert!(p.changes[0].resumes_unfinished_create);
    }

    #[test]
    fn two_configured_for_the_same_source_keep_the_enabled_one() {
        let p = plan(
            &[dest("a")],
            &[
                live("1", "a", Some("a"), false),
                live("2", "a", Some("a"), true),
            ],
            false,
        );
        assert_eq!(
            kinds(&p),
            vec![
                (ChangeKind::Unchanged, "2".into()),
                (ChangeKind::RemoveTwin, "1".into()),
            ]
        );
    }
}
