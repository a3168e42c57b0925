//! The AWS half of a destination: the partner event source and its bus, rules and targets, and the
//! resource policies that let EventBridge deliver (SQS, SNS, Lambda, CloudWatch Logs: `delivery`),
//! and the IAM role Kinesis, Firehose and other-account bus targets need (`role*`). Uses the official AWS SDK with the standard
//! credential chain; `AWS_ENDPOINT_URL` or an explicit endpoint points it elsewhere (moto in tests).
//!
//! What a user writes is checked offline first (`arn`, `ids`, `targets`, `pattern`); `plan` reads
//! the account and lists the difference, `apply` carries it out. `archive` is the bus's archive,
//! `replay` and `replay_run` replay a window of it (`gcbridge replay`).

mod action;
mod apply;
pub(crate) mod archive;
mod arn;
mod clients;
pub(crate) mod delivery;
mod denied;
mod error;
pub(crate) mod fifo;
mod ids;
pub(crate) mod lambda_permission;
pub(crate) mod listener;
pub(crate) mod logs_policy;
mod pages;
pub(crate) mod partner;
mod pattern;
mod plan;
pub(crate) mod policy_eval;
mod proxy;
mod reassociate;
mod replay;
mod replay_run;
mod retry;
pub(crate) mod role;
pub(crate) mod role_plan;
pub(crate) mod role_policy;
pub(crate) mod rule_diff;
pub(crate) mod rules;
pub(crate) mod sns_policy;
pub(crate) mod sqs_policy;
pub(crate) mod sweep;
mod targets;
pub(crate) mod temporary;

pub use apply::apply_aws;
pub use archive::{archive_name, LiveArchive};
pub use arn::{parse_partner_arn, ArnError, ArnKind, PartnerArn};
pub use clients::AwsClients;
pub(crate) use clients::{sdk_client, SharedConfig};
pub(crate) use error::is_unreachable;
pub use error::{AwsError, AwsFailure, MissingPermission};
pub use ids::{
    aws_region_warning, aws_regions, check_aws_account_id, check_aws_region, AccountIdError,
    AwsRegionError,
};
pub use listener::{cleanup_all as cleanup_listeners, TempListener};
pub use partner::{bus_arn as partner_bus_arn, SourceState};
pub use pattern::{canonical_pattern, PatternError, DEFAULT_PATTERN};
pub(crate) use pattern::{toml_to_json, EVENT_FIELDS};
pub use plan::{plan_aws, plan_aws_destroy, AwsAction, AwsPlan};
pub use replay::{cancel_all as cancel_replays, ReplayStatus};
pub use replay_run::{
    prepare as prepare_replay, run as run_replay, ReplayOutcome, ReplayPlan, ReplayProgress,
};
pub(crate) use retry::RefusedLoopback;
pub use retry::DEFAULT_MAX_ATTEMPTS as DEFAULT_AWS_MAX_ATTEMPTS;
pub use sweep::sweep_expired as sweep_expired_temporary;
pub use targets::{check_rule_name, parse_target, RuleNameError, TargetError};
pub use temporary::{lifetime as temporary_lifetime, TTL_VAR as TEMPORARY_TTL_VAR};
