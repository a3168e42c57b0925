//! Removing gcbridge's temporary resources that outlived their command (SIGKILL, power loss): the
//! next `tail`, `doctor` or `apply` on a bus sweeps the expired ones (the rule's targets, the rule
//! and its queue), `doctor` lists those still there, and `destroy` removes them with the bus.
//! What is temporary and expired is decided by [`super::temporary`]; this file only acts on it.

use super::clients::AwsClients;
use super::error::AwsError;
use super::rules;
use super::temporary::{self, Temporary};

/// One temporary resource found: `rule NAME` or `queue NAME`, and what its name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub what: String,
    pub temporary: Temporary,
}

/// The temporary rules on `bus` and temporary queues of the region, with what their names say.
pub async fn find(aws: &AwsClients, bus: &str) -> Result<Vec<Found>, AwsError> {
    let mut found = Vec::new();
    for r in rules::list_rules(aws, bus).await? {
        if let Some(t) = temporary::classify(&r.name, &[]) {
            found.push(Found {
                what: format!("rule {}", r.name),
                temporary: t,
            });
        }
    }
    for url in temporary_queues(aws).await? {
        let name = queue_name(&url);
        if let Some(t) = temporary::classify(name, &[]) {
            found.push(Found {
                what: format!("queue {name}"),
                temporary: t,
            });
        }
    }
    Ok(found)
}

/// Removes the temporary rules on `bus` (their targets first) and the region's temporary queues
/// that have expired by now (a queue shares its rule's name, so expires with it); one line per
/// resource, saying what was removed or what could not be and why.
pub async fn sweep_expired(aws: &AwsClients, bus: &str) -> Vec<String> {
    sweep_expired_at(aws, bus, temporary::now()).await
}

/// [`sweep_expired`] as of `now` (unix seconds).
async fn sweep_expired_at(aws: &AwsClients, bus: &str, now: u64) -> Vec<String> {
    let mut lines = Vec::new();
    match rules::list_rules(aws, bus).await {
        Ok(live) => {
            for r in live {
                let Some(t) = temporary::classify(&r.name, &[]) else {
                    continue;
                };
                if !t.expired(now) {
                    continue;
                }
                lines.push(match rules::delete_rule(aws, bus, &r.name).await {
                    Ok(()) => format!(
                        "removed the expired temporary rule {} ({}) and its targets",
                        r.name,
                        t.describe_expiry()
                    ),
                    Err(e) => format!("could not remove the temporary rule {}: {e}", r.name),
                });
            }
        }
        Err(e) => lines.push(format!("could not look for temporary rules: {e}")),
    }
    match temporary_queues(aws).await {
        Ok(urls) => {
            for url in urls {
                let name = queue_name(&url);
                let Some(t) = temporary::classify(name, &[]).filter(|t| t.expired(now)) else {
                    continue;
                };
                lines.push(match delete_queue(aws, &url).await {
                    Ok(()) => format!(
                        "removed the expired temporary queue {name} ({})",
                        t.describe_expiry()
                    ),
                    Err(e) => format!("could not remove the temporary queue {name}: {e}"),
                });
            }
        }
        Err(e) => lines.push(format!("could not look for temporary queues: {e}")),
    }
    lines
}

/// Removes the rule's targets and the rule; for a temporary rule, its temporary queues too.
pub async fn delete_rule(aws: &AwsClients, bus: &str, rule: &str) -> Result<(), AwsError> {
    let queues: Vec<String> = if temporary::is_temporary_name(rule) {
        rules::list_targets(aws, bus, rule)
            .await?
            .into_iter()
            .map(|t| t.arn)
            .filter(|arn| temporary::is_temporary_name(queue_name(arn)))
            .collect()
    } else {
        Vec::new()
    };
    rules::delete_rule(aws, bus, rule).await?;
    for arn in queues {
        if let Some(url) = super::sqs_policy::queue_url(aws, &arn).await? {
            delete_queue(aws, &url).await?;
        }
    }
    Ok(())
}

/// Deletes the queue at `url`.
pub async fn delete_queue(aws: &AwsClients, url: &str) -> Result<(), AwsError> {
    aws.sqs
        .delete_queue()
        .queue_url(url)
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(&format!("sqs:DeleteQueue {}", queue_name(url)), e))?;
    Ok(())
}

/// The URLs of the region's queues with a temporary name (new and older prefixes).
async fn temporary_queues(aws: &AwsClients) -> Result<Vec<String>, AwsError> {
    let mut urls = Vec::new();
    for prefix in std::iter::once(temporary::PREFIX).chain(temporary::LEGACY_PREFIXES) {
        let named: Vec<String> = aws
            .sqs
            .list_queues()
            .queue_name_prefix(prefix)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(|e| AwsError::from_sdk("sqs:ListQueues", e))?;
        urls.extend(named);
    }
    Ok(urls)
}

/// The last part of a queue's URL (`.../NAME`) or ARN (`...:NAME`).
fn queue_name(url_or_arn: &str) -> &str {
    url_or_arn.rsplit(['/', ':']).next().unwrap_or(url_or_arn)
}
