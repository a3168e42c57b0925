//! What `gcbridge export --format terraform` writes, as plain data: every resource with the live
//! id it is imported from (`None`: it does not exist yet, so Terraform creates it). Reading
//! (`read.rs`) fills it, rendering (`render.rs`) writes it; tests build it by hand.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::desired::RuleSpec;

/// The whole export: each org's integrations (with their AWS halves) and the policies they share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TerraformExport {
    pub orgs: Vec<OrgExport>,
    /// Whole-document policies (SQS queue, SNS topic, CloudWatch Logs resource policy): one
    /// resource each, holding the statements of every rule (of any org) that delivers there.
    pub policies: Vec<PolicyExport>,
}

/// One Genesys org.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgExport {
    /// The org's name in the config file (`default` for the single-org form).
    pub name: String,
    /// The Genesys org id (it is part of every partner event source name).
    pub org_id: String,
    /// The Genesys region as an AWS-style code (`eu-west-1`), when the connection names one:
    /// the genesyscloud provider's `aws_region`.
    pub genesys_region: Option<String>,
    pub integrations: Vec<IntegrationExport>,
}

/// One live EventBridge integration, and the AWS half its config file manages.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationExport {
    /// The live integration id (its import id).
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub notes: Option<String>,
    pub account: String,
    pub region: String,
    pub suffix: String,
    /// Sorted, so the same org always exports the same text.
    pub topics: BTreeSet<String>,
    pub aws: Option<AwsExport>,
}

/// The destination's AWS half: what its `[destination.aws]` manages.
#[derive(Debug, Clone, PartialEq)]
pub struct AwsExport {
    /// The partner event source, and the name of its bus.
    pub source: String,
    /// `Some(exists)` when gcbridge associates the bus (`associate = true`), so Terraform manages it.
    pub bus: Option<bool>,
    pub rules: Vec<RuleExport>,
    pub lambda_permissions: Vec<LambdaPermissionExport>,
}

/// A rule as the config file describes it, with what exists of it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleExport {
    pub spec: RuleSpec,
    /// Its ARN: the live one, else the one it will have.
    pub arn: String,
    pub exists: bool,
    /// The ids of its live targets.
    pub live_targets: BTreeSet<String>,
}

/// gcbridge's statement in a Lambda function's policy, for one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaPermissionExport {
    /// The rule's name in the config file (the permission's `source_arn` is that rule's ARN).
    pub rule: String,
    pub function_name: String,
    /// The alias or version of a qualified function ARN.
    pub qualifier: Option<String>,
    pub statement_id: String,
    pub exists: bool,
}

/// Which resource policy a [`PolicyExport`] is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyKind {
    /// `aws_sqs_queue_policy`; the queue's URL is its import id.
    SqsQueue { url: String },
    /// `aws_sns_topic_policy`.
    SnsTopic,
    /// `aws_cloudwatch_log_resource_policy` (gcbridge's one policy of the account and region).
    LogsResource,
}

/// A whole resource policy: the live document with gcbridge's statements in place.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyExport {
    pub kind: PolicyKind,
    pub account: String,
    pub region: String,
    /// The queue or topic ARN, or the Logs policy's name.
    pub resource: String,
    pub document: Value,
    /// The policy exists (an SQS queue without a Policy attribute has none to import).
    pub exists: bool,
}

impl PolicyExport {
    /// The id `terraform import` takes for it.
    pub fn import_id(&self) -> &str {
        match &self.kind {
            PolicyKind::SqsQueue { url } => url,
            PolicyKind::SnsTopic | PolicyKind::LogsResource => &self.resource,
        }
    }
}

impl LambdaPermissionExport {
    /// `FUNCTION/STATEMENT_ID`, or `FUNCTION:QUALIFIER/STATEMENT_ID`, as the AWS provider imports it.
    pub fn import_id(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{}:{q}/{}", self.function_name, self.statement_id),
            None => format!("{}/{}", self.function_name, self.statement_id),
        }
    }
}

/// The AWS provider's import id of a rule on a (partner) bus: `BUS/RULE`.
pub fn rule_import_id(bus: &str, rule: &str) -> String {
    format!("{bus}/{rule}")
}

/// The AWS provider's import id of a target: `BUS/RULE/TARGET_ID`.
pub fn target_import_id(bus: &str, rule: &str, target: &str) -> String {
    format!("{bus}/{rule}/{target}")
}

/// (function name, qualifier) of a Lambda function ARN
/// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`); a bare name is itself.
pub fn lambda_function(arn: &str) -> (String, Option<String>) {
    let resource = crate::arn_fields::arn_fields(arn).map(|[.., resource]| resource);
    let parts: Vec<&str> = resource.map(|r| r.split(':').collect()).unwrap_or_default();
    match parts.as_slice() {
        ["function", name] => (name.to_string(), None),
        ["function", name, q] => (name.to_string(), Some(q.to_string())),
        _ => (arn.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_arns_split_into_name_and_qualifier() {
        let base = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(lambda_function(base), ("f".into(), None));
        assert_eq!(
            lambda_function(&format!("{base}:live")),
            ("f".into(), Some("live".into()))
        );
        let p = LambdaPermissionExport {
            rule: "r".into(),
            function_name: "f".into(),
            qualifier: Some("live".into()),
            statement_id: "sid".into(),
            exists: true,
        };
        assert_eq!(p.import_id(), "f:live/sid");
    }
}
