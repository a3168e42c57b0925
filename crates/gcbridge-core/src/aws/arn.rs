//! Parsing the ARNs users paste for an EventBridge destination.
//!
//! Genesys never takes an ARN: the integration takes an account, a region and a suffix, and Genesys
//! names the partner event source `aws.partner/genesys.com/cloud/{orgId}/{suffix}`. Users, however,
//! copy an ARN from the AWS console (or from the tutorial), so we accept the partner event bus ARN,
//! the partner event source ARN and the tutorial's `partner-event-bus/...` form and derive the three
//! values from it.

use super::ids::{check_aws_account_id, check_aws_region, AccountIdError, AwsRegionError};
use crate::arn_fields::arn_fields;
use crate::genesys::{check_event_source_suffix, SuffixError};
use crate::partition::{check_fits, check_supported, partition_of, PartitionError};
use crate::source_id::PARTNER_PREFIX;

/// What an ARN says about a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerArn {
    pub region: String,
    /// Partner event source ARNs carry no account; the caller must then supply it.
    pub account_id: Option<String>,
    pub org_id: String,
    pub suffix: String,
    pub kind: ArnKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArnKind {
    EventBus,
    EventSource,
    /// The tutorial's made-up `partner-event-bus/` resource type.
    TutorialPartnerEventBus,
}

impl PartnerArn {
    /// The real event bus ARN for this destination, when the account is known.
    pub fn event_bus_arn(&self) -> Option<String> {
        self.account_id.as_ref().map(|account| {
            format!(
                "arn:{}:events:{}:{}:event-bus/{}{}/{}",
                partition_of(&self.region),
                self.region,
                account,
                PARTNER_PREFIX,
                self.org_id,
                self.suffix
            )
        })
    }

    /// A warning to show the user, for forms that work but are not the real ones.
    pub fn warning(&self) -> Option<String> {
        match self.kind {
            ArnKind::TutorialPartnerEventBus => Some(format!(
                "\"partner-event-bus/\" is not an AWS resource type; the real ARN is {}",
                self.event_bus_arn().unwrap_or_else(|| "arn:aws:events:REGION:ACCOUNT:event-bus/aws.partner/genesys.com/cloud/ORGID/SUFFIX".into())
            )),
            _ => None,
        }
    }
}

const SHAPE: &str =
    "expected arn:aws:events:REGION:ACCOUNT:event-bus/aws.partner/genesys.com/cloud/ORGID/SUFFIX";

/// Why a partner ARN was refused; every variant carries the ARN as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    #[error("\"{arn}\" is not an ARN; {}", SHAPE)]
    NotAnArn { arn: String },
    #[error("\"{arn}\": {error}")]
    Partition { arn: String, error: PartitionError },
    #[error(
        "\"{arn}\" is an ARN of service \"{service}\", not of EventBridge (\"events\"); {}",
        SHAPE
    )]
    NotEventBridge { arn: String, service: String },
    #[error("\"{arn}\": region {error}")]
    Region { arn: String, error: AwsRegionError },
    /// `resource_type` is the resource part up to its first `/` (`rule`, `api-destination`).
    #[error(
        "\"{arn}\" names a \"{resource_type}\", not an event bus or partner event source; {}",
        SHAPE
    )]
    NotABusOrSource { arn: String, resource_type: String },
    /// A bus or source whose name does not start with [`PARTNER_PREFIX`].
    #[error("\"{arn}\" is not a Genesys Cloud partner bus: its name must start with \"{}\" \
             (the bus that Genesys feeds is created from the partner event source, not a custom or default bus); {}", PARTNER_PREFIX, SHAPE)]
    NotPartner { arn: String },
    #[error("\"{arn}\" lacks the org id or the suffix; {}", SHAPE)]
    NoOrgOrSuffix { arn: String },
    #[error("\"{arn}\": suffix {error}")]
    Suffix { arn: String, error: SuffixError },
    #[error("\"{arn}\": account {error}")]
    Account { arn: String, error: AccountIdError },
    /// An event bus ARN (only source ARNs may leave the account out) with no account.
    #[error("\"{arn}\" has no account id; {}", SHAPE)]
    NoAccount { arn: String },
}

/// Parses a partner event bus / event source ARN. Errors say which part is wrong and what the ARN
/// should look like.
pub fn parse_partner_arn(arn: &str) -> Result<PartnerArn, ArnError> {
    let owned = || arn.to_string();
    let Some([partition, service, region, account, resource]) = arn_fields(arn) else {
        return Err(ArnError::NotAnArn { arn: owned() });
    };
    let partition_error = |error| ArnError::Partition {
        arn: owned(),
        error,
    };
    check_supported(partition, region).map_err(partition_error)?;
    if service != "events" {
        return Err(ArnError::NotEventBridge {
            arn: owned(),
            service: service.to_string(),
        });
    }
    check_aws_region(region).map_err(|error| ArnError::Region {
        arn: owned(),
        error,
    })?;
    check_fits(partition, region).map_err(partition_error)?;
    let (kind, name) = if let Some(rest) = resource.strip_prefix("event-bus/") {
        (ArnKind::EventBus, rest)
    } else if let Some(rest) = resource.strip_prefix("event-source/") {
        (ArnKind::EventSource, rest)
    } else if let Some(rest) = resource.strip_prefix("partner-event-bus/") {
        (ArnKind::TutorialPartnerEventBus, rest)
    } else {
        return Err(ArnError::NotABusOrSource {
            arn: owned(),
            resource_type: resource.split('/').next().unwrap_or(resource).to_string(),
        });
    };
    let Some(tail) = name.strip_prefix(PARTNER_PREFIX) else {
        return Err(ArnError::NotPartner { arn: owned() });
    };
    let mut pieces = tail.splitn(2, '/');
    let org_id = pieces.next().unwrap_or_default();
    let suffix = pieces.next().unwrap_or_default();
    if org_id.is_empty() || suffix.is_empty() {
        return Err(ArnError::NoOrgOrSuffix { arn: owned() });
    }
    check_event_source_suffix(suffix).map_err(|error| ArnError::Suffix {
        arn: owned(),
        error,
    })?;
    let account_id = if account.is_empty() {
        None
    } else {
        check_aws_account_id(account).map_err(|error| ArnError::Account {
            arn: owned(),
            error,
        })?;
        Some(account.to_string())
    };
    if account_id.is_none() && kind != ArnKind::EventSource {
        return Err(ArnError::NoAccount { arn: owned() });
    }
    Ok(PartnerArn {
        region: region.to_string(),
        account_id,
        org_id: org_id.to_string(),
        suffix: suffix.to_string(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORG: &str = "9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77";

    #[test]
    fn bus_source_and_tutorial_forms_parse() {
        let bus = format!("arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/{ORG}/prod");
        let p = parse_partner_arn(&bus).unwrap();
        assert_eq!(
            (
                p.region.as_str(),
                p.account_id.as_deref(),
                p.org_id.as_str(),
                p.suffix.as_str()
            ),
            ("us-east-1", Some("123456789012"), ORG, "prod")
        );
        assert_eq!(p.event_bus_arn().unwrap(), bus);
        assert!(p.warning().is_none());

        let src =
            format!("arn:aws:events:eu-west-1::event-source/aws.partner/genesys.com/cloud/{ORG}/x");
        let p = parse_partner_arn(&src).unwrap();
        assert_eq!(p.account_id, None);
        assert_eq!(p.kind, ArnKind::EventSource);

        let tut = format!("arn:aws:events:us-east-1:123456789012:partner-event-bus/aws.partner/genesys.com/cloud/{ORG}/t");
        let p = parse_partner_arn(&tut).unwrap();
        assert!(p.warning().unwrap().contains("event-bus/aws.partner"));
    }

    #[test]
    fn wrong_arns_are_explained() {
        for (arn, needle) in [
            ("not-an-arn", "is not an ARN"),
            ("arn:aws:sqs:us-east-1:123456789012:q", "not of EventBridge"),
            ("arn:aws:events:us-east-1:123456789012:event-bus/default", "not a Genesys Cloud partner bus"),
            ("arn:aws:events:us-east-1:123456789012:rule/x", "not an event bus"),
            ("arn:aws:events:us-eest-1:123456789012:event-bus/aws.partner/genesys.com/cloud/o/s", "region"),
            ("arn:aws:events:us-east-1:1234:event-bus/aws.partner/genesys.com/cloud/o/s", "account"),
            ("arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/o/", "suffix"),
            ("arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/o/a b", "suffix"),
        ] {
            let err = parse_partner_arn(arn).unwrap_err().to_string();
            assert!(err.contains(needle), "{arn}: {err}");
        }
    }

    #[test]
    fn arn_errors_say_which_part_is_wrong() {
        let err = |arn: &str| parse_partner_arn(arn).unwrap_err();
        let bus = |tail: &str| format!("arn:aws:events:us-east-1:123456789012:{tail}");
        assert!(matches!(err("not-an-arn"), ArnError::NotAnArn { .. }));
        assert!(matches!(
            err("arn:aws-x:events:us-east-1:1:event-bus/x"),
            ArnError::Partition { error: PartitionError::NotSupported { partition }, .. } if partition == "aws-x"
        ));
        assert!(matches!(
            err("arn:aws:events:us-gov-west-1:123456789012:event-bus/x"),
            ArnError::Partition {
                error: PartitionError::Mismatch {
                    expected: "aws-us-gov",
                    ..
                },
                ..
            }
        ));
        assert!(matches!(
            err("arn:aws:sqs:us-east-1:123456789012:q"),
            ArnError::NotEventBridge { service, .. } if service == "sqs"
        ));
        assert!(matches!(
            err("arn:aws:events:US_EAST_1:123456789012:event-bus/x"),
            ArnError::Region {
                error: AwsRegionError::WrongCase { .. },
                ..
            }
        ));
        assert!(matches!(
            err(&bus("rule/x")),
            ArnError::NotABusOrSource { resource_type, .. } if resource_type == "rule"
        ));
        assert!(matches!(
            err(&bus("event-bus/default")),
            ArnError::NotPartner { .. }
        ));
        let partner = |tail: &str| bus(&format!("event-bus/{PARTNER_PREFIX}{tail}"));
        assert!(matches!(
            err(&partner("o/")),
            ArnError::NoOrgOrSuffix { .. }
        ));
        assert!(matches!(
            err(&partner("o/a b")),
            ArnError::Suffix {
                error: SuffixError::BadChar { bad: ' ', .. },
                ..
            }
        ));
        let short = format!("arn:aws:events:us-east-1:1234:event-bus/{PARTNER_PREFIX}o/s");
        assert!(matches!(
            err(&short),
            ArnError::Account { error: AccountIdError::NotTwelveDigits { id }, .. } if id == "1234"
        ));
        let no_account = format!("arn:aws:events:us-east-1::event-bus/{PARTNER_PREFIX}o/s");
        assert_eq!(
            err(&no_account),
            ArnError::NoAccount {
                arn: no_account.clone()
            }
        );
        assert_eq!(
            err(&bus("event-bus/default")).to_string(),
            format!(
                "\"{}\" is not a Genesys Cloud partner bus: its name must start with \"{PARTNER_PREFIX}\" \
                 (the bus that Genesys feeds is created from the partner event source, not a custom or default bus); {SHAPE}",
                bus("event-bus/default")
            )
        );
    }
}
