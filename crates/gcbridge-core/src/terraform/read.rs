//! Reading a destination's AWS half for an export, as `plan` reads it: the bus, the rules of
//! `[destination.aws]` on it and their targets, and each target's delivery permission. What
//! exists is imported by its live id; what does not is written from the config file alone (no
//! import block), so `terraform apply` creates it as `gcbridge apply` would.

use super::model::{lambda_function, AwsExport, LambdaPermissionExport, PolicyKind, RuleExport};
use super::policies::PolicySet;
use crate::aws::delivery::{self, sid_for};
use crate::aws::policy_eval::as_list;
use crate::aws::rule_diff::dead_letter_queues;
use crate::aws::rules;
use crate::aws::{lambda_permission, logs_policy, partner, sns_policy, sqs_policy};
use crate::aws::{AwsClients, AwsError};
use crate::desired::{AwsSpec, RuleSpec, TargetKind};
use crate::source_id::{rule_arn, SourceId};

/// The AWS half of one destination (`id` in the org `org_id`), as its `[destination.aws]` says
/// and the account has it; the policies its rules need go into `policies`. The credentials must
/// belong to the destination's account, as for `plan`.
pub async fn read_aws(
    aws: &AwsClients,
    id: &SourceId,
    spec: &AwsSpec,
    org_id: &str,
    policies: &mut PolicySet,
) -> Result<AwsExport, AwsError> {
    aws.check_account(&id.account).await?;
    let source = id.source_name(org_id);
    let bus_exists = partner::bus_arn(aws, &source).await?.is_some();
    let live = rules::rules_by_name(aws, &source, bus_exists).await?;
    let mut export = AwsExport {
        source: source.clone(),
        bus: spec.associate.then_some(bus_exists),
        rules: Vec::new(),
        lambda_permissions: Vec::new(),
    };
    for rule in &spec.rules {
        let l = live.get(&rule.name);
        let arn = l
            .map(|r| r.arn.clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| rule_arn(&id.region, &id.account, &source, &rule.name));
        let grants = Grants {
            aws,
            id,
            rule,
            rule_arn: &arn,
        };
        for t in rule.targets.iter().filter(|t| delivery::managed(t.kind)) {
            if t.kind == TargetKind::Lambda {
                export.lambda_permissions.push(grants.lambda(&t.arn).await?);
            } else {
                grants.policy(t.kind, &t.arn, policies).await?;
            }
        }
        for queue in dead_letter_queues(rule) {
            grants.policy(TargetKind::Sqs, &queue, policies).await?;
        }
        export.rules.push(RuleExport {
            spec: rule.clone(),
            arn,
            exists: l.is_some(),
            live_targets: l
                .map(|r| r.targets.iter().map(|t| t.id.clone()).collect())
                .unwrap_or_default(),
        });
    }
    Ok(export)
}

/// gcbridge's statements for one rule.
struct Grants<'a> {
    aws: &'a AwsClients,
    id: &'a SourceId,
    rule: &'a RuleSpec,
    rule_arn: &'a str,
}

impl Grants<'_> {
    /// A target that must exist before its permission can: gcbridge manages only the policy.
    fn missing(&self, kind: TargetKind, target: &str) -> AwsError {
        AwsError::new(format!(
            "rule {}: {} {target} does not exist in this account and region; create it first (gcbridge manages only its policy)",
            self.rule.name,
            delivery::resource_noun(kind)
        ))
    }

    /// The permission statement of a Lambda target: its own resource, since the function's
    /// policy is made of such statements (`aws_lambda_permission`).
    async fn lambda(&self, function: &str) -> Result<LambdaPermissionExport, AwsError> {
        let doc = lambda_permission::policy(self.aws, function)
            .await?
            .ok_or_else(|| self.missing(TargetKind::Lambda, function))?;
        let sid = sid_for(self.rule_arn);
        let exists = doc
            .as_ref()
            .is_some_and(|d| as_list(&d["Statement"]).iter().any(|s| s["Sid"] == *sid));
        let (function_name, qualifier) = lambda_function(function);
        Ok(LambdaPermissionExport {
            rule: self.rule.name.clone(),
            function_name,
            qualifier,
            statement_id: sid,
            exists,
        })
    }

    /// gcbridge's statement in the SQS, SNS or CloudWatch Logs policy of `target`, that policy
    /// read the first time it is met.
    async fn policy(
        &self,
        kind: TargetKind,
        target: &str,
        set: &mut PolicySet,
    ) -> Result<(), AwsError> {
        let (account, region) = (&self.id.account, &self.id.region);
        let (policy_kind, resource, statement) = match kind {
            TargetKind::Sqs => {
                let url = sqs_policy::queue_url(self.aws, target)
                    .await?
                    .ok_or_else(|| self.missing(kind, target))?;
                let statement = sqs_policy::statement(target, self.rule_arn);
                (PolicyKind::SqsQueue { url }, target.to_string(), statement)
            }
            TargetKind::Sns => (
                PolicyKind::SnsTopic,
                target.to_string(),
                sns_policy::statement(target, self.rule_arn),
            ),
            _ => (
                PolicyKind::LogsResource,
                logs_policy::POLICY_NAME.to_string(),
                logs_policy::statement(target, self.rule_arn),
            ),
        };
        if !set.has(&policy_kind, account, region, &resource) {
            let live = self.live_policy(&policy_kind, kind, target).await?;
            set.start(policy_kind.clone(), account, region, &resource, live);
        }
        if kind == TargetKind::Logs && !logs_policy::group_exists(self.aws, target).await? {
            return Err(self.missing(kind, target));
        }
        set.add(&policy_kind, account, region, &resource, statement);
        Ok(())
    }

    async fn live_policy(
        &self,
        policy: &PolicyKind,
        kind: TargetKind,
        target: &str,
    ) -> Result<Option<serde_json::Value>, AwsError> {
        match policy {
            PolicyKind::SqsQueue { url } => sqs_policy::policy(self.aws, url).await,
            PolicyKind::SnsTopic => sns_policy::policy(self.aws, target)
                .await?
                .ok_or_else(|| self.missing(kind, target)),
            PolicyKind::LogsResource => logs_policy::own_policy(self.aws).await,
        }
    }
}
