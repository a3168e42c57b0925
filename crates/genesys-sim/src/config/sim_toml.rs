//! Reading sim.toml into a [`SimConfig`]: the file's own shape (snake_case keys, `[[org]]`
//! and `[[org.client]]` tables, unknown keys rejected) mapped onto the config, defaults
//! kept for keys left out.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::{ClientSpec, ConfigError, OrgSpec, SimConfig};
use crate::backend::quirks::Quirks;
use crate::faults::FaultRule;

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
    quirks: Quirks,
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
        config.quirks = file.quirks;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::*;

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
    fn parses_quirks() {
        let c =
            SimConfig::from_toml_str("quirks = [\"no-expand\", \"consistency-lag=20\"]").unwrap();
        assert!(c.quirks.no_expand);
        assert_eq!(c.quirks.consistency_lag, Some(Duration::from_millis(20)));
        assert_eq!(
            SimConfig::from_toml_str("quirks = [\"all\"]")
                .unwrap()
                .quirks,
            Quirks::all()
        );
        let e = SimConfig::from_toml_str("quirks = [\"nope\"]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("nope"), "{e}");
    }

    #[test]
    fn missing_file_is_io_error() {
        let e = SimConfig::from_toml_file(Path::new("/nonexistent/sim.toml")).unwrap_err();
        assert!(matches!(e, ConfigError::Io { .. }));
    }
}
