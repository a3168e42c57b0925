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

/// The page size every walk asks for. The SDK models and this project's contract say 1 to 100;
/// the Developer Center gives 1 to 999. 100 is inside every documented range (a server that only
/// allows 100 would reject more with a 400), and with the `integrationType` filter an org's
/// EventBridge integrations fit in one or two pages of it anyway.
const PAGE_SIZE: u32 = 100;

/// The largest page size the API accepts (the Developer Center's range).
const MAX_PAGE_SIZE: u32 = 999;

/// Stops a server that never reports a last page from looping forever.
const MAX_PAGES: u32 = 10_000;

impl GenesysClient {
    /// One page of integrations (`page_size` 1..=999, `page_number` from 1).
    pub async fn list_integrations_page(
        &self,
        page_size: u32,
        page_number: u32,
        expand_config: bool,
    ) -> Result<IntegrationListing, Error> {
        self.list_integrations_page_of(None, page_size, page_number, expand_config)
            .await
    }

    /// One page, filtered server-side by `integrationType` when `type_id` is given (the SDK's
    /// list takes it; a server that ignores it returns every type, so callers filter too).
    pub async fn list_integrations_page_of(
        &self,
        type_id: Option<&str>,
        page_size: u32,
        page_number: u32,
        expand_config: bool,
    ) -> Result<IntegrationListing, Error> {
        let mut query = vec![
            ("pageSize", page_size.clamp(1, MAX_PAGE_SIZE).to_string()),
            ("pageNumber", page_number.max(1).to_string()),
        ];
        if let Some(t) = type_id {
            query.push(("integrationType", t.to_string()));
        }
        if expand_config {
            query.push(("expand", "config.current".to_string()));
        }
        self.get_json(self.url(&["api", "v2", "integrations"]), &query)
            .await
    }

    /// Every integration of the org, all pages.
    pub async fn list_integrations(&self, expand_config: bool) -> Result<Vec<Integration>, Error> {
        self.walk_integrations(None, expand_config).await
    }

    /// Every integration of type `type_id`: asked for with the `integrationType` filter and
    /// filtered again here, so a server that ignores the filter changes nothing.
    pub async fn list_integrations_of_type(
        &self,
        type_id: &str,
        expand_config: bool,
    ) -> Result<Vec<Integration>, Error> {
        let mut all = self.walk_integrations(Some(type_id), expand_config).await?;
        all.retain(|i| i.integration_type.id == type_id);
        Ok(all)
    }

    async fn walk_integrations(
        &self,
        type_id: Option<&str>,
        expand_config: bool,
    ) -> Result<Vec<Integration>, Error> {
        let mut all = Vec::new();
        let mut page_number = 1;
        loop {
            let page = self
                .list_integrations_page_of(type_id, PAGE_SIZE, page_number, expand_config)
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
    /// [`Error::Conflict`] (a 409, a 408 on this call, or a 400 saying the version "does not
    /// match the current version": the API is eventually consistent, so callers re-read and
    /// re-decide).
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
