//! THE table of every AWS call gcbridge makes: the SDK operation as the call sites write it
//! (`events.list_rules`), the IAM action it needs, what it acts on (the policy's Resource) and the
//! commands that make it. `gcbridge iam-policy` is built from this table alone, and a core test
//! (crates/gcbridge-core/tests/core/iam_policy.rs) reads core's source and fails when a call site's operation or action is
//! missing here, or a row names an operation no call site makes, so the policy cannot drift.
//!
//! Actions with no resource-level permission (the Service Authorization Reference lists no
//! resource type for them) are [`On::Any`]: `sts:GetCallerIdentity`, `events:ListRules`,
//! `events:TestEventPattern`, `sqs:ListQueues`, and the account-wide CloudWatch Logs resource
//! policy calls ([`On::LogsAccount`]: `logs:DescribeResourcePolicies`, `logs:PutResourcePolicy`,
//! `logs:DeleteResourcePolicy`). docs/REAL-API.md lists them with the reference as the source.

pub use super::kinds::{Cmd, On, POLICY_COMMANDS};

/// One row: an SDK operation (or an action AWS checks along with one), the IAM action, what it
/// acts on and who calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// `client.operation` as the call sites write it (`events.put_rule`), or for an action that
    /// AWS checks along with another call, `implied by client.operation`.
    pub sdk: &'static str,
    pub action: &'static str,
    pub on: On,
    pub by: &'static [Cmd],
}

use Cmd::*;

const ALL: &[Cmd] = &[Plan, Apply, Doctor, Tail, Replay, Destroy];
const READS: &[Cmd] = &[Plan, Apply, Doctor, Destroy];
const LISTENERS: &[Cmd] = &[Doctor, Tail, Replay];

const fn c(sdk: &'static str, action: &'static str, on: On, by: &'static [Cmd]) -> Call {
    Call {
        sdk,
        action,
        on,
        by,
    }
}

/// Every AWS call, in the order a user reads the policy: identity, EventBridge, SQS, the
/// other targets, IAM, secrets.
pub const CALLS: &[Call] = &[
    // Needs no permission (AWS allows it even under an explicit deny): listed so that every call
    // is in the table.
    c(
        "sts.get_caller_identity",
        "sts:GetCallerIdentity",
        On::Any,
        ALL,
    ),
    c(
        "events.describe_event_source",
        "events:DescribeEventSource",
        On::EventSource,
        READS,
    ),
    c(
        "events.describe_event_bus",
        "events:DescribeEventBus",
        On::Bus,
        ALL,
    ),
    c(
        "events.create_event_bus",
        "events:CreateEventBus",
        On::AssociatedBus,
        &[Apply],
    ),
    c(
        "events.delete_event_bus",
        "events:DeleteEventBus",
        On::AssociatedBus,
        &[Destroy],
    ),
    c("events.list_rules", "events:ListRules", On::Any, ALL),
    c(
        "events.list_targets_by_rule",
        "events:ListTargetsByRule",
        On::Rules,
        READS,
    ),
    c(
        "events.put_rule",
        "events:PutRule",
        On::Rules,
        &[Apply, Doctor, Tail, Replay],
    ),
    c(
        "events.put_targets",
        "events:PutTargets",
        On::Rules,
        &[Apply, Doctor, Tail, Replay],
    ),
    c(
        "events.remove_targets",
        "events:RemoveTargets",
        On::Rules,
        &[Apply, Doctor, Tail, Replay, Destroy],
    ),
    c(
        "events.delete_rule",
        "events:DeleteRule",
        On::Rules,
        &[Apply, Doctor, Tail, Replay, Destroy],
    ),
    c(
        "events.tag_resource",
        "events:TagResource",
        On::TemporaryRules,
        LISTENERS,
    ),
    c(
        "events.test_event_pattern",
        "events:TestEventPattern",
        On::Any,
        &[Plan, Apply, Doctor],
    ),
    c(
        "events.describe_archive",
        "events:DescribeArchive",
        On::Archive,
        &[Plan, Apply, Doctor, Replay, Destroy],
    ),
    c(
        "events.create_archive",
        "events:CreateArchive",
        On::Archive,
        &[Apply],
    ),
    c(
        "events.update_archive",
        "events:UpdateArchive",
        On::Archive,
        &[Apply],
    ),
    c(
        "events.delete_archive",
        "events:DeleteArchive",
        On::Archive,
        &[Destroy],
    ),
    c(
        "events.start_replay",
        "events:StartReplay",
        On::Replays,
        &[Replay],
    ),
    c(
        "events.describe_replay",
        "events:DescribeReplay",
        On::Replays,
        &[Replay],
    ),
    c(
        "events.cancel_replay",
        "events:CancelReplay",
        On::Replays,
        &[Replay],
    ),
    c(
        "events.put_events",
        "events:PutEvents",
        On::CommandLine,
        &[EventsSend],
    ),
    // SQS: the temporary listeners' queues, swept when expired.
    c(
        "sqs.list_queues",
        "sqs:ListQueues",
        On::Any,
        &[Apply, Doctor, Tail, Destroy],
    ),
    c(
        "sqs.create_queue",
        "sqs:CreateQueue",
        On::TemporaryQueues,
        LISTENERS,
    ),
    // CreateQueue with tags also needs sqs:TagQueue (CreateQueue API reference).
    c(
        "implied by sqs.create_queue",
        "sqs:TagQueue",
        On::TemporaryQueues,
        LISTENERS,
    ),
    c(
        "sqs.get_queue_attributes",
        "sqs:GetQueueAttributes",
        On::TemporaryQueues,
        LISTENERS,
    ),
    c(
        "sqs.set_queue_attributes",
        "sqs:SetQueueAttributes",
        On::TemporaryQueues,
        LISTENERS,
    ),
    c(
        "sqs.receive_message",
        "sqs:ReceiveMessage",
        On::TemporaryQueues,
        LISTENERS,
    ),
    c(
        "sqs.delete_message",
        "sqs:DeleteMessage",
        On::TemporaryQueues,
        LISTENERS,
    ),
    c(
        "sqs.delete_queue",
        "sqs:DeleteQueue",
        On::TemporaryQueues,
        &[Apply, Doctor, Tail, Replay, Destroy],
    ),
    // SQS targets and dead-letter queues: their queue policies.
    c(
        "sqs.get_queue_url",
        "sqs:GetQueueUrl",
        On::TargetQueues,
        READS,
    ),
    c(
        "sqs.get_queue_attributes",
        "sqs:GetQueueAttributes",
        On::TargetQueues,
        READS,
    ),
    c(
        "sqs.set_queue_attributes",
        "sqs:SetQueueAttributes",
        On::TargetQueues,
        &[Apply, Destroy],
    ),
    c(
        "sqs.get_queue_url",
        "sqs:GetQueueUrl",
        On::DeadLetterQueues,
        READS,
    ),
    c(
        "sqs.get_queue_attributes",
        "sqs:GetQueueAttributes",
        On::DeadLetterQueues,
        READS,
    ),
    c(
        "sqs.set_queue_attributes",
        "sqs:SetQueueAttributes",
        On::DeadLetterQueues,
        &[Apply, Destroy],
    ),
    // doctor counts and peeks at (never takes) what a dead-letter queue holds.
    c(
        "sqs.receive_message",
        "sqs:ReceiveMessage",
        On::DeadLetterQueues,
        &[Doctor],
    ),
    c(
        "sns.get_topic_attributes",
        "sns:GetTopicAttributes",
        On::TargetTopics,
        READS,
    ),
    c(
        "sns.set_topic_attributes",
        "sns:SetTopicAttributes",
        On::TargetTopics,
        &[Apply, Destroy],
    ),
    c(
        "lambda.get_function",
        "lambda:GetFunction",
        On::TargetFunctions,
        READS,
    ),
    c(
        "lambda.get_policy",
        "lambda:GetPolicy",
        On::TargetFunctions,
        READS,
    ),
    c(
        "lambda.add_permission",
        "lambda:AddPermission",
        On::TargetFunctions,
        &[Apply],
    ),
    c(
        "lambda.remove_permission",
        "lambda:RemovePermission",
        On::TargetFunctions,
        &[Apply, Destroy],
    ),
    c(
        "logs.describe_log_groups",
        "logs:DescribeLogGroups",
        On::TargetLogGroups,
        READS,
    ),
    c(
        "logs.describe_resource_policies",
        "logs:DescribeResourcePolicies",
        On::LogsAccount,
        READS,
    ),
    c(
        "logs.put_resource_policy",
        "logs:PutResourcePolicy",
        On::LogsAccount,
        &[Apply, Destroy],
    ),
    c(
        "logs.delete_resource_policy",
        "logs:DeleteResourcePolicy",
        On::LogsAccount,
        &[Apply, Destroy],
    ),
    // IAM: gcbridge's delivery role (created, updated, deleted) and every role a target uses (read).
    c("iam.get_role", "iam:GetRole", On::Roles, READS),
    c(
        "iam.list_role_policies",
        "iam:ListRolePolicies",
        On::Roles,
        READS,
    ),
    c("iam.get_role_policy", "iam:GetRolePolicy", On::Roles, READS),
    c(
        "iam.list_attached_role_policies",
        "iam:ListAttachedRolePolicies",
        On::Roles,
        READS,
    ),
    c(
        "iam.get_policy",
        "iam:GetPolicy",
        On::AttachedPolicies,
        READS,
    ),
    c(
        "iam.get_policy_version",
        "iam:GetPolicyVersion",
        On::AttachedPolicies,
        READS,
    ),
    c("iam.create_role", "iam:CreateRole", On::OwnRole, &[Apply]),
    // CreateRole with tags also needs iam:TagRole (IAM: "Permissions required to tag IAM roles").
    c(
        "implied by iam.create_role",
        "iam:TagRole",
        On::OwnRole,
        &[Apply],
    ),
    c(
        "iam.put_role_policy",
        "iam:PutRolePolicy",
        On::OwnRole,
        &[Apply],
    ),
    c(
        "iam.update_assume_role_policy",
        "iam:UpdateAssumeRolePolicy",
        On::OwnRole,
        &[Apply],
    ),
    c(
        "iam.delete_role_policy",
        "iam:DeleteRolePolicy",
        On::OwnRole,
        &[Apply, Destroy],
    ),
    c(
        "iam.detach_role_policy",
        "iam:DetachRolePolicy",
        On::OwnRole,
        &[Apply, Destroy],
    ),
    c(
        "iam.delete_role",
        "iam:DeleteRole",
        On::OwnRole,
        &[Apply, Destroy],
    ),
    // PutTargets with a RoleArn needs iam:PassRole on that role (PutTargets API reference).
    c(
        "implied by events.put_targets",
        "iam:PassRole",
        On::Roles,
        &[Apply],
    ),
    // client_secret_from: read when a command connects to the org.
    c(
        "secretsmanager.get_secret_value",
        "secretsmanager:GetSecretValue",
        On::Secret,
        ALL,
    ),
    c("ssm.get_parameter", "ssm:GetParameter", On::Parameter, ALL),
];

/// The rows of `action`.
pub fn rows(action: &str) -> impl Iterator<Item = &'static Call> + '_ {
    CALLS.iter().filter(move |c| c.action == action)
}

/// The commands that make `action`, in the order of [`POLICY_COMMANDS`] (empty when no row).
pub fn commands_of(action: &str) -> Vec<Cmd> {
    let mut cmds: Vec<Cmd> = rows(action).flat_map(|c| c.by.iter().copied()).collect();
    cmds.sort();
    cmds.dedup();
    cmds
}
