//! Writing an integration's config under eventual consistency: read the current version, decide,
//! PUT; on a version conflict (a 409, a 408 on the PUT, or a 400 saying the version "does not
//! match the current version") pause about a second (jittered) and read and decide again, about
//! ten rounds, as the Genesys Terraform provider does (its issue #1461: such conflicts come even
//! right after the create). A write is never repeated blindly over what was read.
//!
//! The one exception to "read first" is the first write after our own create: the integration's
//! config is then known without a read (the create makes it empty, at [`INITIAL_CONFIG_VERSION`]),
//! so that PUT goes out at once and saves a round trip. It counts as the first round: a conflict
//! on it goes on with the read-decide-PUT rounds above.

use std::time::Duration;

use genesys_client::{Error as ClientError, GenesysClient, IntegrationConfiguration};
use rand::Rng;

use super::event::ApplyEvent;
use super::live::{properties_for, LiveIntegration};
use crate::desired::Destination;

/// How a config write retries after a version conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConflictRetry {
    /// Rounds of read, decide, PUT before the conflict is reported.
    pub rounds: u32,
    /// The pause between rounds, jittered to 75-125 % of it.
    pub pause: Duration,
}

impl Default for ConflictRetry {
    fn default() -> Self {
        ConflictRetry {
            rounds: 10,
            pause: Duration::from_secs(1),
        }
    }
}

impl ConflictRetry {
    fn jittered_pause(&self) -> Duration {
        self.pause.mul_f64(rand::rng().random_range(0.75..=1.25))
    }
}

/// The version of the config a create makes: the emulator's, and what the API's create leaves
/// (its config read right after a create says 1).
pub const INITIAL_CONFIG_VERSION: u64 = 1;

/// The config of an integration just created and never written: named after it, empty, at
/// [`INITIAL_CONFIG_VERSION`].
pub(super) fn initial_config(name: &str) -> IntegrationConfiguration {
    IntegrationConfiguration {
        id: None,
        name: name.to_string(),
        notes: None,
        version: INITIAL_CONFIG_VERSION,
        properties: Default::default(),
        advanced: serde_json::json!({}),
        credentials: serde_json::json!({}),
    }
}

/// Writes the desired config, re-reading the current version each round so a concurrent edit is
/// never overwritten blindly. `known` is the current config when it is known without a read (our
/// own create's): the first PUT is then made over it.
pub(super) async fn put_config(
    client: &GenesysClient,
    id: &str,
    desired: &Destination,
    known: Option<IntegrationConfiguration>,
    retry: &ConflictRetry,
    observe: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Result<(), ClientError> {
    let mut known = known;
    let mut round = 0;
    loop {
        round += 1;
        let current = match known.take() {
            Some(current) => current,
            None => client.get_integration_config(id).await?,
        };
        let Some(body) = decide(id, &current, desired) else {
            return Ok(());
        };
        match client.put_integration_config(id, &body).await {
            Ok(_) => return Ok(()),
            Err(e) if e.is_conflict() && round < retry.rounds.max(1) => {
                observe(ApplyEvent::Conflict {
                    destination: &desired.name,
                    round,
                });
                tokio::time::sleep(retry.jittered_pause()).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The config to PUT over `current`, or `None` when it already is the desired one. Properties
/// gcbridge does not manage, `advanced` and `credentials` are kept as read.
fn decide(
    id: &str,
    current: &IntegrationConfiguration,
    desired: &Destination,
) -> Option<IntegrationConfiguration> {
    let wanted_notes = desired.description.clone().unwrap_or_default();
    let mut live = LiveIntegration {
        id: id.into(),
        name: current.name.clone(),
        ..LiveIntegration::default()
    };
    live.apply_config(current);
    let already = live.source_id().as_ref() == Some(&desired.source_id())
        && live.topics == desired.topics
        && live.name == desired.name
        && live.notes.clone().unwrap_or_default() == wanted_notes;
    if already {
        return None;
    }
    let mut properties = current.properties.clone();
    properties.extend(properties_for(
        &desired.aws_account_id,
        &desired.aws_region,
        &desired.event_source_suffix,
        &desired.topics,
    ));
    Some(IntegrationConfiguration {
        id: current.id.clone(),
        name: desired.name.clone(),
        notes: Some(wanted_notes),
        version: current.version,
        properties,
        advanced: current.advanced.clone(),
        credentials: current.credentials.clone(),
    })
}
