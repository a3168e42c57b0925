//! The archive link: when the file's `[destination.aws]` asks for an archive, it exists, is
//! ENABLED and keeps events as long as the file says; without the file, an archive gcbridge made
//! is reported for information. `gcbridge replay` needs it.

use crate::aws::archive;

use super::aws::Destination;
use super::check_id::CheckId;
use super::report::Report;

pub(super) async fn archive(report: &mut Report, d: &Destination<'_>) {
    let id = CheckId::Archive;
    let wanted = d.managed.and_then(|m| m.archive);
    let name = archive::archive_name(&d.source);
    let live = match archive::describe(d.aws, &name).await {
        Ok(live) => live,
        Err(e) => {
            if wanted.is_some() {
                report.fail(
                    id,
                    e.to_string(),
                    "check the AWS permission events:DescribeArchive",
                );
            }
            return;
        }
    };
    let Some(live) = live else {
        if wanted.is_some() {
            report.fail(
                id,
                format!("no archive {name} of the bus: events are not archived, so gcbridge replay has nothing to replay"),
                "run gcbridge apply (it creates the archive the file's archive = { retention_days = N } asks for)",
            );
        }
        return;
    };
    let kept = archive::retention(live.retention_days);
    if live.state != "ENABLED" {
        report.fail(
            id,
            format!("archive {name} is {}: events are not archived", live.state),
            format!(
                "check it with aws events describe-archive --region {} --archive-name {name}",
                d.region
            ),
        );
    } else if let Some(w) = wanted.filter(|w| w.retention_days != live.retention_days) {
        report.warn(
            id,
            format!(
                "archive {name} keeps events {kept}; the file says {}",
                archive::retention(w.retention_days)
            ),
            Some("run gcbridge apply to update its retention".into()),
        );
    } else {
        report.pass(
            id,
            format!(
                "{name}: {} event(s) archived, kept {kept}",
                live.event_count
            ),
        );
    }
}
