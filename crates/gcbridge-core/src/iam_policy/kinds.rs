//! The words of the table in `calls.rs`: the commands that call AWS ([`Cmd`]) and the kinds of
//! resource a call acts on ([`On`]), which `scope.rs` turns into the file's ARNs.

use serde::Serialize;

/// A gcbridge command that calls AWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cmd {
    Plan,
    Apply,
    Doctor,
    Tail,
    Replay,
    Destroy,
    /// `events send`: PutEvents onto a custom bus named on its command line, not in the file.
    EventsSend,
}

impl Cmd {
    pub fn as_str(self) -> &'static str {
        match self {
            Cmd::Plan => "plan",
            Cmd::Apply => "apply",
            Cmd::Doctor => "doctor",
            Cmd::Tail => "tail",
            Cmd::Replay => "replay",
            Cmd::Destroy => "destroy",
            Cmd::EventsSend => "events send",
        }
    }
}

/// The commands whose calls the printed policy covers (also `export --format terraform` and
/// `status`, whose AWS reads are plan's).
pub const POLICY_COMMANDS: [Cmd; 6] = [
    Cmd::Plan,
    Cmd::Apply,
    Cmd::Doctor,
    Cmd::Tail,
    Cmd::Replay,
    Cmd::Destroy,
];

/// What a call acts on: the Resource element of its statement (`scope.rs` turns each into ARNs
/// from the file; an empty list leaves the action out, e.g. Lambda calls without a Lambda target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum On {
    /// `*`: AWS has no resource-level permission for the action.
    Any,
    /// `*`, only when a rule has a CloudWatch Logs target: the account's Logs resource policies.
    LogsAccount,
    /// The partner event source of each destination.
    EventSource,
    /// The partner event bus of each destination with `[destination.aws]`.
    Bus,
    /// The partner event bus of each destination that associates it (`associate = true`).
    AssociatedBus,
    /// The rules gcbridge manages on each bus, and its temporary rules (every rule of an
    /// associated bus: destroy removes them all with the bus).
    Rules,
    /// gcbridge's temporary rules (`gcbridge-tmp-*`) of tail, doctor --probe and replay.
    TemporaryRules,
    /// gcbridge's temporary queues (`gcbridge-tmp-*`) in each destination's account and region.
    TemporaryQueues,
    /// SQS targets.
    TargetQueues,
    /// Dead-letter queues.
    DeadLetterQueues,
    /// SNS targets.
    TargetTopics,
    /// Lambda targets.
    TargetFunctions,
    /// The log groups of the account and region of each CloudWatch Logs target.
    TargetLogGroups,
    /// gcbridge's archive of each bus that has `archive`.
    Archive,
    /// gcbridge's replays of those archives (and the archive they read).
    Replays,
    /// gcbridge's delivery role of each destination with a Kinesis, Firehose or other-account
    /// bus target that names no role of its own.
    OwnRole,
    /// Every role a target uses (gcbridge's and each `role_arn`): read, judged and passed.
    Roles,
    /// The managed policies attached to those roles (the account's own and AWS's).
    AttachedPolicies,
    /// The Secrets Manager secrets `client_secret_from` names.
    Secret,
    /// The SSM parameters `client_secret_from` names.
    Parameter,
    /// A bus given on the command line (`events send`): never in the printed policy.
    CommandLine,
}
