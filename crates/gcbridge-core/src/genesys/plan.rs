//! The plan: how the live org differs from the desired destinations, and the steps that close the gap.
//!
//! Pure: no I/O. Matching follows the identity rules of the design: a live integration is the
//! destination with the same (account, region, suffix); one created but never configured is
//! matched by name, so a run that died after the create is resumed instead of duplicated. When
//! several match one destination (two runs created it at once), one is kept and the others are
//! twins to remove (`twins`).

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;

pub use super::change::{Change, ChangeKind, FieldChange, Step};
use super::live::LiveIntegration;
use super::twins::{remove_twin, TwinKey};
use crate::desired::Destination;

/// The plan for one org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub changes: Vec<Change>,
    /// Live EventBridge integrations the desired state does not list and that are left alone
    /// (without `--prune`).
    pub unmanaged: Vec<Unmanaged>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmanaged {
    pub id: String,
    pub name: String,
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(Change::is_change)
    }

    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// Compares `desired` with `live` (EventBridge integrations only). With `prune`, live integrations
/// that no destination claims are deleted; without it they are reported as unmanaged.
pub fn plan(desired: &[Destination], live: &[LiveIntegration], prune: bool) -> Plan {
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut matches: Vec<Option<(&LiveIntegration, Match)>> = vec![None; desired.len()];

    // Passes 1 and 2: identity, then a half-made create of an earlier run by name. When several
    // match (two runs created the destination at once), one is kept and the others are twins.
    let mut twins = Vec::new();
    for (i, d) in desired.iter().enumerate() {
        let key = TwinKey::of(d);
        let candidates: Vec<&LiveIntegration> = live
            .iter()
            .filter(|l| !claimed.contains(l.id.as_str()) && key.matches(l))
            .collect();
        let Some(keeper) = key.keeper(candidates.iter().copied()) else {
            continue;
        };
        let how = match keeper.source_id() {
            Some(_) => Match::Identity,
            None => Match::Unfinished,
        };
        matches[i] = Some((keeper, how));
        for l in candidates {
            claimed.insert(&l.id);
            if l.id != keeper.id {
                twins.push((d, l, keeper.id.as_str()));
            }
        }
    }
    // Pass 3: same name, other identity: the user changed account, region or suffix.
    for (i, d) in desired.iter().enumerate() {
        if matches[i].is_some() {
            continue;
        }
        let found = live
            .iter()
            .find(|l| !claimed.contains(l.id.as_str()) && l.name == d.name);
        if let Some(l) = found {
            claimed.insert(&l.id);
            matches[i] = Some((l, Match::Renamed));
        }
    }

    let mut changes: Vec<Change> = desired
        .iter()
        .zip(matches)
        .map(|(d, m)| match m {
            None => create(d),
            Some((l, how)) => diff(d, l, how),
        })
        .collect();
    twins.sort_by(|a, b| a.1.id.cmp(&b.1.id));
    changes.extend(twins.into_iter().map(|(d, l, k)| remove_twin(d, l, k)));

    let mut unmanaged = Vec::new();
    for l in live.iter().filter(|l| !claimed.contains(l.id.as_str())) {
        if prune {
            changes.push(delete(l));
        } else {
            unmanaged.push(Unmanaged {
                id: l.id.clone(),
                name: l.name.clone(),
            });
        }
    }
    Plan { changes, unmanaged }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Identity,
    Unfinished,
    Renamed,
}

fn create(d: &Destination) -> Change {
    let mut steps = vec![Step::Create, Step::PutConfig];
    if d.enabled {
        steps.push(Step::Enable);
    }
    Change {
        name: d.name.clone(),
        kind: ChangeKind::Create,
        integration_id: None,
        twin_of: None,
        resumes_unfinished_create: false,
        field_changes: vec![],
        topics_added: d.topics.iter().cloned().collect(),
        topics_removed: vec![],
        steps,
        desired: Some(d.clone()),
    }
}

/// Deleting a live integration (`--prune`, `destroy`).
pub(super) fn delete(l: &LiveIntegration) -> Change {
    Change {
        name: l.name.clone(),
        kind: ChangeKind::Delete,
        integration_id: Some(l.id.clone()),
        twin_of: None,
        resumes_unfinished_create: false,
        field_changes: vec![],
        topics_added: vec![],
        topics_removed: l.topics.iter().cloned().collect(),
        steps: vec![Step::Delete],
        desired: None,
    }
}

fn show(v: Option<&str>) -> String {
    v.map(|s| format!("\"{s}\""))
        .unwrap_or_else(|| "(none)".into())
}

fn diff(d: &Destination, l: &LiveIntegration, how: Match) -> Change {
    let mut fields = Vec::new();
    let mut push = |field: &str, from: String, to: String| {
        if from != to {
            fields.push(FieldChange {
                field: field.into(),
                from,
                to,
            });
        }
    };
    push("name", show(Some(&l.name)), show(Some(&d.name)));
    push(
        "description",
        show(l.notes.as_deref()),
        show(d.description.as_deref()),
    );
    push(
        "aws_account_id",
        show(l.aws_account_id.as_deref()),
        show(Some(&d.aws_account_id)),
    );
    push(
        "aws_region",
        show(l.aws_region.as_deref()),
        show(Some(&d.aws_region)),
    );
    push(
        "event_source_suffix",
        show(l.event_source_suffix.as_deref()),
        show(Some(&d.event_source_suffix)),
    );
    let config_fields_changed = !fields.is_empty();
    let added: Vec<String> = d.topics.difference(&l.topics).cloned().collect();
    let removed: Vec<String> = l.topics.difference(&d.topics).cloned().collect();
    let state_of = |on: bool| if on { "enabled" } else { "disabled" }.to_string();
    if l.enabled != d.enabled {
        fields.push(FieldChange {
            field: "enabled".into(),
            from: state_of(l.enabled),
            to: state_of(d.enabled),
        });
    }

    let mut steps = Vec::new();
    if config_fields_changed || !added.is_empty() || !removed.is_empty() {
        steps.push(Step::PutConfig);
    }
    match (l.enabled, d.enabled) {
        (false, true) => steps.push(Step::Enable),
        (true, false) => steps.push(Step::Disable),
        _ => {}
    }
    let kind = if steps.is_empty() {
        ChangeKind::Unchanged
    } else if how == Match::Renamed {
        ChangeKind::Replace
    } else {
        ChangeKind::Update
    };
    // An unfinished create shows its config as going from nothing to the desired values; the
    // field list would only repeat them, so keep the topics and the state.
    if how == Match::Unfinished {
        fields.retain(|f| f.field == "enabled" || f.field == "description");
    }
    Change {
        name: d.name.clone(),
        kind,
        integration_id: Some(l.id.clone()),
        twin_of: None,
        resumes_unfinished_create: how == Match::Unfinished,
        field_changes: fields,
        topics_added: added,
        topics_removed: removed,
        steps,
        desired: Some(d.clone()),
    }
}

/// Topics as a sorted set, for comparisons in tests and callers.
pub fn topic_set<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> BTreeSet<String> {
    items.into_iter().map(Into::into).collect()
}

/// The plan's unit tests, and their fixtures (the twin settlement's tests use them too).
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::diagnostic::Origin;

    /// A destination of account 123456789012 in us-east-1, enabled, with no AWS half.
    pub(crate) fn dest(name: &str, suffix: &str, topics: &[&str]) -> Destination {
        Destination {
            name: name.into(),
            description: None,
            enabled: true,
            aws_account_id: "123456789012".into(),
            aws_region: "us-east-1".into(),
            event_source_suffix: suffix.into(),
            topics: topic_set(topics.iter().copied()),
            origin: Origin::Flag,
            aws: None,
        }
    }

    fn live(
        id: &str,
        name: &str,
        suffix: Option<&str>,
        topics: &[&str],
        enabled: bool,
    ) -> LiveIntegration {
        LiveIntegration {
            id: id.into(),
            name: name.into(),
            notes: None,
            enabled,
            reported_code: None,
            reported_detail: None,
            config_version: Some(2),
            aws_account_id: suffix.map(|_| "123456789012".into()),
            aws_region: suffix.map(|_| "us-east-1".into()),
            event_source_suffix: suffix.map(String::from),
            topics: topic_set(topics.iter().copied()),
        }
    }

    #[test]
    fn nothing_live_means_create_with_all_steps() {
        let p = plan(&[dest("a", "a", &["t1"])], &[], false);
        assert_eq!(p.changes[0].kind, ChangeKind::Create);
        assert_eq!(
            p.changes[0].steps,
            vec![Step::Create, Step::PutConfig, Step::Enable]
        );
    }

    #[test]
    fn identical_live_is_unchanged_even_with_another_name_order_of_topics() {
        let p = plan(
            &[dest("a", "a", &["t2", "t1"])],
            &[live("1", "a", Some("a"), &["t1", "t2"], true)],
            false,
        );
        assert_eq!(p.changes[0].kind, ChangeKind::Unchanged);
        assert!(!p.has_changes());
        assert!(p.changes[0].steps.is_empty());
    }

    #[test]
    fn topic_and_state_changes_are_itemised() {
        let p = plan(
            &[dest("a", "a", &["t1", "t3"])],
            &[live("1", "a", Some("a"), &["t1", "t2"], false)],
            false,
        );
        let c = &p.changes[0];
        assert_eq!(c.kind, ChangeKind::Update);
        assert_eq!(c.topics_added, vec!["t3"]);
        assert_eq!(c.topics_removed, vec!["t2"]);
        assert_eq!(c.steps, vec![Step::PutConfig, Step::Enable]);
        assert_eq!(c.field_changes[0].field, "enabled");
    }

    #[test]
    fn an_unfinished_create_is_resumed_not_duplicated() {
        let p = plan(
            &[dest("a", "a", &["t1"])],
            &[live("1", "a", None, &[], false)],
            false,
        );
        let c = &p.changes[0];
        assert!(c.resumes_unfinished_create);
        assert_eq!(c.integration_id.as_deref(), Some("1"));
        assert_eq!(c.steps, vec![Step::PutConfig, Step::Enable]);
    }

    #[test]
    fn a_changed_suffix_under_the_same_name_is_a_replace() {
        let p = plan(
            &[dest("a", "new", &["t1"])],
            &[live("1", "a", Some("old"), &["t1"], true)],
            false,
        );
        let c = &p.changes[0];
        assert_eq!(c.kind, ChangeKind::Replace);
        assert!(c
            .field_changes
            .iter()
            .any(|f| f.field == "event_source_suffix"));
    }

    #[test]
    fn unlisted_integrations_are_left_alone_unless_pruning() {
        let l = [live("9", "other", Some("other"), &["t1"], true)];
        let p = plan(&[], &l, false);
        assert!(p.changes.is_empty());
        assert_eq!(p.unmanaged.len(), 1);
        let p = plan(&[], &l, true);
        assert_eq!(p.changes[0].kind, ChangeKind::Delete);
        assert_eq!(p.changes[0].steps, vec![Step::Delete]);
    }

    #[test]
    fn a_renamed_destination_with_the_same_identity_is_an_update() {
        let p = plan(
            &[dest("b", "a", &["t1"])],
            &[live("1", "a", Some("a"), &["t1"], true)],
            false,
        );
        assert_eq!(p.changes[0].kind, ChangeKind::Update);
        assert_eq!(p.changes[0].field_changes[0].field, "name");
    }
}
