//! `gcbridge sim`: the Genesys Cloud API emulator as a standalone server. Its quirks come
//! from sim.toml, `--quirk` and the `GCBRIDGE_SIM_QUIRKS` env var (how a test suite runs
//! every emulator it starts with quirks; see gcbridge-testkit's `sim` module).

use std::net::SocketAddr;
use std::time::Duration;

use genesys_sim::{Quirks, SimConfig};

use crate::cli::SimArgs;
use crate::escape::{eoutln, field, outln};
use crate::failure::{CmdResult, Failure};

/// The env var whose quirks (`no-expand,consistency-lag=1500`, or `all`) every `gcbridge sim`
/// adds to its own.
pub const QUIRKS_ENV: &str = "GCBRIDGE_SIM_QUIRKS";

/// The quirks of `--quirk` and of [`QUIRKS_ENV`], added to those of sim.toml.
fn add_quirks(config: &mut SimConfig, args: &SimArgs) -> Result<(), Failure> {
    let flags: Vec<&str> = args.quirks.iter().map(String::as_str).collect();
    let flagged = Quirks::from_names(&flags).map_err(|e| Failure::usage(format!("--{e}")))?;
    if let Ok(env) = std::env::var(QUIRKS_ENV) {
        let from_env: Quirks = env
            .parse()
            .map_err(|e| Failure::usage(format!("{QUIRKS_ENV}: {e}")))?;
        config.quirks.merge(&from_env);
    }
    config.quirks.merge(&flagged);
    Ok(())
}

/// Builds the emulator's config from its flags (flags override sim.toml).
pub fn sim_config(args: &SimArgs) -> Result<SimConfig, Failure> {
    let mut config = match &args.config {
        Some(path) => SimConfig::from_toml_file(path)
            .map_err(|e| Failure::usage(format!("--config {}: {e}", path.display())))?,
        None => SimConfig::default(),
    };
    if let Some(v) = args.token_ttl_secs {
        if v == 0 {
            return Err(Failure::usage("--token-ttl-secs must be at least 1"));
        }
        config.token_ttl = Duration::from_secs(v);
    }
    if let Some(v) = args.activation_delay_ms {
        config.activation_delay = Duration::from_millis(v);
    }
    if let Some(v) = args.rate_limit_per_minute {
        if v == 0 {
            return Err(Failure::usage("--rate-limit-per-minute must be at least 1"));
        }
        config.rate_limit_per_minute = v;
    }
    if let Some(v) = args.latency_ms {
        config.latency = Duration::from_millis(v);
    }
    if let Some(p) = &args.request_trace {
        config.request_trace = Some(p.clone());
    }
    if let Some(p) = &args.state_file {
        config.state_file = Some(p.clone());
    }
    if let Some(url) = &args.eventbridge_endpoint {
        config.eventbridge_endpoint = Some(url.clone());
    }
    if let Some(account) = &args.partner_account {
        config.partner_account = account.clone();
    }
    if let Some(n) = args.events_per_second {
        config.events_per_second = n;
    }
    config.faults.extend(args.faults.iter().cloned());
    if let Some(seed) = args.fault_seed {
        config.fault_seed = Some(seed);
    }
    add_quirks(&mut config, args)?;
    // The flags may have made a valid sim.toml invalid (or the reverse): check the result.
    config
        .validate()
        .map_err(|e| Failure::usage(e.to_string()))?;
    Ok(config)
}

pub async fn run(args: &SimArgs) -> CmdResult {
    let listen: SocketAddr = args.listen.parse().map_err(|_| {
        Failure::usage(format!(
            "--listen: \"{}\" is not an address like 127.0.0.1:8765",
            args.listen
        ))
    })?;
    if !listen.ip().is_loopback() {
        if !args.allow_remote {
            return Err(Failure::usage(format!(
                "--listen {listen}: the emulator binds loopback only; add --allow-remote to listen on another address (anyone who can reach it can use the test credentials)"
            )));
        }
        eoutln!("warning: the emulator listens on {listen}, reachable from other hosts; its credentials are public test values");
    }
    let config = sim_config(args)?;
    let config_endpoint = config.eventbridge_endpoint.clone();
    let partner_account = config.partner_account.clone();
    let events_per_second = config.events_per_second;
    let fault_rules: Vec<String> = config
        .faults
        .iter()
        .map(|r| r.to_json().to_string())
        .collect();
    let fault_seed = config.fault_seed;
    let quirks = config.quirks.to_string();
    let clients = clients_banner(&config);
    let running = genesys_sim::start(config, listen)
        .await
        .map_err(|e| Failure::failed(format!("cannot start the emulator on {listen}: {e}")))?;
    // The first stdout line is a contract: scripts read the port from it.
    outln!("listening on {}", running.base_url());
    if let Some(url) = &config_endpoint {
        eoutln!(
            "EventBridge partner: {url} as account {partner_account} (x-moto-account-id); events per second per ACTIVE integration: {events_per_second}"
        );
    }
    if !quirks.is_empty() {
        eoutln!("quirks: {quirks}");
    }
    if !fault_rules.is_empty() {
        let seed = fault_seed.map_or_else(|| "random".to_string(), |s| s.to_string());
        eoutln!("fault injection (seed {seed}): {}", fault_rules.join(", "));
    }
    for line in &clients {
        eoutln!("{line}");
    }
    eoutln!("stop with Ctrl-C");
    shutdown_signal().await;
    running.shutdown().await;
    Ok(())
}

/// One line per org naming the clients it really has (from `--config` or the defaults) and what
/// each may do. Only the public default secret is shown: a secret from a sim.toml is the user's.
fn clients_banner(config: &SimConfig) -> Vec<String> {
    config
        .orgs
        .iter()
        .map(|org| {
            let clients: Vec<String> = org
                .clients
                .iter()
                .map(|c| {
                    let secret = if c.secret == genesys_sim::DEFAULT_SECRET {
                        format!("secret {}", c.secret)
                    } else {
                        "secret from the config".to_string()
                    };
                    let perms = match c.permissions.len() {
                        0 => "no permission".to_string(),
                        _ => c.permissions.join(" "),
                    };
                    format!("{} ({secret}; {perms})", field(&c.id))
                })
                .collect();
            format!(
                "org {} ({}): clients {}",
                field(&org.name),
                field(&org.id),
                clients.join(", ")
            )
        })
        .collect()
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler works");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
