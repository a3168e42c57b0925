//! gcbridge's own temporary queues and rules on the bus (of `tail` and `--probe`): the expired
//! ones are removed first (saying so on stderr), then any still there are reported, with when
//! they expire. A warning, not a failure: a `tail` running elsewhere has one.

use crate::aws::sweep;
use crate::aws::AwsClients;

use super::check_id::CheckId;
use super::report::Report;

const FIX: &str =
    "they are removed by the next tail/doctor/apply after expiry, or now by `gcbridge destroy`";

pub(super) async fn temporary_resources(report: &mut Report, aws: &AwsClients, bus: &str) {
    let id = CheckId::TemporaryResources;
    let removed = sweep::sweep_expired(aws, bus).await;
    for line in &removed {
        tracing::warn!("{line}");
    }
    let swept = match removed.len() {
        0 => String::new(),
        _ => format!(" ({})", removed.join("; ")),
    };
    match sweep::find(aws, bus).await {
        Err(e) => report.warn(id, format!("could not look for them: {e}{swept}"), None),
        Ok(found) if found.is_empty() => {
            report.pass(id, format!("none left behind{swept}"));
        }
        Ok(found) => {
            let list: Vec<String> = found
                .iter()
                .map(|f| {
                    format!(
                        "{} (of {}, {})",
                        f.what,
                        f.temporary.purpose,
                        f.temporary.describe_expiry()
                    )
                })
                .collect();
            report.warn(
                id,
                format!("still there: {}{swept}", list.join("; ")),
                Some(FIX.into()),
            );
        }
    }
}
