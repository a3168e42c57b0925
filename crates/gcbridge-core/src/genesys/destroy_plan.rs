//! The plan of `destroy`: the integrations a config file describes, found in the live org by the
//! same identity rule as `plan` (configured by source id, unfinished creates by name), to delete.

use std::collections::HashSet;

use super::live::LiveIntegration;
use super::plan::{delete, Change, ChangeKind, Plan};
use crate::desired::DestinationSpec;

/// The plan of `destroy`: delete exactly the live integrations the specs describe (by identity, or
/// an unfinished create by name). Anything else, even with a matching name, is left alone.
pub fn destroy_plan(specs: &[DestinationSpec], live: &[LiveIntegration]) -> Plan {
    let mut claimed: HashSet<&str> = HashSet::new();
    let mut changes = Vec::new();
    for spec in specs {
        let identity = spec.source_id();
        let found = live
            .iter()
            .find(|l| !claimed.contains(l.id.as_str()) && l.source_id().as_ref() == Some(&identity))
            .or_else(|| {
                live.iter().find(|l| {
                    !claimed.contains(l.id.as_str()) && l.is_unconfigured() && l.name == spec.name
                })
            });
        match found {
            Some(l) => {
                claimed.insert(&l.id);
                changes.push(delete(l));
            }
            None => changes.push(Change {
                name: spec.name.clone(),
                kind: ChangeKind::Unchanged,
                integration_id: None,
                resumes_unfinished_create: false,
                field_changes: vec![],
                topics_added: vec![],
                topics_removed: vec![],
                steps: vec![],
                desired: None,
            }),
        }
    }
    Plan {
        changes,
        unmanaged: vec![],
    }
}
