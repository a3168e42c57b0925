//! A typed, rate-aware client for the parts of the Genesys Cloud Platform API that gcbridge
//! needs: regions and endpoints, OAuth client credentials, an HTTP policy (timeouts, retries,
//! pacing from the rate-limit headers, actionable errors) and the integrations, organization
//! and notification-topic calls.
//!
//! It is not a general Genesys SDK, and it knows nothing of gcbridge's desired state or of
//! AWS: it speaks the API as documented, and the emulator in `genesys-sim` is tested against it.

mod auth;
mod client;
mod credentials;
mod endpoint;
mod error;
mod error_response;
mod integrations;
mod models;
mod net;
mod notes;
mod organizations;
mod pacing;
mod policy;
mod proxy;
mod region;
mod retry;
mod secret;
mod stats;
mod topics;
mod url_text;

pub use client::{ClientConfig, GenesysClient, RawResponse};
pub use credentials::{CredentialSource, Credentials};
pub use endpoint::{Endpoint, EndpointError};
pub use error::{Effort, Error, RequestContext};
pub use models::*;
pub use notes::{notes_text, EMPTY_NOTES_SENTINEL};
pub use policy::{is_loopback, HttpPolicy, DEFAULT_DEADLINE};
pub use region::{Region, RegionError};
pub use secret::Secret;
pub use stats::RequestStats;
pub use url::Url;
pub use url_text::redact_url;
