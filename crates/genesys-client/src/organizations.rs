//! `GET /api/v2/organizations/me`: the org id that names the partner event source.

use crate::client::GenesysClient;
use crate::error::Error;
use crate::models::Organization;

impl GenesysClient {
    /// The organization the OAuth client belongs to.
    pub async fn organization_me(&self) -> Result<Organization, Error> {
        self.get_json(self.url(&["api", "v2", "organizations", "me"]), &[])
            .await
    }
}
