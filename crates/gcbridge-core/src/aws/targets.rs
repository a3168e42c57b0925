//! Rule targets as a user writes them: target ARNs checked and classified, rule names checked.

use super::ids::{check_aws_account_id, check_aws_region};
use crate::desired::{TargetKind, TargetSpec};

/// Parses a target ARN; `bus_region` is the region of the partner bus (targets other than buses
/// must be in it).
pub fn parse_target(arn: &str, bus_region: &str) -> Result<TargetSpec, String> {
    const SHAPE: &str = "a target is an ARN like arn:aws:sqs:us-east-1:123456789012:my-queue";
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[1].is_empty() {
        return Err(format!("\"{arn}\" is not an ARN; {SHAPE}"));
    }
    let (service, region, account, resource) = (parts[2], parts[3], parts[4], parts[5]);
    check_aws_region(region).map_err(|e| format!("\"{arn}\": region {e}"))?;
    check_aws_account_id(account).map_err(|e| format!("\"{arn}\": account {e}"))?;
    let (kind, name) = match service {
        "sqs" => (TargetKind::Sqs, resource),
        "sns" => (TargetKind::Sns, resource),
        "lambda" => (
            TargetKind::Lambda,
            resource.strip_prefix("function:").ok_or_else(|| format!("\"{arn}\": a Lambda target is arn:aws:lambda:REGION:ACCOUNT:function:NAME"))?,
        ),
        "kinesis" => (
            TargetKind::Kinesis,
            resource.strip_prefix("stream/").ok_or_else(|| format!("\"{arn}\": a Kinesis target is arn:aws:kinesis:REGION:ACCOUNT:stream/NAME"))?,
        ),
        "firehose" => (
            TargetKind::Firehose,
            resource
                .strip_prefix("deliverystream/")
                .ok_or_else(|| format!("\"{arn}\": a Firehose target is arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME"))?,
        ),
        "logs" => (
            TargetKind::Logs,
            resource
                .strip_prefix("log-group:")
                .map(|n| n.trim_end_matches(":*"))
                .ok_or_else(|| format!("\"{arn}\": a CloudWatch Logs target is arn:aws:logs:REGION:ACCOUNT:log-group:NAME"))?,
        ),
        "events" => (
            TargetKind::EventBus,
            resource.strip_prefix("event-bus/").ok_or_else(|| format!("\"{arn}\": an event bus target is arn:aws:events:REGION:ACCOUNT:event-bus/NAME"))?,
        ),
        other => {
            return Err(format!(
                "\"{arn}\": targets of service \"{other}\" are not supported; use SQS, SNS, Lambda, Kinesis, Firehose, CloudWatch Logs or an event bus"
            ))
        }
    };
    if name.is_empty() {
        return Err(format!("\"{arn}\" names no resource; {SHAPE}"));
    }
    if kind != TargetKind::EventBus && region != bus_region {
        return Err(format!(
            "\"{arn}\" is in {region}, but the partner event bus is in {bus_region}; EventBridge delivers to targets in the bus's region (route through an event bus target to cross regions)"
        ));
    }
    Ok(TargetSpec {
        id: target_id(kind, name),
        arn: arn.to_string(),
        kind,
    })
}

/// A readable, stable target id: `sqs-my-queue`, at most 64 characters of the allowed set.
fn target_id(kind: TargetKind, name: &str) -> String {
    let prefix = match kind {
        TargetKind::Sqs => "sqs",
        TargetKind::Logs => "logs",
        TargetKind::Lambda => "lambda",
        TargetKind::Kinesis => "kinesis",
        TargetKind::Firehose => "firehose",
        TargetKind::Sns => "sns",
        TargetKind::EventBus => "bus",
    };
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut id = format!("{prefix}-{cleaned}");
    id.truncate(64);
    id
}

/// Checks a rule name: 1 to 64 of letters, digits, `.`, `-`, `_`.
pub fn check_rule_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(format!(
            "\"{name}\" is not a valid rule name: 1 to 64 letters, digits, '.', '-' or '_'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_classified_and_checked() {
        let t = parse_target(
            "arn:aws:sqs:us-east-1:123456789012:genesys-events",
            "us-east-1",
        )
        .unwrap();
        assert_eq!(
            (t.kind, t.id.as_str()),
            (TargetKind::Sqs, "sqs-genesys-events")
        );
        let t = parse_target(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/genesys:*",
            "us-east-1",
        )
        .unwrap();
        assert_eq!(t.id, "logs--aws-events-genesys");
        assert!(parse_target(
            "arn:aws:events:eu-west-1:123456789012:event-bus/central",
            "us-east-1"
        )
        .is_ok());
        for (arn, needle) in [
            ("nope", "not an ARN"),
            ("arn:aws:s3:us-east-1:123456789012:bucket", "not supported"),
            (
                "arn:aws:sqs:eu-west-1:123456789012:q",
                "EventBridge delivers",
            ),
            ("arn:aws:sqs:us-east-1:1234:q", "account"),
            ("arn:aws:lambda:us-east-1:123456789012:fn", "function:NAME"),
        ] {
            let e = parse_target(arn, "us-east-1").unwrap_err();
            assert!(e.contains(needle), "{arn}: {e}");
        }
    }
}
