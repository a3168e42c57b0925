//! Rule targets as a user writes them: target ARNs checked and classified, rule names checked.

use super::ids::{check_aws_account_id, check_aws_region, AccountIdError, AwsRegionError};
use crate::arn_fields::arn_fields;
use crate::desired::{TargetKind, TargetSpec};
use crate::partition::{check_fits, check_supported, PartitionError};

const SHAPE: &str = "a target is an ARN like arn:aws:sqs:us-east-1:123456789012:my-queue";

/// Why a target ARN was refused; every variant carries the ARN as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("\"{arn}\" is not an ARN; {}", SHAPE)]
    NotAnArn { arn: String },
    #[error("\"{arn}\": region {error}")]
    Region { arn: String, error: AwsRegionError },
    #[error("\"{arn}\": {error}")]
    Partition { arn: String, error: PartitionError },
    #[error("\"{arn}\": account {error}")]
    Account { arn: String, error: AccountIdError },
    /// The resource part lacks the prefix its service's ARNs have (`function:`, `stream/`, ...).
    #[error("\"{arn}\": {}", resource_shape(*kind))]
    ResourceShape { arn: String, kind: TargetKind },
    #[error("\"{arn}\": targets of service \"{service}\" are not supported; use SQS, SNS, Lambda, Kinesis, Firehose, CloudWatch Logs or an event bus")]
    UnsupportedService { arn: String, service: String },
    #[error("\"{arn}\" names no resource; {}", SHAPE)]
    NoResource { arn: String },
    /// A target other than an event bus outside the bus's region.
    #[error("\"{arn}\" is in {region}, but the partner event bus is in {bus_region}; EventBridge delivers to targets in the bus's region (route through an event bus target to cross regions)")]
    OtherRegion {
        arn: String,
        region: String,
        bus_region: String,
    },
}

/// What a target ARN of `kind` looks like.
fn resource_shape(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Sqs => "an SQS target is arn:aws:sqs:REGION:ACCOUNT:NAME",
        TargetKind::Sns => "an SNS target is arn:aws:sns:REGION:ACCOUNT:NAME",
        TargetKind::Lambda => "a Lambda target is arn:aws:lambda:REGION:ACCOUNT:function:NAME",
        TargetKind::Kinesis => "a Kinesis target is arn:aws:kinesis:REGION:ACCOUNT:stream/NAME",
        TargetKind::Firehose => {
            "a Firehose target is arn:aws:firehose:REGION:ACCOUNT:deliverystream/NAME"
        }
        TargetKind::Logs => {
            "a CloudWatch Logs target is arn:aws:logs:REGION:ACCOUNT:log-group:NAME"
        }
        TargetKind::EventBus => {
            "an event bus target is arn:aws:events:REGION:ACCOUNT:event-bus/NAME"
        }
    }
}

/// The kind of target a service's ARNs name, and the prefix of their resource part.
fn service_kind(service: &str) -> Option<(TargetKind, &'static str)> {
    Some(match service {
        "sqs" => (TargetKind::Sqs, ""),
        "sns" => (TargetKind::Sns, ""),
        "lambda" => (TargetKind::Lambda, "function:"),
        "kinesis" => (TargetKind::Kinesis, "stream/"),
        "firehose" => (TargetKind::Firehose, "deliverystream/"),
        "logs" => (TargetKind::Logs, "log-group:"),
        "events" => (TargetKind::EventBus, "event-bus/"),
        _ => return None,
    })
}

/// Parses a target ARN; `bus_region` is the region of the partner bus (targets other than buses
/// must be in it).
pub fn parse_target(arn: &str, bus_region: &str) -> Result<TargetSpec, TargetError> {
    let owned = || arn.to_string();
    let Some([partition, service, region, account, resource]) =
        arn_fields(arn).filter(|[partition, ..]| !partition.is_empty())
    else {
        return Err(TargetError::NotAnArn { arn: owned() });
    };
    let partition_error = |error| TargetError::Partition {
        arn: owned(),
        error,
    };
    check_supported(partition, region).map_err(partition_error)?;
    check_aws_region(region).map_err(|error| TargetError::Region {
        arn: owned(),
        error,
    })?;
    check_fits(partition, region).map_err(partition_error)?;
    check_aws_account_id(account).map_err(|error| TargetError::Account {
        arn: owned(),
        error,
    })?;
    let Some((kind, prefix)) = service_kind(service) else {
        return Err(TargetError::UnsupportedService {
            arn: owned(),
            service: service.to_string(),
        });
    };
    let mut name = resource
        .strip_prefix(prefix)
        .ok_or_else(|| TargetError::ResourceShape { arn: owned(), kind })?;
    if kind == TargetKind::Logs {
        name = name.trim_end_matches(":*");
    }
    if name.is_empty() {
        return Err(TargetError::NoResource { arn: owned() });
    }
    if kind != TargetKind::EventBus && region != bus_region {
        return Err(TargetError::OtherRegion {
            arn: owned(),
            region: region.to_string(),
            bus_region: bus_region.to_string(),
        });
    }
    Ok(TargetSpec {
        id: target_id(kind, name),
        arn: arn.to_string(),
        kind,
        settings: Default::default(),
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

/// Why a rule name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleNameError {
    /// Empty, longer than 64, or with a character outside letters, digits, `.`, `-`, `_`.
    #[error("\"{name}\" is not a valid rule name: 1 to 64 letters, digits, '.', '-' or '_'")]
    Invalid { name: String },
}

/// Checks a rule name: 1 to 64 of letters, digits, `.`, `-`, `_`.
pub fn check_rule_name(name: &str) -> Result<(), RuleNameError> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        return Err(RuleNameError::Invalid {
            name: name.to_string(),
        });
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
            let e = parse_target(arn, "us-east-1").unwrap_err().to_string();
            assert!(e.contains(needle), "{arn}: {e}");
        }
    }

    #[test]
    fn target_errors_say_which_rule_failed() {
        let err = |arn: &str| parse_target(arn, "us-east-1").unwrap_err();
        let arn = |s: &str| s.to_string();
        assert_eq!(err("nope"), TargetError::NotAnArn { arn: arn("nope") });
        assert!(matches!(
            err("arn:aws:sqs:us-eest-1:123456789012:q"),
            TargetError::Region {
                error: AwsRegionError::NotACode { .. },
                ..
            }
        ));
        assert!(matches!(
            err("arn:aws:sqs:us-east-1:1234:q"),
            TargetError::Account {
                error: AccountIdError::NotTwelveDigits { .. },
                ..
            }
        ));
        assert!(matches!(
            err("arn:aws:lambda:us-east-1:123456789012:fn"),
            TargetError::ResourceShape {
                kind: TargetKind::Lambda,
                ..
            }
        ));
        assert!(matches!(
            err("arn:aws:s3:us-east-1:123456789012:bucket"),
            TargetError::UnsupportedService { service, .. } if service == "s3"
        ));
        assert!(matches!(
            err("arn:aws:sqs:us-east-1:123456789012:"),
            TargetError::NoResource { .. }
        ));
        assert_eq!(
            err("arn:aws:sqs:eu-west-1:123456789012:q"),
            TargetError::OtherRegion {
                arn: arn("arn:aws:sqs:eu-west-1:123456789012:q"),
                region: arn("eu-west-1"),
                bus_region: arn("us-east-1"),
            }
        );
        assert_eq!(
            err("arn:aws:kinesis:us-east-1:123456789012:s").to_string(),
            "\"arn:aws:kinesis:us-east-1:123456789012:s\": a Kinesis target is arn:aws:kinesis:REGION:ACCOUNT:stream/NAME"
        );
    }

    #[test]
    fn rule_names_are_checked() {
        assert!(check_rule_name("to-queue.1_a").is_ok());
        for bad in ["", "has space", &"r".repeat(65)] {
            assert_eq!(
                check_rule_name(bad),
                Err(RuleNameError::Invalid { name: bad.into() })
            );
        }
    }
}
