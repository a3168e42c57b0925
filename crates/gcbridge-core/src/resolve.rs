//! Turning destination specs into concrete destinations for one org: topics expanded against the
//! org's catalogue, and ARNs checked against the authenticated org.

use crate::desired::{Destination, DestinationSpec};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::topics::{expand, Catalogue};

/// Expands every spec; all problems are returned together.
pub fn resolve_destinations(
    specs: &[DestinationSpec],
    catalogue: &Catalogue,
    org_id: &str,
) -> Result<Vec<Destination>, Diagnostics> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for spec in specs {
        if let Some(expected) = &spec.expected_org_id {
            // Org ids are UUIDs: an ARN copied in upper case names the same org.
            if !expected.eq_ignore_ascii_case(org_id) {
                let (origin, field) = spec.event_bus_arn_at.clone().unwrap_or_else(|| {
                    (
                        spec.origin.clone(),
                        format!("destination \"{}\" event_bus_arn", spec.name),
                    )
                });
                errors.push(Diagnostic {
                    origin,
                    field: Some(field),
                    message: format!(
                        "names Genesys org {expected}, but the credentials belong to org {org_id}"
                    ),
                    help: Some(
                        "use the ARN of this org's partner event bus, or the credentials of the org the ARN names".into(),
                    ),
                });
                continue;
            }
        }
        let mut topics = std::collections::BTreeSet::new();
        let mut ok = true;
        for (selector, origin, field) in &spec.selectors {
            match expand(std::slice::from_ref(selector), catalogue) {
                Ok(found) => topics.extend(found),
                Err(errs) => {
                    ok = false;
                    for e in errs {
                        errors.push(Diagnostic {
                            origin: origin.clone(),
                            field: Some(field.clone()),
                            message: format!("\"{}\" {}", e.selector, e.message),
                            help: e.help,
                        });
                    }
                }
            }
        }
        if ok {
            out.push(Destination {
                name: spec.name.clone(),
                description: spec.description.clone().filter(|d| !d.is_empty()),
                enabled: spec.enabled,
                aws_account_id: spec.aws_account_id.clone(),
                aws_region: spec.aws_region.clone(),
                event_source_suffix: spec.event_source_suffix.clone(),
                topics,
                origin: spec.origin.clone(),
                aws: spec.aws.clone(),
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics(errors))
    }
}
