//! gcbridge's domain: what a user wants (desired state from a config file or flags), which topics
//! that means (catalogue, families, globs), how it differs from the live org (plan) and how to get
//! there safely (apply), on both halves of a destination: the Genesys integration (`genesys`) and
//! the AWS partner event source, bus, rules and targets (`aws`); one org's both halves planned and
//! carried out in order (`converge`); and `doctor`, which walks the chain.
//!
//! Not here: HTTP details of the Genesys API (`genesys-client`), the emulator (`genesys-sim`), and
//! terminal rendering (the `gcbridge` binary).
//!
//! The modules are private; this file is the surface the binary and the tests use.

mod arn_fields;
mod aws;
pub mod config;
mod converge;
pub mod demo;
mod desired;
mod diagnostic;
pub mod doctor;
pub mod events;
mod expect;
mod genesys;
pub mod iam_policy;
mod lock;
mod partition;
mod resolve;
mod secret_ref;
mod secrets;
mod source_id;
mod suggest;
pub mod terraform;
#[cfg(debug_assertions)]
mod test_hooks;
pub mod topics;
mod window;

pub use aws::{
    apply_aws, archive_name, aws_regions, cancel_replays, prepare_replay, run_replay, LiveArchive,
    ReplayOutcome, ReplayPlan, ReplayProgress, ReplayStatus,
};
pub use aws::{
    canonical_pattern, check_aws_account_id, check_aws_region, check_rule_name, cleanup_listeners,
    parse_partner_arn, parse_target, partner_bus_arn, plan_aws, plan_aws_destroy,
    sweep_expired_temporary, temporary_lifetime, AccountIdError, ArnError, ArnKind, AwsAction,
    AwsClients, AwsError, AwsFailure, AwsPlan, AwsRegionError, MissingPermission, PartnerArn,
    PatternError, RuleNameError, SourceState, TargetError, TempListener, DEFAULT_AWS_MAX_ATTEMPTS,
    DEFAULT_PATTERN, TEMPORARY_TTL_VAR,
};
pub use converge::{
    carry_out, plan_org, plan_org_locked, plan_org_with, AwsOutcome, AwsPart, ConvergeError,
    ConvergeEvent, ConvergeOptions, Desired, DestinationOutcome, EarlyLive, Half, LockEvent,
    LockRequest, Mode, OrgPlan, SkipReason, DEFAULT_AWS_WAIT,
};
pub use desired::{
    ArchiveSpec, AwsSpec, ConnectionSpec, DesiredState, Destination, DestinationSpec, Expectations,
    OrgSpec, RetrySpec, RuleSpec, TargetKind, TargetSettings, TargetSpec,
};
pub use expect::{
    test_plan, ExpectKind, ExpectationResult, PatternTests, PlanWarning, WarningKind, EXPECT_FIX,
    EXPECT_SAMPLES,
};
pub use partition::{partition_of, PartitionError};
pub use secrets::{org_credentials, read_secret, SecretError};
/// What `gcbridge api-check` compares the API's answers with.
pub mod api_shape {
    pub use crate::genesys::{
        check_shape, expand_honoured, first_integration_id, type_filter_honoured, ApiObject,
        ShapeFindings,
    };
}
pub use genesys::{
    apply_plan, are_twins, check_event_source_suffix, destroy_plan, plan, read_live, step_label,
    token_lifetime, topic_set, wait_active, wait_active_with, ApplyEvent, ApplyOptions, Change,
    ChangeKind, ConflictRetry, FieldChange, LiveIntegration, Outcome, Plan, PollBackoff, Step,
    SuffixError, TwinKey, Unmanaged, WaitError, DEFAULT_CONCURRENCY,
};
pub use lock::{
    default_lock_dir, lock_file_name, lock_org, Holder, LockError, OrgLock, LOCK_DIR_VAR,
};
pub use resolve::resolve_destinations;
pub use source_id::{partner_event_source_name, SourceId, PARTNER_PREFIX};
pub use suggest::{closest, quoted_list};
pub use window::{parse_time, rfc3339, Window};
