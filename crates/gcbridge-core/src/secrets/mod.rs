//! The OAuth client secret kept in AWS (`client_secret_from`): `read.rs` reads it from Secrets
//! Manager or SSM when an org is first used, `value.rs` picks the secret out of what is stored.
//! Above `config` (the reference and the resolved connection) and `aws` (endpoint and errors).

mod read;
mod value;

pub use read::{org_credentials, read_secret, SecretError};
