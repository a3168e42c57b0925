//! The plan as a human reads it: one block per destination, fields and topics itemised; and as
//! the JSON document `plan` prints (and `apply`/`destroy` print when nothing is carried out).

use std::fmt::Write;

use gcbridge_core::{partner_event_source_name, Destination};
use gcbridge_core::{AwsPart, AwsPlan, Change, ChangeKind, PatternTests, Plan, WarningKind};
use serde::Serialize;

use crate::escape::{field, out, outln};
use crate::failure::Failure;
use crate::fleet::{org_error, OrgPlanned, OrgTarget};
use crate::output::note;

/// Prints every org's plan (or its planning error) and the summary over all of them.
pub fn show(targets: &[OrgTarget], planned: &[Result<OrgPlanned, Failure>]) {
    let many = targets.len() > 1;
    for (t, r) in targets.iter().zip(planned) {
        match r {
            Ok(p) => {
                let (org, target) = (&p.session.org, &p.session.target);
                let label = format!(
                    "\"{}\" ({}, {}) at {target}",
                    field(&t.spec.name),
                    field(&org.name),
                    field(&org.id)
                );
                out!("{}", render(&label, &org.id, &p.plan.genesys));
                for a in &p.plan.aws {
                    out!("{}", render_aws(&a.plan, &a.tests));
                }
            }
            Err(f) => note(format!("error: {}", org_error(t, many, f))),
        }
    }
    let ok: Vec<&OrgPlanned> = planned.iter().filter_map(|r| r.as_ref().ok()).collect();
    if !ok.is_empty() {
        let aws_changes = ok.iter().map(|p| p.plan.aws_action_count()).sum();
        outln!(
            "{}",
            summary(ok.iter().map(|p| &p.plan.genesys), aws_changes)
        );
    }
}

/// Whether any org that could be planned has something to change.
pub fn any_changes(planned: &[Result<OrgPlanned, Failure>]) -> bool {
    planned
        .iter()
        .any(|r| r.as_ref().is_ok_and(|p| p.plan.has_changes()))
}

#[derive(Serialize)]
pub struct OrgPlanJson<'a> {
    org: &'a str,
    org_id: Option<&'a str>,
    target: &'a str,
    plan: Option<&'a Plan>,
    aws: Vec<AwsPlanJson<'a>>,
    error: Option<String>,
}

/// A destination's AWS plan with its pattern tests beside its actions.
#[derive(Serialize)]
pub struct AwsPlanJson<'a> {
    #[serde(flatten)]
    plan: &'a AwsPlan,
    #[serde(flatten)]
    tests: &'a PatternTests,
}

/// One JSON entry per org: its plan, or the error that stopped planning it.
pub fn plan_json<'a>(
    targets: &'a [OrgTarget],
    planned: &'a [Result<OrgPlanned, Failure>],
) -> Vec<OrgPlanJson<'a>> {
    let many = targets.len() > 1;
    targets
        .iter()
        .zip(planned)
        .map(|(t, r)| {
            let p = r.as_ref().ok();
            OrgPlanJson {
                org: &t.spec.name,
                org_id: p.map(|p| p.session.org.id.as_str()),
                target: &t.conn.target,
                plan: p.map(|p| &p.plan.genesys),
                aws: p
                    .map(|p| {
                        let json = |a: &'a AwsPart| AwsPlanJson {
                            plan: &a.plan,
                            tests: &a.tests,
                        };
                        p.plan.aws.iter().map(json).collect()
                    })
                    .unwrap_or_default(),
                error: r.as_ref().err().map(|f| org_error(t, many, f)),
            }
        })
        .collect()
}

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
            field(&u.name),
            field(&u.id)
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
        ChangeKind::RemoveTwin => ("-", "remove twin"),
    };
    let id = c
        .integration_id
        .as_deref()
        .map(|i| format!(" ({})", field(i)))
        .unwrap_or_default();
    let _ = writeln!(s, "  {mark} {word:<9} {}{id}", field(&c.name));
    if let Some(d) = &c.desired {
        if c.kind != ChangeKind::Unchanged {
            let _ = writeln!(s, "      {}", target_line(d, org_id));
        }
    }
    if let Some(keeper) = &c.twin_of {
        let _ = writeln!(
            s,
            "      a second integration of this destination (two runs created it at once); {keeper} is kept"
        );
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
pub fn render_aws(p: &AwsPlan, tests: &PatternTests) -> String {
    let mut s = String::new();
    let bus = match (p.bus_exists, p.source_state.as_str()) {
        (true, "PENDING") => "its bus belongs to a deleted source",
        (true, _) => "bus associated",
        (false, _) => "no bus yet",
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
    render_tests(&mut s, tests);
    s
}

/// Topics-reach-no-rule warnings shown one per line up to this many; `-o json` lists them all.
const TOPICS_SHOWN: usize = 5;

/// The expectations (each failure on its own line, a count when all hold) and the warnings.
fn render_tests(s: &mut String, p: &PatternTests) {
    let failed: Vec<_> = p.failed().collect();
    for e in &failed {
        let _ = writeln!(
            s,
            "      error: expectation does not hold: {}",
            field(&e.message())
        );
    }
    if failed.is_empty() && !p.expectations.is_empty() {
        let _ = writeln!(
            s,
            "      expectations: all {} hold ({} sample events per topic, TestEventPattern)",
            p.expectations.len(),
            gcbridge_core::EXPECT_SAMPLES
        );
    }
    let (topics, others): (Vec<_>, Vec<_>) = p
        .warnings
        .iter()
        .partition(|w| w.kind == WarningKind::TopicReachesNoRule);
    for w in others {
        let _ = writeln!(s, "      warning: {}", field(&w.message));
    }
    for w in topics.iter().take(TOPICS_SHOWN) {
        let _ = writeln!(s, "      warning: {}", field(&w.message));
    }
    if topics.len() > TOPICS_SHOWN {
        let _ = writeln!(
            s,
            "      warning: {} more subscribed topics reach no enabled rule (-o json lists them)",
            topics.len() - TOPICS_SHOWN
        );
    }
}

/// How many rule expectations do not hold, over every org planned.
pub fn failed_expectations(planned: &[Result<OrgPlanned, Failure>]) -> usize {
    planned
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|p| p.plan.failed_expectations())
        .sum()
}

/// "Plan: 1 to create, ..." over every org.
pub fn summary<'a>(plans: impl IntoIterator<Item = &'a Plan>, aws_changes: usize) -> String {
    let (mut create, mut update, mut replace, mut delete, mut same) = (0, 0, 0, 0, 0);
    let mut twins = 0;
    for p in plans {
        twins += p.count(ChangeKind::RemoveTwin);
        create += p.count(ChangeKind::Create);
        update += p.count(ChangeKind::Update);
        replace += p.count(ChangeKind::Replace);
        delete += p.count(ChangeKind::Delete);
        same += p.count(ChangeKind::Unchanged);
    }
    if create + update + replace + delete + twins + aws_changes == 0 {
        return format!("No changes: the live state matches the desired state ({same} unchanged).");
    }
    let aws = if aws_changes > 0 {
        format!(" AWS: {aws_changes} change(s).")
    } else {
        String::new()
    };
    let twins = if twins > 0 {
        format!(", {twins} twin(s) to remove")
    } else {
        String::new()
    };
    format!("Plan: {create} to create, {update} to update, {replace} to replace, {delete} to delete{twins}, {same} unchanged.{aws}")
}
