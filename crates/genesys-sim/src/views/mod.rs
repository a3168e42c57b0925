//! The JSON shapes of the Genesys API objects the emulator returns (Integration,
//! IntegrationConfiguration, Organization, entity listings), rendered from the backend's
//! model. Field names follow the public Genesys SDK models.

mod integration;

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::OrgSpec;

pub use integration::{config, integration, IntegrationView};

/// `GET /api/v2/organizations/me`.
pub fn organization(org: &OrgSpec) -> Value {
    json!({
        "id": org.id,
        "name": org.name,
        "defaultLanguage": "en-us",
        "defaultCountryCode": "US",
        "thirdPartyOrgName": org.name,
        "domain": org.name,
        "version": 1,
        "state": "active",
        "selfUri": format!("/api/v2/organizations/{}", org.id),
    })
}

/// A page of an entity listing, with the navigation Uris Genesys includes (`nextUri`
/// absent on the last page, `previousUri` on the first).
#[serde_with::skip_serializing_none]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    entities: Vec<T>,
    page_size: usize,
    page_number: usize,
    total: usize,
    page_count: usize,
    first_uri: String,
    self_uri: String,
    last_uri: String,
    next_uri: Option<String>,
    previous_uri: Option<String>,
}

/// The page `page_number` of `total` entities, `entities` being its items.
pub fn page<T>(
    entities: Vec<T>,
    total: usize,
    page_size: usize,
    page_number: usize,
    base: &str,
    extra_query: &str,
) -> Page<T> {
    let page_count = total.div_ceil(page_size);
    let uri = |n: usize| format!("{base}?pageSize={page_size}&pageNumber={n}{extra_query}");
    Page {
        entities,
        page_size,
        page_number,
        total,
        page_count,
        first_uri: uri(1),
        self_uri: uri(page_number),
        last_uri: uri(page_count.max(1)),
        next_uri: (page_number < page_count).then(|| uri(page_number + 1)),
        previous_uri: (page_number > 1).then(|| uri((page_number - 1).min(page_count.max(1)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_json(total: usize, size: usize, number: usize, extra: &str) -> Value {
        serde_json::to_value(page(Vec::<Value>::new(), total, size, number, "/x", extra)).unwrap()
    }

    #[test]
    fn page_links() {
        let p = page_json(250, 100, 1, "");
        assert_eq!(p["pageCount"], 3);
        assert_eq!(p["nextUri"], "/x?pageSize=100&pageNumber=2");
        assert!(p.get("previousUri").is_none());
        let p = page_json(250, 100, 3, "&expand=config.current");
        assert!(p.get("nextUri").is_none());
        assert_eq!(
            p["previousUri"],
            "/x?pageSize=100&pageNumber=2&expand=config.current"
        );
        assert_eq!(
            p["lastUri"],
            "/x?pageSize=100&pageNumber=3&expand=config.current"
        );
        let p = page_json(0, 25, 1, "");
        assert_eq!(p["pageCount"], 0);
        assert!(p.get("nextUri").is_none());
    }
}
