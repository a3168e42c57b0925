//! The config file (gcbridge.toml) and flag input: parsing, validation, diagnostics, writing.

mod aws_input;
pub mod connection;
mod connection_input;
mod ctx;
pub mod destination_input;
pub mod environment;
mod expect_input;
pub mod from_live;
pub mod labels;
pub mod load;
pub mod raw;
mod raw_org;
mod resolved;
pub mod schema;
mod shape;
mod stdin;
pub use stdin::{stdin_text, STDIN_SHOWN};
mod target_input;
mod toml_error;
mod trust;
pub mod write;

pub use crate::diagnostic::{Diagnostic, Diagnostics, Origin};
pub use crate::secret_ref::SecretRef;
pub use connection::{
    resolve_setting, Connection, ConnectionError, ConnectionFlags, OrgCredentials, Resolved,
    Setting, Unset,
};
pub use destination_input::{DestinationInput, Field};
pub use environment::{Environment, Source};
pub use labels::{Key, Labels};
pub use load::{load_file, load_str, DEFAULT_ORG_NAME};
pub use schema::json_schema;
