//! The identity of a destination on both halves: the AWS account, the AWS region and the event source
//! suffix. Genesys matches an integration to a destination by it (DESIGN.md section 3), and it names
//! the partner event source, its bus and the ARNs of the rules on that bus.

use serde::Serialize;

use crate::desired::{Destination, DestinationSpec};
use crate::partition::partition_of;

/// The prefix of every Genesys Cloud partner event source name.
pub const PARTNER_PREFIX: &str = "aws.partner/genesys.com/cloud/";

/// (account, region, suffix): one partner event source per org.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SourceId {
    pub account: String,
    pub region: String,
    pub suffix: String,
}

impl SourceId {
    pub fn new(account: &str, region: &str, suffix: &str) -> SourceId {
        SourceId {
            account: account.to_string(),
            region: region.to_string(),
            suffix: suffix.to_string(),
        }
    }

    /// `aws.partner/genesys.com/cloud/{orgId}/{suffix}`: the partner event source Genesys creates in
    /// the org `org_id`, and the name of the bus associated with it.
    pub fn source_name(&self, org_id: &str) -> String {
        partner_event_source_name(org_id, &self.suffix)
    }

    /// The ARN of the partner event bus created from the source (same name as the source).
    pub fn bus_arn(&self, org_id: &str) -> String {
        format!(
            "arn:{}:events:{}:{}:event-bus/{}",
            partition_of(&self.region),
            self.region,
            self.account,
            self.source_name(org_id)
        )
    }

    /// The ARN a rule on the partner bus has (known before it exists, for policy checks).
    pub fn rule_arn(&self, org_id: &str, rule: &str) -> String {
        rule_arn(&self.region, &self.account, &self.source_name(org_id), rule)
    }
}

/// `aws.partner/genesys.com/cloud/{orgId}/{suffix}`, for an integration whose suffix alone is known.
pub fn partner_event_source_name(org_id: &str, suffix: &str) -> String {
    format!("{PARTNER_PREFIX}{org_id}/{suffix}")
}

/// The ARN of rule `rule` on the bus named `bus`.
pub fn rule_arn(region: &str, account: &str, bus: &str, rule: &str) -> String {
    let partition = partition_of(region);
    format!("arn:{partition}:events:{region}:{account}:rule/{bus}/{rule}")
}

impl Destination {
    pub fn source_id(&self) -> SourceId {
        SourceId::new(
            &self.aws_account_id,
            &self.aws_region,
            &self.event_source_suffix,
        )
    }
}

impl DestinationSpec {
    pub fn source_id(&self) -> SourceId {
        SourceId::new(
            &self.aws_account_id,
            &self.aws_region,
            &self.event_source_suffix,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns_follow_the_partner_source() {
        let id = SourceId::new("123456789012", "eu-west-1", "prod");
        assert_eq!(
            id.source_name("org-1"),
            "aws.partner/genesys.com/cloud/org-1/prod"
        );
        assert_eq!(
            id.bus_arn("org-1"),
            "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/genesys.com/cloud/org-1/prod"
        );
        assert_eq!(
            id.rule_arn("org-1", "to-sqs"),
            "arn:aws:events:eu-west-1:123456789012:rule/aws.partner/genesys.com/cloud/org-1/prod/to-sqs"
        );
    }
}
