//! The archive of a partner bus (`archive = { retention_days = N }`), which `gcbridge replay`
//! replays: its name, reading it, and the changes that make it match the config.
//!
//! gcbridge finds its archive by name, derived from the destination: archives are per account and
//! region, and two orgs may use the same suffix there, so the name carries a hash of the whole
//! partner event source name besides the (shortened) suffix.

use aws_sdk_eventbridge::error::ProvideErrorMetadata;

use super::action::AwsAction;
use super::clients::AwsClients;
use super::delivery::hash8;
use super::error::{unless_missing, AwsError};
use crate::desired::ArchiveSpec;

/// AWS's longest archive name (CreateArchive: 1 to 48 of letters, digits, `.`, `-`, `_`).
pub const NAME_MAX: usize = 48;
const PREFIX: &str = "gcbridge-";

/// `gcbridge-<suffix>-<8 hex of the source name>`, the suffix cut so the whole fits in 48
/// characters. The suffix's characters are the archive name's (letters, digits, `.`, `-`, `_`).
pub fn archive_name(source: &str) -> String {
    let suffix = source.rsplit('/').next().unwrap_or(source);
    let room = NAME_MAX - PREFIX.len() - 1 - 8;
    let cut: String = suffix.chars().take(room).collect();
    format!("{PREFIX}{cut}-{}", hash8(source))
}

/// An archive as DescribeArchive answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveArchive {
    pub name: String,
    pub arn: String,
    /// The bus it archives.
    pub source_arn: String,
    pub retention_days: i32,
    pub state: String,
    pub event_count: i64,
    pub size_bytes: i64,
}

/// The archive of that name, if there is one.
pub async fn describe(aws: &AwsClients, name: &str) -> Result<Option<LiveArchive>, AwsError> {
    let sent = aws
        .events
        .describe_archive()
        .archive_name(name)
        .send()
        .await;
    let found = unless_missing(
        sent,
        |e| e.code() == Some("ResourceNotFoundException"),
        || format!("events:DescribeArchive {name}"),
    )?;
    Ok(found.map(|out| LiveArchive {
        name: name.to_string(),
        arn: out.archive_arn().unwrap_or_default().to_string(),
        source_arn: out.event_source_arn().unwrap_or_default().to_string(),
        retention_days: out.retention_days().unwrap_or(0),
        state: out
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        event_count: out.event_count(),
        size_bytes: out.size_bytes(),
    }))
}

/// What makes the archive of `bus` (named `name`, its ARN `bus_arn` when the bus exists) match
/// `spec`: create it, change its retention, or nothing. An archive of that name of another bus is
/// an error: gcbridge does not take over what is not its own.
pub async fn plan(
    aws: &AwsClients,
    spec: &ArchiveSpec,
    name: &str,
    bus_arn: Option<&str>,
) -> Result<Option<AwsAction>, AwsError> {
    let live = describe(aws, name).await?;
    let create = || AwsAction::CreateArchive {
        archive: name.to_string(),
        retention_days: spec.retention_days,
    };
    let Some(live) = live else {
        return Ok(Some(create()));
    };
    if bus_arn.is_some_and(|arn| arn != live.source_arn) {
        return Err(AwsError::new(format!(
            "an archive named {name} already exists for {}, not for this destination's bus; delete or rename it (aws events delete-archive --archive-name {name})",
            live.source_arn
        )));
    }
    Ok(
        (live.retention_days != spec.retention_days).then(|| AwsAction::UpdateArchive {
            archive: name.to_string(),
            from_days: live.retention_days,
            to_days: spec.retention_days,
        }),
    )
}

/// The DeleteArchive that destroy starts with, when gcbridge's archive of `bus` exists. It exists
/// only where gcbridge associated the bus (an archive needs `associate = true`), and is looked for
/// even when the file no longer asks for one, so the bus can go.
pub async fn destroy(
    aws: &AwsClients,
    bus: &str,
    spec: &crate::desired::AwsSpec,
) -> Result<Option<AwsAction>, AwsError> {
    if spec.archive.is_none() && !spec.associate {
        return Ok(None);
    }
    let name = archive_name(bus);
    Ok(describe(aws, &name)
        .await?
        .map(|_| AwsAction::DeleteArchive { archive: name }))
}

/// How a retention reads: "30 days", or "indefinitely" for AWS's 0.
pub fn retention(days: i32) -> String {
    match days {
        0 => "indefinitely".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

pub async fn create(
    aws: &AwsClients,
    name: &str,
    bus_arn: &str,
    retention_days: i32,
) -> Result<(), AwsError> {
    aws.events
        .create_archive()
        .archive_name(name)
        .event_source_arn(bus_arn)
        .description("gcbridge: every event of the partner bus, for gcbridge replay")
        .retention_days(retention_days)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:CreateArchive {name}"), e))?;
    Ok(())
}

pub async fn update(aws: &AwsClients, name: &str, retention_days: i32) -> Result<(), AwsError> {
    aws.events
        .update_archive()
        .archive_name(name)
        .retention_days(retention_days)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("events:UpdateArchive {name}"), e))?;
    Ok(())
}

/// Deletes the archive; one already gone is fine (destroy may be re-run).
pub async fn delete(aws: &AwsClients, name: &str) -> Result<(), AwsError> {
    match aws.events.delete_archive().archive_name(name).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some("ResourceNotFoundException") => Ok(()),
        Err(e) => Err(AwsError::from_sdk(
            &format!("events:DeleteArchive {name}"),
            e,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_aws_and_differ_by_org() {
        let a = archive_name("aws.partner/genesys.com/cloud/org-a/prod-events");
        let b = archive_name("aws.partner/genesys.com/cloud/org-b/prod-events");
        assert!(a.starts_with("gcbridge-prod-events-"), "{a}");
        assert_ne!(a, b);
        let long = archive_name(&format!(
            "aws.partner/genesys.com/cloud/o/{}",
            "x".repeat(64)
        ));
        assert_eq!(long.len(), NAME_MAX, "{long}");
        assert!(long
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')));
    }

    #[test]
    fn retention_reads_as_days_or_indefinitely() {
        assert_eq!(retention(0), "indefinitely");
        assert_eq!(retention(30), "30 days");
    }
}
