//! The topics and the envelope origin of `events` and `schema`: given topics, or a destination of a
//! config file (its partner source name, account, region and topics), checked offline against the
//! bundled catalogue.

use std::path::Path;

use gcbridge_core::events::{check_topics, Origin};
use gcbridge_core::topics::Catalogue;

use crate::failure::Failure;

/// Without an org there is no org id: its place in the source name is this placeholder, unless
/// the destination names its expected org.
const NO_ORG: &str = "00000000-0000-4000-8000-000000000000";

/// The topics to use and, with a destination, its origin.
pub fn which(
    topics: &[String],
    destination: Option<&str>,
    file: Option<&Path>,
) -> Result<(Vec<String>, Option<Origin>), Failure> {
    let Some(name) = destination else {
        if file.is_some() {
            return Err(Failure::usage("--file: give --destination NAME too"));
        }
        check_topics(topics, "TOPIC").map_err(Failure::usage)?;
        return Ok((topics.to_vec(), None));
    };
    let file = file.ok_or_else(|| Failure::usage("--destination: give --file FILE too"))?;
    let desired = gcbridge_core::config::load_file(file)?;
    let spec = desired
        .orgs
        .iter()
        .flat_map(|o| o.destinations.iter())
        .find(|d| d.name == name)
        .ok_or_else(|| {
            Failure::usage(format!(
                "--destination: \"{name}\" is not a destination of {}",
                file.display()
            ))
        })?;
    let mut spec = spec.clone();
    let org = spec.expected_org_id.take().unwrap_or_else(|| NO_ORG.into());
    let resolved = gcbridge_core::resolve_destinations(&[spec], &Catalogue::embedded(), "")?;
    let d = &resolved[0];
    let topics = if topics.is_empty() {
        d.topics.iter().cloned().collect()
    } else {
        topics.to_vec()
    };
    check_topics(&topics, "TOPIC").map_err(Failure::usage)?;
    let origin = Origin {
        source: d.source_id().source_name(&org),
        account: d.aws_account_id.clone(),
        region: d.aws_region.clone(),
    };
    Ok((topics, Some(origin)))
}
