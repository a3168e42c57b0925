//! The AWS half of a destination: the partner event source and its bus, rules and targets, and the
//! SQS queue policies that let EventBridge deliver. Uses the official AWS SDK with the standard
//! credential chain; `AWS_ENDPOINT_URL` or an explicit endpoint points it elsewhere (moto in tests).

pub mod clients;
pub mod error;
pub mod listener;
pub mod partner;
pub mod plan;
pub mod rules;
pub mod sqs_policy;

pub use clients::AwsClients;
pub use error::AwsError;
