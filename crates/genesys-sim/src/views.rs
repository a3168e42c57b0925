//! The JSON shapes of the Genesys API objects the emulator returns (Integration,
//! IntegrationConfiguration, Organization, entity listings), rendered from the backend's
//! model. Field names follow the public Genesys SDK models.

use std::time::Duration;

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::backend::integration_types;
use crate::backend::lifecycle::Phase;
use crate::backend::model::Integration;
use crate::clock::iso;
use crate::config::OrgSpec;

pub fn integration_uri(id: &str) -> String {
    format!("/api/v2/integrations/{id}")
}

/// An Integration; `config.current` only when the caller expanded it.
pub fn integration(
    i: &Integration,
    now: OffsetDateTime,
    delay: Duration,
    expand_config: bool,
) -> Value {
    let observed = i.lifecycle.observe(now, delay);
    let mut reported = json!({
        "code": observed.phase.code(),
        "effective": observed.phase.effective(),
        "lastUpdated": iso(observed.last_updated),
    });
    if let (Phase::Error, Some(detail)) = (observed.phase, &observed.error) {
        reported["detail"] = json!({
            "localizableMessageCode": detail.code,
            "message": detail.message,
            "messageWithParams": detail.message,
            "messageParams": {},
        });
    }
    let integration_type = integration_types::find(&i.type_id)
        .map(|t| t.summary_json())
        .unwrap_or_else(
            || json!({"id": i.type_id, "selfUri": integration_types::self_uri(&i.type_id)}),
        );
    let mut v = json!({
        "id": i.id,
        "name": i.name,
        "integrationType": integration_type,
        "notes": i.notes,
        "intendedState": i.intended.as_str(),
        "reportedState": reported,
        "attributes": i.attributes,
        "dateCreated": iso(i.date_created),
        "dateModified": iso(i.date_modified),
        "selfUri": integration_uri(&i.id),
    });
    if expand_config {
        v["config"] = json!({"current": config(i)});
    }
    v
}

/// What the real API returns for empty config notes: the Genesys Terraform provider maps
/// it back to empty in two resources and a unit test.
pub const EMPTY_NOTES_SENTINEL: &str = "node_dynamodb_empty_string";

/// An IntegrationConfiguration (`config/current`); empty notes read as the sentinel.
pub fn config(i: &Integration) -> Value {
    let c = &i.config;
    let notes = if c.notes.is_empty() {
        EMPTY_NOTES_SENTINEL
    } else {
        c.notes.as_str()
    };
    json!({
        "id": i.id,
        "name": c.name,
        "version": c.version,
        "properties": c.properties,
        "advanced": c.advanced,
        "notes": notes,
        "credentials": c.credentials,
        "selfUri": format!("{}/config/current", integration_uri(&i.id)),
    })
}

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
pub fn page(
    entities: Vec<Value>,
    total: usize,
    page_size: usize,
    page_number: usize,
    base: &str,
    extra_query: &str,
) -> Value {
    let page_count = total.div_ceil(page_size);
    let uri = |n: usize| format!("{base}?pageSize={page_size}&pageNumber={n}{extra_query}");
    let mut v = json!({
        "entities": entities,
        "pageSize": page_size,
        "pageNumber": page_number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "selfUri": uri(page_number),
        "lastUri": uri(page_count.max(1)),
    });
    if page_number < page_count {
        v["nextUri"] = json!(uri(page_number + 1));
    }
    if page_number > 1 {
        v["previousUri"] = json!(uri((page_number - 1).min(page_count.max(1))));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links() {
        let p = page(vec![], 250, 100, 1, "/x", "");
        assert_eq!(p["pageCount"], 3);
        assert_eq!(p["nextUri"], "/x?pageSize=100&pageNumber=2");
        assert!(p.get("previousUri").is_none());
        let p = page(vec![], 250, 100, 3, "/x", "&expand=config.current");
        assert!(p.get("nextUri").is_none());
        assert_eq!(
            p["previousUri"],
            "/x?pageSize=100&pageNumber=2&expand=config.current"
        );
        assert_eq!(
            p["lastUri"],
            "/x?pageSize=100&pageNumber=3&expand=config.current"
        );
        let p = page(vec![], 0, 25, 1, "/x", "");
        assert_eq!(p["pageCount"], 0);
        assert!(p.get("nextUri").is_none());
    }
}
