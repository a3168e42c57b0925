//! What a test reads back from moto to see what a command did, and the hand edits it makes to the
//! same attributes to break a setup on purpose, each written once: a queue's policy, a rule's
//! targets, a role's trust policy and inline policies.

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::Value;

/// The `Policy` attribute of the queue at `url`, or "" when it has none.
pub async fn queue_policy(sqs: &aws_sdk_sqs::Client, url: &str) -> String {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::Policy)
        .send()
        .await
        .unwrap();
    out.attributes()
        .and_then(|a| a.get(&QueueAttributeName::Policy))
        .cloned()
        .unwrap_or_default()
}

/// The targets of `rule` on `bus` as EventBridge lists them; panics when the rule cannot be read.
pub async fn rule_targets(
    events: &aws_sdk_eventbridge::Client,
    bus: &str,
    rule: &str,
) -> Vec<aws_sdk_eventbridge::types::Target> {
    events
        .list_targets_by_rule()
        .rule(rule)
        .event_bus_name(bus)
        .send()
        .await
        .unwrap_or_else(|e| panic!("ListTargetsByRule {rule} on {bus}: {e:?}"))
        .targets()
        .to_vec()
}

/// A trust policy that lets the AWS `service` (`events.amazonaws.com`) assume a role.
pub fn trust(service: &str) -> Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
}

/// Creates the role `name` that `service` may assume (a user's role, made by hand); its ARN.
pub async fn create_role(iam: &aws_sdk_iam::Client, name: &str, service: &str) -> String {
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(trust(service).to_string())
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_string()
}

/// Replaces the trust policy of the role `name` with one that lets `service` assume it.
pub async fn set_trust(iam: &aws_sdk_iam::Client, name: &str, service: &str) {
    iam.update_assume_role_policy()
        .role_name(name)
        .policy_document(trust(service).to_string())
        .send()
        .await
        .unwrap();
}

/// The inline policy `policy` of the role `role`, as JSON (IAM, and moto, answer it URL-encoded).
pub async fn role_policy(iam: &aws_sdk_iam::Client, role: &str, policy: &str) -> Value {
    let out = iam
        .get_role_policy()
        .role_name(role)
        .policy_name(policy)
        .send()
        .await
        .unwrap();
    serde_json::from_str(&percent_decoded(out.policy_document())).unwrap()
}

fn percent_decoded(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_decoding_reads_what_iam_encodes() {
        assert_eq!(
            super::percent_decoded("%7B%22Version%22%3A%20%222012-10-17%22%7D"),
            r#"{"Version": "2012-10-17"}"#
        );
        assert_eq!(super::percent_decoded("plain"), "plain");
    }

    #[test]
    fn a_trust_policy_names_its_service() {
        let t = super::trust("events.amazonaws.com");
        assert_eq!(
            t["Statement"][0]["Principal"]["Service"],
            "events.amazonaws.com"
        );
        assert_eq!(t["Statement"][0]["Action"], "sts:AssumeRole");
    }
}
