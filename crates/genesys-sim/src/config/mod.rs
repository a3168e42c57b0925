//! The emulator's configuration: which orgs and OAuth clients exist, and the knobs
//! (token lifetime, activation delay, rate limit, latency, state file, fault rules,
//! quirks) that
//! tests and `gcbridge sim --config sim.toml` turn. Reading sim.toml is `sim_toml.rs`.

mod bounds;
mod sim_toml;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use crate::backend::permissions::{ADD, DELETE, EDIT, VIEW};
use crate::backend::quirks::Quirks;
use crate::faults::FaultRule;

/// The org every default configuration has, so tests and demos can name it.
pub const DEFAULT_ORG_ID: &str = "9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77";
/// Name of the default org.
pub const DEFAULT_ORG_NAME: &str = "gcbridge-sim";
/// Default client holding the add, view, edit and delete integration permissions.
pub const ADMIN_CLIENT_ID: &str = "gcbridge-sim-admin";
/// Default client holding only the view permission.
pub const VIEWER_CLIENT_ID: &str = "gcbridge-sim-viewer";
/// Default client holding no permission at all.
pub const NOBODY_CLIENT_ID: &str = "gcbridge-sim-nobody";
/// Secret shared by the three default clients.
pub const DEFAULT_SECRET: &str = "gcbridge-sim-secret";
/// The AWS account the emulator acts as when it plays Genesys on EventBridge.
pub const DEFAULT_PARTNER_ACCOUNT: &str = "111111111111";
/// The most `events_per_second` may ask for (moto delivers about 70 events/s).
pub const MAX_EVENTS_PER_SECOND: f64 = 1000.0;

/// Everything [`crate::start`] needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct SimConfig {
    pub orgs: Vec<OrgSpec>,
    pub token_ttl: Duration,
    pub activation_delay: Duration,
    pub rate_limit_per_minute: u32,
    pub rate_limit_window: Duration,
    pub latency: Duration,
    pub state_file: Option<PathBuf>,
    /// Fault-injection rules in force from the start (default none); `/sim/v1/faults`
    /// changes them at run time and `/sim/v1/reset` restores these.
    pub faults: Vec<FaultRule>,
    /// Seed of the RNG that rolls fault rates; None seeds it from the OS.
    pub fault_seed: Option<u64>,
    /// The EventBridge API the emulator plays Genesys's (the partner's) side against:
    /// partner event sources follow the integrations, and events can be published. None
    /// (the default): no AWS calls at all.
    pub eventbridge_endpoint: Option<String>,
    /// The partner's AWS account, sent as `x-moto-account-id` on every EventBridge call
    /// (default [`DEFAULT_PARTNER_ACCOUNT`]).
    pub partner_account: String,
    /// Synthetic events published per second for each ACTIVE EventBridge integration
    /// (default 0: none). Needs `eventbridge_endpoint`.
    pub events_per_second: f64,
    /// The API variants the emulator plays (default none: it follows the public sources);
    /// see [`crate::QUIRKS`].
    pub quirks: Quirks,
    /// Write each request's start and end to this file (see `request_trace`); default none.
    pub request_trace: Option<PathBuf>,
}

/// One emulated Genesys Cloud organization.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgSpec {
    pub id: String,
    pub name: String,
    pub rate_limit_per_minute: Option<u32>,
    pub clients: Vec<ClientSpec>,
}

/// One OAuth client-credentials client of an org.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientSpec {
    pub id: String,
    pub secret: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid sim config: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("invalid sim config: {0}")]
    Invalid(String),
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            orgs: vec![OrgSpec::default_org()],
            token_ttl: Duration::from_secs(86_400),
            activation_delay: Duration::from_millis(500),
            rate_limit_per_minute: 300,
            rate_limit_window: Duration::from_secs(60),
            latency: Duration::ZERO,
            state_file: None,
            faults: Vec::new(),
            fault_seed: None,
            eventbridge_endpoint: None,
            partner_account: DEFAULT_PARTNER_ACCOUNT.to_string(),
            events_per_second: 0.0,
            quirks: Quirks::default(),
            request_trace: None,
        }
    }
}

impl OrgSpec {
    /// The default org with its admin, viewer and nobody clients.
    pub fn default_org() -> Self {
        let client = |id: &str, perms: &[&str]| ClientSpec {
            id: id.to_string(),
            secret: DEFAULT_SECRET.to_string(),
            permissions: perms.iter().map(|p| p.to_string()).collect(),
        };
        OrgSpec {
            id: DEFAULT_ORG_ID.to_string(),
            name: DEFAULT_ORG_NAME.to_string(),
            rate_limit_per_minute: None,
            clients: vec![
                client(ADMIN_CLIENT_ID, &[ADD, VIEW, EDIT, DELETE]),
                client(VIEWER_CLIENT_ID, &[VIEW]),
                client(NOBODY_CLIENT_ID, &[]),
            ],
        }
    }
}

impl SimConfig {
    /// Checks what the emulator relies on: a token names its client, so client ids must be
    /// unique across all orgs, and a zero limit or window would make every call fail.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: String| Err(ConfigError::Invalid(m));
        if self.orgs.is_empty() {
            return invalid("at least one org is required".into());
        }
        if self.rate_limit_window.is_zero() {
            return invalid("rate_limit_window must be greater than zero".into());
        }
        if let Some(message) = bounds::out_of_range(self) {
            return invalid(message);
        }
        if let Some(url) = &self.eventbridge_endpoint {
            if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
                return invalid(format!(
                    "eventbridge_endpoint must be an http:// or https:// URL; got {url:?}"
                ));
            }
        }
        if self.partner_account.len() != 12
            || !self.partner_account.bytes().all(|b| b.is_ascii_digit())
        {
            return invalid(format!(
                "partner_account must be a 12-digit AWS account id; got {:?}",
                self.partner_account
            ));
        }
        let eps = self.events_per_second;
        if !eps.is_finite() || !(0.0..=MAX_EVENTS_PER_SECOND).contains(&eps) {
            return invalid(format!(
                "events_per_second must be from 0 to {MAX_EVENTS_PER_SECOND}; got {eps}"
            ));
        }
        if eps > 0.0 && self.eventbridge_endpoint.is_none() {
            return invalid(
                "events_per_second needs eventbridge_endpoint (where would the events go?)".into(),
            );
        }
        for (i, rule) in self.faults.iter().enumerate() {
            rule.validate()
                .map_err(|e| ConfigError::Invalid(e.at(i).to_string()))?;
        }
        let mut org_ids = HashSet::new();
        let mut client_ids = HashSet::new();
        for org in &self.orgs {
            if org.id.trim().is_empty() || org.name.trim().is_empty() {
                return invalid("every org needs a non-empty id and name".into());
            }
            if !org_ids.insert(org.id.as_str()) {
                return invalid(format!("org id {:?} appears twice", org.id));
            }
            for client in &org.clients {
                if client.id.is_empty() || client.id.contains(':') {
                    return invalid(format!(
                        "client id {:?} must be non-empty and free of ':'",
                        client.id
                    ));
                }
                if !client_ids.insert(client.id.as_str()) {
                    return invalid(format!("client id {:?} appears twice", client.id));
                }
            }
        }
        Ok(())
    }

    /// The request allowance of one client of `org` per rate-limit window.
    pub(crate) fn rate_limit_for(&self, org: &OrgSpec) -> u32 {
        org.rate_limit_per_minute
            .unwrap_or(self.rate_limit_per_minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_has_three_clients() {
        let c = SimConfig::default();
        assert_eq!(c.orgs.len(), 1);
        assert_eq!(c.orgs[0].id, DEFAULT_ORG_ID);
        let ids: Vec<_> = c.orgs[0].clients.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, [ADMIN_CLIENT_ID, VIEWER_CLIENT_ID, NOBODY_CLIENT_ID]);
        assert!(c.orgs[0].clients[2].permissions.is_empty());
    }
}
