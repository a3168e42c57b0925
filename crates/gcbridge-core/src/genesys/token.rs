//! How long the client's current token stays valid: what `whoami`, `doctor` and `demo` report.

use std::time::SystemTime;

use genesys_client::{Error as ClientError, GenesysClient};

/// When the current token expires (fetching one first if there is none) and how many whole seconds
/// it has left (0 once it has expired).
pub async fn token_lifetime(client: &GenesysClient) -> Result<(SystemTime, u64), ClientError> {
    let expiry = client.token_expiry().await?;
    let secs = expiry
        .duration_since(SystemTime::now())
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Ok((expiry, secs))
}
