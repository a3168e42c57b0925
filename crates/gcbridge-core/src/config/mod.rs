//! The config file (gcbridge.toml) and flag input: parsing, validation, diagnostics.

mod aws_input;
pub mod destination_input;
pub mod diagnostic;
pub mod load;
pub mod raw;

pub use destination_input::{DestinationInput, Field};
pub use diagnostic::{Diagnostic, Diagnostics, Origin};
pub use load::{load_file, load_str, DEFAULT_ORG_NAME};
