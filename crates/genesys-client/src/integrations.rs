//! The integrations API: list, read, create, enable/disable, delete, and the configuration and
//! integration-type calls an Amazon EventBridge Source integration needs.

use reqwest::Method;
use serde_json::json;

use crate::client::GenesysClient;
use crate::error::Error;
use crate::models::{
    CreateIntegrationRequest, Integration, IntegrationConfiguration, IntegrationListing,
    IntegrationType, IntendedState,
};

/// The largest page the API serves.
const MAX_PAGE_SIZE: u32 = 100;

/// Stops a server that never reports a last page from looping forever.
const MAX_PAGES: u32 = 10_000;

impl GenesysClient {
    /// One page of integrations (`page_size` 1..=100, `page_number` from 1).
    pub async fn list_integrations_page(
        &self,
        page_size: u32,
        page_number: u32,
        expand_config: bool,
    ) -> Result<IntegrationListing, Error> {
        let mut query = vec![
            ("pageSize", page_size.clamp(1, MAX_PAGE_SIZE).to_string()),
            ("pageNumber", page_number.max(1).to_string()),
        ];
        if expand_config {
            query.push(("expand", "config.current".to_string()));
        }
        self.get_json(self.url(&["api", "v2", "integrations"]), &query)
            .await
    }

    /// Every integration of the org, all pages of 100.
    pub async fn list_integrations(&self, expand_config: bool) -> Result<Vec<Integration>, Error> {
        let mut all = Vec::new();
        let mut page_number = 1;
        loop {
            let page = self
                .list_integrations_page(MAX_PAGE_SIZE, page_number, expand_config)
                .await?;
            let got = page.entities.len();
            all.extend(page.entities);
            // pageCount is authoritative; an empty page or a missing count ends the walk too.
            let more = if page.page_count > 0 {
                page_number < page.page_count
            } else {
                page.next_uri.is_some() && got > 0
            };
            if !more || got == 0 || page_number >= MAX_PAGES {
                break;
            }
            page_number += 1;
        }
        Ok(all)
    }

    pub async fn get_integration(&self, id: &str) -> Result<Integration, Error> {
        self.get_json(self.url(&["api", "v2", "integrations", id]), &[])
            .await
    }

    /// Creates an integration (disabled, with an empty configuration). Never retried after it
    /// may have reached the server: a blind retry could create a duplicate.
    pub async fn create_integration(
        &self,
        req: &CreateIntegrationRequest,
    ) -> Result<Integration, Error> {
        self.send_json(
            Method::POST,
            self.url(&["api", "v2", "integrations"]),
            req,
            false,
        )
        .await
    }

    /// `PATCH {"intendedState": ...}`; setting a state twice is harmless, so it is retried.
    pub async fn set_intended_state(
        &self,
        id: &str,
        state: IntendedState,
    ) -> Result<Integration, Error> {
        self.send_json(
            Method::PATCH,
            self.url(&["api", "v2", "integrations", id]),
            &json!({ "intendedState": state }),
            true,
        )
        .await
    }

    pub async fn delete_integration(&self, id: &str) -> Result<(), Error> {
        self.delete(self.url(&["api", "v2", "integrations", id]))
            .await
    }

    pub async fn get_integration_config(
        &self,
        id: &str,
    ) -> Result<IntegrationConfiguration, Error> {
        self.get_json(
            self.url(&["api", "v2", "integrations", id, "config", "current"]),
            &[],
        )
        .await
    }

    /// Replaces the configuration; `cfg.version` must be the current one, else
    /// [`Error::Conflict`].
    pub async fn put_integration_config(
        &self,
        id: &str,
        cfg: &IntegrationConfiguration,
    ) -> Result<IntegrationConfiguration, Error> {
        self.send_json(
            Method::PUT,
            self.url(&["api", "v2", "integrations", id, "config", "current"]),
            cfg,
            true,
        )
        .await
    }

    pub async fn get_integration_type(&self, type_id: &str) -> Result<IntegrationType, Error> {
        self.get_json(
            self.url(&["api", "v2", "integrations", "types", type_id]),
            &[],
        )
        .await
    }

    /// The JSON schema of the type's `properties`.
    pub async fn get_integration_type_config_schema(
        &self,
        type_id: &str,
    ) -> Result<serde_json::Value, Error> {
        self.get_json(
            self.url(&[
                "api",
                "v2",
                "integrations",
                "types",
                type_id,
                "configschemas",
                "properties",
            ]),
            &[],
        )
        .await
    }
}
