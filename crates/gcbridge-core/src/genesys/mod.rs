//! The Genesys half of a destination: the `amazon-eventbridge-source` integration as read from an
//! org (`live`), the difference from what is wanted (`plan`, pure) and carrying it out (`apply`).

mod api_shape;
mod apply;
mod change;
mod config_write;
mod destroy_plan;
mod event;
pub(crate) mod live;
mod plan;
mod settle;
mod suffix;
mod token;
mod twins;
mod wait;

pub use api_shape::{
    check_shape, expand_honoured, first_integration_id, type_filter_honoured, ApiObject,
    ShapeFindings,
};
pub use apply::{apply_plan, step_label, ApplyEvent, ApplyOptions, Outcome, DEFAULT_CONCURRENCY};
pub use config_write::ConflictRetry;
pub use destroy_plan::destroy_plan;
pub use live::{read_live, LiveIntegration};
pub use plan::{plan, topic_set, Change, ChangeKind, FieldChange, Plan, Step, Unmanaged};
pub use suffix::{check_event_source_suffix, SuffixError};
pub use token::token_lifetime;
pub use twins::{are_twins, TwinKey};
pub use wait::{wait_active, wait_active_with, PollBackoff, WaitError};
