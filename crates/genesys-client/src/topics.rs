//! `GET /api/v2/notifications/availabletopics`: the live topic catalogue of the org, used to
//! check event-filter templates against what the org actually offers.

use crate::client::GenesysClient;
use crate::error::Error;
use crate::models::{AvailableTopic, AvailableTopicListing};

impl GenesysClient {
    /// Every notification topic, with descriptions, permissions, schemas and transports.
    pub async fn available_topics(&self) -> Result<Vec<AvailableTopic>, Error> {
        let listing: AvailableTopicListing = self
            .get_json(
                self.url(&["api", "v2", "notifications", "availabletopics"]),
                &[(
                    "expand",
                    "description,requiresPermissions,schema,transports".to_string(),
                )],
            )
            .await?;
        Ok(listing.entities)
    }
}

impl GenesysClient {
    /// Every notification topic with only its description and transports: what topic selection
    /// needs, without the event-body schemas that make the full listing large.
    pub async fn available_topics_brief(&self) -> Result<Vec<AvailableTopic>, Error> {
        let listing: AvailableTopicListing = self
            .get_json(
                self.url(&["api", "v2", "notifications", "availabletopics"]),
                &[("expand", "description,transports".to_string())],
            )
            .await?;
        Ok(listing.entities)
    }
}
