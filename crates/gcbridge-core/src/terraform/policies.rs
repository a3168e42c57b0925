//! The whole-document resource policies of an export. Terraform's `aws_sqs_queue_policy`,
//! `aws_sns_topic_policy` and `aws_cloudwatch_log_resource_policy` own a policy entirely, so each
//! is written once, as the live document with gcbridge's statement for every rule delivering
//! there put in place (by statement id, as `apply` does): adopting it changes nothing that is
//! already right, and adds what `gcbridge plan` would add.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::model::{PolicyExport, PolicyKind};
use crate::aws::delivery::with_statement;

/// Which policy: its kind's order, account, region and resource (a Logs policy name is only
/// unique in its account and region).
type Key = (u8, String, String, String);

/// The policies met so far, in a stable order.
#[derive(Debug, Default)]
pub struct PolicySet {
    policies: BTreeMap<Key, PolicyExport>,
}

fn key(kind: &PolicyKind, account: &str, region: &str, resource: &str) -> Key {
    let order = match kind {
        PolicyKind::SqsQueue { .. } => 0,
        PolicyKind::SnsTopic => 1,
        PolicyKind::LogsResource => 2,
    };
    (order, account.into(), region.into(), resource.into())
}

impl PolicySet {
    /// Whether the policy of `resource` was read already.
    pub fn has(&self, kind: &PolicyKind, account: &str, region: &str, resource: &str) -> bool {
        self.policies
            .contains_key(&key(kind, account, region, resource))
    }

    /// Starts a policy from its live document (`None`: it has none yet).
    pub fn start(
        &mut self,
        kind: PolicyKind,
        account: &str,
        region: &str,
        resource: &str,
        live: Option<Value>,
    ) {
        let exists = live.is_some();
        let document = live.unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
        self.policies.insert(
            key(&kind, account, region, resource),
            PolicyExport {
                kind,
                account: account.into(),
                region: region.into(),
                resource: resource.into(),
                document,
                exists,
            },
        );
    }

    /// Puts gcbridge's `statement` in the policy (replacing one of its statement id).
    pub fn add(
        &mut self,
        kind: &PolicyKind,
        account: &str,
        region: &str,
        resource: &str,
        statement: Value,
    ) {
        if let Some(p) = self.policies.get_mut(&key(kind, account, region, resource)) {
            p.document = with_statement(Some(p.document.take()), statement);
        }
    }

    pub fn into_vec(self) -> Vec<PolicyExport> {
        self.policies.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_join_the_live_document_once_per_sid() {
        let mut set = PolicySet::default();
        let kind = PolicyKind::SnsTopic;
        let user = json!({"Sid": "user", "Effect": "Allow"});
        set.start(
            kind.clone(),
            "1",
            "r",
            "t",
            Some(json!({"Version": "2012-10-17", "Statement": [user.clone()]})),
        );
        set.add(&kind, "1", "r", "t", json!({"Sid": "g", "Action": "a"}));
        set.add(&kind, "1", "r", "t", json!({"Sid": "g", "Action": "b"}));
        assert!(set.has(&kind, "1", "r", "t") && !set.has(&kind, "2", "r", "t"));
        set.start(PolicyKind::LogsResource, "1", "r", "p", None);
        let all = set.into_vec();
        assert_eq!(
            all[0].document["Statement"],
            json!([user, {"Sid": "g", "Action": "b"}])
        );
        assert!(all[0].exists && !all[1].exists);
        assert_eq!(
            all[1].document,
            json!({"Version": "2012-10-17", "Statement": []})
        );
    }
}
