//! The plan of `destroy`: the integrations a config file describes, found in the live org by the
//! same identity rule as `plan` (configured by source id, unfinished creates by name), to delete;
//! twins (two runs created the destination at once) are all deleted.

use std::collections::HashSet;

use super::live::LiveIntegration;
use super::plan::{delete, Change, ChangeKind, Plan};
use super::twins::TwinKey;
use crate::desired::DestinationSpec;

/// The plan of `destroy`: delete exactly the live integrations the specs describe (by identity, or
/// an unfinished create by name), every twin included. Anything else, even with a matching name,
/// is left alone.
pub fn destroy_plan(specs: &[DestinationSpec], live: &[LiveIntegration]) -> Plan {
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut changes = Vec::new();
    for spec in specs {
        let key = TwinKey::new(&spec.name, spec.source_id());
        let mut found: Vec<&LiveIntegration> = live
            .iter()
            .filter(|l| !claimed.contains(l.id.as_str()) && key.matches(l))
            .collect();
        // The destination's own integration first, its twins after it.
        found.sort_by(|a, b| key.keeper_order(a, b));
        if found.is_empty() {
            changes.push(Change {
                name: spec.name.clone(),
                kind: ChangeKind::Unchanged,
                integration_id: None,
                twin_of: None,
                resumes_unfinished_create: false,
                field_changes: vec![],
                topics_added: vec![],
                topics_removed: vec![],
                steps: vec![],
                desired: None,
            });
        }
        for l in found {
            claimed.insert(&l.id);
            changes.push(delete(l));
        }
    }
    Plan {
        changes,
        unmanaged: vec![],
    }
}
