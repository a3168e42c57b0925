//! The destinations a live org already has, as a desired state, for `gcbridge export`: the file
//! written from it makes `plan` report no changes.

use std::collections::HashSet;

use crate::desired::DestinationSpec;
use crate::diagnostic::Origin;
use crate::genesys::LiveIntegration;
use crate::source_id::SourceId;

/// One destination per configured integration, and a warning for every integration that had to
/// be skipped or renamed. `org` only names the org in the warnings.
pub fn destinations_from_live(
    live: &[LiveIntegration],
    org: &str,
) -> (Vec<DestinationSpec>, Vec<String>) {
    let mut names: HashSet<String> = HashSet::new();
    let mut specs = Vec::new();
    let mut warnings = Vec::new();
    for l in live {
        let Some(SourceId {
            account,
            region,
            suffix,
        }) = l.source_id()
        else {
            warnings.push(format!(
                "warning: org \"{org}\": integration \"{}\" ({}) has no AWS config yet and is not exported; `gcbridge apply` of a destination with this name completes it",
                l.name, l.id
            ));
            continue;
        };
        // Names must be unique in a file; the suffix is unique per account, so it disambiguates.
        let mut name = l.name.clone();
        if !names.insert(name.clone()) {
            name = format!("{}-{suffix}", l.name);
            names.insert(name.clone());
            warnings.push(format!(
                "warning: org \"{org}\": two integrations are named \"{}\"; the one with suffix \"{suffix}\" is exported as \"{name}\" (plan will show the rename)",
                l.name
            ));
        }
        specs.push(DestinationSpec {
            name,
            description: l.notes.clone(),
            enabled: l.enabled,
            aws_account_id: account,
            aws_region: region,
            event_source_suffix: suffix,
            expected_org_id: None,
            event_bus_arn_at: None,
            selectors: l
                .topics
                .iter()
                .map(|t| (t.clone(), Origin::Flag, "topics".to_string()))
                .collect(),
            origin: Origin::Flag,
            warnings: Vec::new(),
            aws: None,
        });
    }
    (specs, warnings)
}
