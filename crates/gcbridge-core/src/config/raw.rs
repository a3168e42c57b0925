//! The config file's shape exactly as written, with the position of every value.
//!
//! Validation works on these spanned values so each problem can name its line; the validated model
//! lives in `desired.rs`.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub genesys: Option<Spanned<RawConnection>>,
    #[serde(default)]
    pub destination: Vec<Spanned<RawDestination>>,
    #[serde(default)]
    pub org: Vec<Spanned<RawOrg>>,
}

/// How to reach one org: the `[genesys]` table of the single-org form, or the connection keys of
/// an `[[org]]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConnection {
    pub region: Option<Spanned<String>>,
    pub api_url: Option<Spanned<String>>,
    pub login_url: Option<Spanned<String>>,
    pub client_id_env: Option<Spanned<String>>,
    pub client_secret_env: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrg {
    pub name: Spanned<String>,
    pub region: Option<Spanned<String>>,
    pub api_url: Option<Spanned<String>>,
    pub login_url: Option<Spanned<String>>,
    pub client_id_env: Option<Spanned<String>>,
    pub client_secret_env: Option<Spanned<String>>,
    #[serde(default)]
    pub destination: Vec<Spanned<RawDestination>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDestination {
    pub name: Spanned<String>,
    pub description: Option<Spanned<String>>,
    pub enabled: Option<Spanned<bool>>,
    pub aws_account_id: Option<Spanned<String>>,
    pub aws_region: Option<Spanned<String>>,
    pub event_source_suffix: Option<Spanned<String>>,
    pub event_bus_arn: Option<Spanned<String>>,
    pub topics: Option<Spanned<Vec<Spanned<String>>>>,
    pub event_types: Option<Spanned<Vec<Spanned<String>>>>,
    pub aws: Option<Spanned<RawAws>>,
}

/// `[destination.aws]`: the AWS half of a destination.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAws {
    pub associate: Option<Spanned<bool>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
}

/// `[[destination.aws.rule]]`: a rule on the partner event bus.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub name: Spanned<String>,
    pub description: Option<Spanned<String>>,
    pub enabled: Option<Spanned<bool>>,
    /// A JSON string, or a TOML table written as the pattern itself.
    pub event_pattern: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub targets: Vec<Spanned<String>>,
}
