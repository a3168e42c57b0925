//! `--wait`: polling an integration until it reports ACTIVE or ERROR, with a backoff that starts
//! at about a second and grows to five, so that several destinations waiting at once do not spend
//! the OAuth client's rate budget (180 requests a minute on some endpoints).

use std::time::{Duration, Instant};

use genesys_client::{Error as ClientError, GenesysClient};

use super::event::ApplyEvent;

/// How often `--wait` polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollBackoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for PollBackoff {
    fn default() -> Self {
        PollBackoff {
            first: Duration::from_secs(1),
            max: Duration::from_secs(5),
        }
    }
}

impl PollBackoff {
    /// The pause after `pause`: half as long again, at most `max`.
    fn next(&self, pause: Duration) -> Duration {
        pause
            .mul_f64(1.5)
            .min(self.max)
            .max(self.first.min(self.max))
    }
}

/// Why `--wait` ended without ACTIVE.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// Reading the integration failed.
    #[error("reading the state failed: {0}")]
    Client(ClientError),
    /// The integration reports ERROR; `detail` is its message (or "no detail given").
    #[error("the integration reports ERROR: {detail}")]
    Failed { detail: String },
    /// Still `last_state` when the time was up; `destination` names it for the hint.
    #[error("still {last_state} after {}s; raise --wait-timeout or check `gcbridge status {destination}`", after.as_secs())]
    TimedOut {
        destination: String,
        after: Duration,
        last_state: String,
    },
}

/// Polls until the integration reports ACTIVE (Ok), ERROR (Err with its detail) or the time is up.
pub async fn wait_active(
    client: &GenesysClient,
    id: &str,
    name: &str,
    limit: Duration,
    observe: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Result<String, WaitError> {
    wait_active_with(client, id, name, limit, &PollBackoff::default(), observe).await
}

/// [`wait_active`] with a given backoff.
pub async fn wait_active_with(
    client: &GenesysClient,
    id: &str,
    name: &str,
    limit: Duration,
    backoff: &PollBackoff,
    observe: &(dyn Fn(ApplyEvent<'_>) + Sync),
) -> Result<String, WaitError> {
    let started = Instant::now();
    let mut last = String::from("unknown");
    let mut pause = backoff.first;
    loop {
        let i = client
            .get_integration(id)
            .await
            .map_err(WaitError::Client)?;
        if let Some(r) = &i.reported_state {
            if r.code != last {
                last = r.code.clone();
                observe(ApplyEvent::Waiting {
                    destination: name,
                    state: last.clone(),
                });
            }
            match r.code.as_str() {
                "ACTIVE" => return Ok(last),
                "ERROR" => {
                    let detail = r
                        .detail
                        .as_ref()
                        .and_then(|d| d.message.clone().or_else(|| d.message_with_params.clone()))
                        .unwrap_or_else(|| "no detail given".into());
                    return Err(WaitError::Failed { detail });
                }
                _ => {}
            }
        }
        let elapsed = started.elapsed();
        if elapsed >= limit {
            return Err(WaitError::TimedOut {
                destination: name.to_string(),
                after: limit,
                last_state: last,
            });
        }
        tokio::time::sleep(pause.min(limit - elapsed)).await;
        pause = backoff.next(pause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_back_off_from_a_second_to_five() {
        let b = PollBackoff::default();
        let mut p = b.first;
        let mut seen = vec![p];
        for _ in 0..6 {
            p = b.next(p);
            seen.push(p);
        }
        assert_eq!(seen[0], Duration::from_secs(1));
        assert_eq!(seen[1], Duration::from_millis(1500));
        assert!(seen.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*seen.last().unwrap(), Duration::from_secs(5));
    }

    #[test]
    fn wait_errors_read_as_before() {
        let timed_out = WaitError::TimedOut {
            destination: "prod".into(),
            after: Duration::from_millis(30_500),
            last_state: "ACTIVATING".into(),
        };
        assert_eq!(
            timed_out.to_string(),
            "still ACTIVATING after 30s; raise --wait-timeout or check `gcbridge status prod`"
        );
        let failed = WaitError::Failed {
            detail: "no detail given".into(),
        };
        assert_eq!(
            failed.to_string(),
            "the integration reports ERROR: no detail given"
        );
    }
}
