//! The plan as a human reads it: one block per destination, fields and topics itemised.

use std::fmt::Write;

use gcbridge_core::{partner_event_source_name, Destination};
use gcbridge_core::{Change, ChangeKind, Plan};

/// Renders the plan of one org.
pub fn render(org_label: &str, org_id: &str, plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Org {org_label}");
    for c in &plan.changes {
        render_change(&mut s, c, org_id);
    }
    for u in &plan.unmanaged {
        let _ = writeln!(
            s,
            "  ? unmanaged  {} ({}): an EventBridge integration the desired state does not list; left alone (--prune deletes it)",
            u.name, u.id
        );
    }
    if plan.changes.is_empty() && plan.unmanaged.is_empty() {
        let _ = writeln!(s, "  (no destinations)");
    }
    s
}

fn render_change(s: &mut String, c: &Change, org_id: &str) {
    let (mark, word) = match c.kind {
        ChangeKind::Create => ("+", "create"),
        ChangeKind::Update => ("~", "update"),
        ChangeKind::Replace => ("-/+", "replace"),
        ChangeKind::Unchanged => ("=", "unchanged"),
        ChangeKind::Delete => ("-", "delete"),
    };
    let id = c
        .integration_id
        .as_deref()
        .map(|i| format!(" ({i})"))
        .unwrap_or_default();
    let _ = writeln!(s, "  {mark} {word:<9} {}{id}", c.name);
    if let Some(d) = &c.desired {
        if c.kind != ChangeKind::Unchanged {
            let _ = writeln!(s, "      {}", target_line(d, org_id));
        }
    }
    if c.resumes_unfinished_create {
        let _ = writeln!(
            s,
            "      resumes an earlier run that created the integration but did not configure it"
        );
    }
    if c.kind == ChangeKind::Replace {
        let old = c
            .field_changes
            .iter()
            .find(|f| f.field == "event_source_suffix")
            .map(|f| f.from.clone())
            .unwrap_or_else(|| "(same suffix)".into());
        let _ = writeln!(
            s,
            "      the partner event source changes (old suffix {old}): the old source stops receiving events and its bus must be re-associated"
        );
    }
    for f in &c.field_changes {
        let _ = writeln!(s, "      {}: {} -> {}", f.field, f.from, f.to);
    }
    let verb_topics = c.kind != ChangeKind::Unchanged;
    if verb_topics && (!c.topics_added.is_empty() || !c.topics_removed.is_empty()) {
        let _ = writeln!(
            s,
            "      topics: +{} -{}",
            c.topics_added.len(),
            c.topics_removed.len()
        );
        for t in &c.topics_added {
            let _ = writeln!(s, "        + {t}");
        }
        for t in &c.topics_removed {
            let _ = writeln!(s, "        - {t}");
        }
    }
}

fn target_line(d: &Destination, org_id: &str) -> String {
    format!(
        "account {} region {} -> partner event source {}",
        d.aws_account_id,
        d.aws_region,
        partner_event_source_name(org_id, &d.event_source_suffix)
    )
}

/// The AWS half of one destination.
pub fn render_aws(p: &gcbridge_core::AwsPlan) -> String {
    let mut s = String::new();
    let bus = if p.bus_exists {
        "bus associated"
    } else {
        "no bus yet"
    };
    let _ = writeln!(
        s,
        "  aws {} in account {} {}: partner event source {} ({}), {bus}",
        p.destination, p.account, p.region, p.source, p.source_state
    );
    if p.actions.is_empty() {
        let _ = writeln!(s, "      = unchanged");
    }
    for a in &p.actions {
        let _ = writeln!(s, "      + {}", a.describe());
    }
    s
}

/// "Plan: 1 to create, ..." over every org.
pub fn summary<'a>(plans: impl IntoIterator<Item = &'a Plan>, aws_changes: usize) -> String {
    let (mut create, mut update, mut replace, mut delete, mut same) = (0, 0, 0, 0, 0);
    for p in plans {
        create += p.count(ChangeKind::Create);
        update += p.count(ChangeKind::Update);
        replace += p.count(ChangeKind::Replace);
        delete += p.count(ChangeKind::Delete);
        same += p.count(ChangeKind::Unchanged);
    }
    if create + update + replace + delete + aws_changes == 0 {
        return format!("No changes: the live state matches the desired state ({same} unchanged).");
    }
    let aws = if aws_changes > 0 {
        format!(" AWS: {aws_changes} change(s).")
    } else {
        String::new()
    };
    format!("Plan: {create} to create, {update} to update, {replace} to replace, {delete} to delete, {same} unchanged.{aws}")
}
