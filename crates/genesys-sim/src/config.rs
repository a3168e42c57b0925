//! The emulator's configuration: which orgs and OAuth clients exist, and the knobs
//! (token lifetime, activation delay, rate limit, latency, state file, fault rules) that
//! tests and `gcbridge sim --config sim.toml` turn.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::backend::permissions::{ADD, DELETE, EDIT, VIEW};
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

/// The id of an org that sim.toml names without one: a UUID derived from the name, so
/// restarts keep the id (and with it the state file and partner event source names).
fn org_id_for_name(name: &str) -> String {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6763_6272_6964_6765_2d73_696d_2d6f_7267);
    uuid::Uuid::new_v5(&NAMESPACE, name.as_bytes()).to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    token_ttl_secs: Option<u64>,
    activation_delay_ms: Option<u64>,
    rate_limit_per_minute: Option<u32>,
    rate_limit_window_secs: Option<u64>,
    latency_ms: Option<u64>,
    state_file: Option<PathBuf>,
    #[serde(default)]
    faults: Vec<FaultRule>,
    fault_seed: Option<u64>,
    eventbridge_endpoint: Option<String>,
    partner_account: Option<String>,
    events_per_second: Option<f64>,
    #[serde(default)]
    org: Vec<FileOrg>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOrg {
    id: Option<String>,
    name: String,
    rate_limit_per_minute: Option<u32>,
    #[serde(default)]
    client: Vec<FileClient>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileClient {
    id: String,
    secret: String,
    #[serde(default)]
    permissions: Vec<String>,
}

impl SimConfig {
    /// Parses a sim.toml document; keys left out keep their defaults, and a file without
    /// `[[org]]` gets the default org.
    pub fn from_toml_str(s: &str) -> Result<Self, ConfigError> {
        let file: FileConfig = toml::from_str(s)?;
        let mut config = SimConfig::default();
        if let Some(v) = file.token_ttl_secs {
            config.token_ttl = Duration::from_secs(v);
        }
        if let Some(v) = file.activation_delay_ms {
            config.activation_delay = Duration::from_millis(v);
        }
        if let Some(v) = file.rate_limit_per_minute {
            config.rate_limit_per_minute = v;
        }
        if let Some(v) = file.rate_limit_window_secs {
            config.rate_limit_window = Duration::from_secs(v);
        }
        if let Some(v) = file.latency_ms {
            config.latency = Duration::from_millis(v);
        }
        config.state_file = file.state_file;
        config.faults = file.faults;
        config.fault_seed = file.fault_seed;
        config.eventbridge_endpoint = file.eventbridge_endpoint;
        if let Some(v) = file.partner_account {
            config.partner_account = v;
        }
        if let Some(v) = file.events_per_second {
            config.events_per_second = v;
        }
        if !file.org.is_empty() {
            config.orgs = file
                .org
                .into_iter()
                .map(|o| OrgSpec {
                    id: o.id.unwrap_or_else(|| org_id_for_name(&o.name)),
                    name: o.name,
                    rate_limit_per_minute: o.rate_limit_per_minute,
                    clients: o
                        .client
                        .into_iter()
                        .map(|c| ClientSpec {
                            id: c.id,
                            secret: c.secret,
                            permissions: c.permissions,
                        })
                        .collect(),
                })
                .collect();
        }
        config.validate()?;
        Ok(config)
    }

    /// Reads and parses a sim.toml file; a relative `state_file` is taken relative to
    /// the directory of the sim.toml, not the working directory.
    pub fn from_toml_file(p: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Io {
            path: p.to_path_buf(),
            source,
        })?;
        let mut config = Self::from_toml_str(&text)?;
        if let (Some(state), Some(dir)) = (&config.state_file, p.parent()) {
            if state.is_relative() {
                config.state_file = Some(dir.join(state));
            }
        }
        Ok(config)
    }

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

    #[test]
    fn parses_full_file() {
        let c = SimConfig::from_toml_str(
            r#"
token_ttl_secs = 10
activation_delay_ms = 20
rate_limit_per_minute = 30
latency_ms = 5
[[org]]
name = "prod"
rate_limit_per_minute = 7
[[org.client]]
id = "prod-admin"
secret = "s"
permissions = ["integrations:integration:view"]
"#,
        )
        .unwrap();
        assert_eq!(c.token_ttl, Duration::from_secs(10));
        assert_eq!(c.activation_delay, Duration::from_millis(20));
        assert_eq!(c.rate_limit_per_minute, 30);
        assert_eq!(c.latency, Duration::from_millis(5));
        assert_eq!(c.orgs.len(), 1);
        assert_eq!(c.orgs[0].name, "prod");
        assert!(uuid::Uuid::parse_str(&c.orgs[0].id).is_ok());
        assert_eq!(c.orgs[0].id, org_id_for_name("prod"), "stable across loads");
        assert_eq!(c.rate_limit_for(&c.orgs[0]), 7);
        assert_eq!(c.orgs[0].clients[0].id, "prod-admin");
    }

    #[test]
    fn empty_file_is_default() {
        assert_eq!(SimConfig::from_toml_str("").unwrap(), SimConfig::default());
    }

    #[test]
    fn rejects_unknown_keys_and_duplicate_clients() {
        assert!(SimConfig::from_toml_str("tokn_ttl_secs = 1").is_err());
        let dup = r#"
[[org]]
name = "a"
[[org.client]]
id = "x"
secret = "s"
[[org]]
name = "b"
[[org.client]]
id = "x"
secret = "s"
"#;
        assert!(matches!(
            SimConfig::from_toml_str(dup),
            Err(ConfigError::Invalid(_))
        ));
    }

    #[test]
    fn relative_state_file_is_next_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.toml");
        std::fs::write(
            &path,
            "state_file = \"state.json\"\nrate_limit_window_secs = 5\n",
        )
        .unwrap();
        let c = SimConfig::from_toml_file(&path).unwrap();
        assert_eq!(c.state_file, Some(dir.path().join("state.json")));
        assert_eq!(c.rate_limit_window, Duration::from_secs(5));
        assert!(SimConfig::from_toml_str("rate_limit_window_secs = 0").is_err());
    }

    #[test]
    fn parses_faults_and_seed() {
        use crate::faults::FaultKind;
        let c = SimConfig::from_toml_str(
            r#"
fault_seed = 42
[[faults]]
route = "POST /api/v2/integrations"
kind = "lose-response"
rate = 1.0
count = 1
[[faults]]
kind = "status"
status = 503
rate = 0.3
[[faults]]
kind = "rate-limit"
"#,
        )
        .unwrap();
        assert_eq!(c.fault_seed, Some(42));
        assert_eq!(
            c.faults,
            [
                FaultRule::new(FaultKind::LoseResponse)
                    .on("POST /api/v2/integrations")
                    .with_count(1),
                FaultRule::new(FaultKind::Status(503)).with_rate(0.3),
                FaultRule::new(FaultKind::RateLimit {
                    retry_after_secs: None
                }),
            ]
        );
        let e = SimConfig::from_toml_str("[[faults]]\nkind = \"status\"\nstatus = 503\nrate = 2\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"rate\""), "{e}");
        let bad = SimConfig {
            faults: vec![FaultRule::new(FaultKind::Status(200))],
            ..SimConfig::default()
        };
        let e = bad.validate().unwrap_err().to_string();
        assert!(e.contains("[0]") && e.contains("\"status\""), "{e}");
    }

    #[test]
    fn parses_eventbridge_keys() {
        let c = SimConfig::from_toml_str(
            "eventbridge_endpoint = \"http://127.0.0.1:5000\"\npartner_account = \"222222222222\"\nevents_per_second = 2.5\n",
        )
        .unwrap();
        assert_eq!(
            c.eventbridge_endpoint.as_deref(),
            Some("http://127.0.0.1:5000")
        );
        assert_eq!(c.partner_account, "222222222222");
        assert_eq!(c.events_per_second, 2.5);
        let d = SimConfig::default();
        assert_eq!(d.partner_account, DEFAULT_PARTNER_ACCOUNT);
        assert_eq!(d.events_per_second, 0.0);
        assert!(d.eventbridge_endpoint.is_none());
        for bad in [
            "events_per_second = 1.0",
            "eventbridge_endpoint = \"localhost:5000\"",
            "eventbridge_endpoint = \"http://x:1\"\npartner_account = \"12\"",
            "eventbridge_endpoint = \"http://x:1\"\nevents_per_second = -1.0",
        ] {
            assert!(
                matches!(SimConfig::from_toml_str(bad), Err(ConfigError::Invalid(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn missing_file_is_io_error() {
        let e = SimConfig::from_toml_file(Path::new("/nonexistent/sim.toml")).unwrap_err();
        assert!(matches!(e, ConfigError::Io { .. }));
    }
}
