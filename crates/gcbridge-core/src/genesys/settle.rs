//! After a create: converging with other runs that created the same destination at the same time,
//! through the org (the only state the runs share). The org is listed; of the integrations that
//! would match the destination (`twins::TwinKey`), the first by the keeper order is kept and the
//! others are deleted, ours too when it is not the keeper; the change then goes on with the keeper.
//!
//! Every run that lists after both creates computes the same keeper. A run that listed before the
//! other's create kept its own; the later run then deletes that one (unless it was configured in
//! the meantime, which puts it first), and the earlier run's next write meets a 404 and settles
//! again ([`reselect`]), adopting the keeper. The listing may lag behind a create (a just-created
//! integration not listed yet): the listing is repeated until our own create shows, since a
//! create that came before ours is then listed too; docs/RELIABILITY.md says what window is left.

use std::time::Duration;

use genesys_client::{Error as ClientError, GenesysClient};

use super::live::{read_live, LiveIntegration};
use super::twins::TwinKey;

/// Listings made after a create while it is not listed yet, and the pause before the first repeat
/// (doubled each time: 0.2 + 0.4 + 0.8 + 1.6 s at most).
const LISTINGS: u32 = 5;
const FIRST_PAUSE: Duration = Duration::from_millis(200);

/// Which integration a change goes on with, and the twins deleted on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    pub keeper: String,
    pub removed: Vec<String>,
}

/// After our create of `ours`: keeps one integration of the destination and deletes the others.
pub async fn settle_after_create(
    client: &GenesysClient,
    key: &TwinKey,
    ours: &str,
) -> Result<Settled, ClientError> {
    let mut pause = FIRST_PAUSE;
    let mut round = 1;
    let candidates = loop {
        let live = read_live(client).await?;
        let listed = live.iter().any(|l| l.id == ours);
        if listed || round == LISTINGS {
            let mut candidates: Vec<LiveIntegration> =
                live.into_iter().filter(|l| key.matches(l)).collect();
            if !listed {
                // Still not listed: it exists all the same, unconfigured and disabled.
                candidates.push(LiveIntegration {
                    id: ours.to_string(),
                    name: key.name.clone(),
                    ..LiveIntegration::default()
                });
            }
            break candidates;
        }
        tracing::debug!(name = %key.name, id = ours, "our create is not listed yet; listing again");
        tokio::time::sleep(pause).await;
        pause *= 2;
        round += 1;
    };
    keep_one(client, key, &candidates).await
}

/// Our integration was deleted under us (another run kept a twin of it): the keeper the org now
/// lists, twins removed; `None` when the org lists none.
pub async fn reselect(
    client: &GenesysClient,
    key: &TwinKey,
    gone: &str,
) -> Result<Option<Settled>, ClientError> {
    let candidates: Vec<LiveIntegration> = read_live(client)
        .await?
        .into_iter()
        .filter(|l| l.id != gone && key.matches(l))
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }
    keep_one(client, key, &candidates).await.map(Some)
}

/// Deletes every candidate but the keeper; one already gone (another run removed it) is fine.
async fn keep_one(
    client: &GenesysClient,
    key: &TwinKey,
    candidates: &[LiveIntegration],
) -> Result<Settled, ClientError> {
    let keeper = key
        .keeper(candidates)
        .map(|l| l.id.clone())
        .unwrap_or_default();
    let mut removed = Vec::new();
    for twin in candidates.iter().filter(|l| l.id != keeper) {
        tracing::info!(name = %key.name, twin = %twin.id, keeper = %keeper, "removing a twin another run created");
        match client.delete_integration(&twin.id).await {
            Err(e) if e.is_not_found() => {}
            other => other?,
        }
        removed.push(twin.id.clone());
    }
    Ok(Settled { keeper, removed })
}
