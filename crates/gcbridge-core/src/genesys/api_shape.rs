//! What gcbridge expects of each read endpoint's JSON, and how an answer compares: fields it needs
//! that are missing, fields it does not know, enum values it does not know, the empty-notes
//! sentinel. Pure (values in, findings out), for `gcbridge api-check`. Only field names, enum
//! values and the sentinel are reported, never other values, so a report holds nothing secret.

use std::collections::BTreeSet;

use genesys_client::EMPTY_NOTES_SENTINEL;
use serde::Serialize;
use serde_json::{Map, Value};

/// The shape of one kind of object: the fields gcbridge needs, the others it knows, the fields
/// that hold enum values and those values, and nested objects.
struct Shape {
    required: &'static [&'static str],
    known: &'static [&'static str],
    enums: &'static [(&'static str, &'static [&'static str])],
    nested: &'static [(&'static str, &'static Shape)],
}

const NONE: &[(&str, &Shape)] = &[];

static ORGANIZATION: Shape = Shape {
    required: &["id", "name"],
    known: &[
        "thirdPartyOrgName",
        "domain",
        "state",
        "productPlatform",
        "selfUri",
    ],
    enums: &[],
    nested: NONE,
};

static TYPE_REF: Shape = Shape {
    required: &["id"],
    known: &["name", "description", "selfUri"],
    enums: &[],
    nested: NONE,
};

static REPORTED_STATE: Shape = Shape {
    required: &["code"],
    known: &["effective", "detail", "lastUpdated"],
    enums: &[(
        "code",
        &["ACTIVE", "ACTIVATING", "INACTIVE", "DEACTIVATING", "ERROR"],
    )],
    nested: NONE,
};

static CONFIG: Shape = Shape {
    required: &["name", "version", "properties"],
    known: &["id", "notes", "advanced", "credentials", "selfUri"],
    enums: &[],
    nested: &[("properties", &PROPERTIES)],
};

/// The EventBridge source's properties (all four once configured; none before).
static PROPERTIES: Shape = Shape {
    required: &[],
    known: &[
        "awsAccountId",
        "awsAccountRegion",
        "eventSourceSuffix",
        "eventFilter",
    ],
    enums: &[],
    nested: NONE,
};

static CONFIG_INFO: Shape = Shape {
    required: &[],
    known: &["current"],
    enums: &[],
    nested: &[("current", &CONFIG)],
};

static INTEGRATION: Shape = Shape {
    required: &["id", "name", "integrationType", "intendedState"],
    known: &["notes", "reportedState", "config", "attributes", "selfUri"],
    enums: &[(
        "intendedState",
        &["ENABLED", "DISABLED", "DELETED", "RESTORED"],
    )],
    nested: &[
        ("integrationType", &TYPE_REF),
        ("reportedState", &REPORTED_STATE),
        ("config", &CONFIG_INFO),
    ],
};

static LISTING: Shape = Shape {
    required: &["entities", "pageSize", "pageNumber", "pageCount"],
    known: &[
        "total",
        "firstUri",
        "selfUri",
        "nextUri",
        "previousUri",
        "lastUri",
    ],
    enums: &[],
    nested: &[("entities", &INTEGRATION)],
};

static TOPIC: Shape = Shape {
    required: &["id", "transports"],
    known: &[
        "description",
        "requiresPermissions",
        "schema",
        "requiresCurrentUser",
        "visibility",
        "topicParameters",
    ],
    enums: &[(
        "transports",
        &["All", "Websocket", "EventBridge", "ProcessAutomation"],
    )],
    nested: NONE,
};

static TOPIC_LISTING: Shape = Shape {
    required: &["entities"],
    known: &[],
    enums: &[],
    nested: &[("entities", &TOPIC)],
};

static INTEGRATION_TYPE: Shape = Shape {
    required: &["id"],
    known: &[
        "name",
        "description",
        "provider",
        "category",
        "configPropertiesSchemaUri",
        "configAdvancedSchemaUri",
        "helpUri",
        "vendorName",
        "nonInstallable",
        "maxInstances",
        "userPermissions",
        "selfUri",
    ],
    enums: &[],
    nested: NONE,
};

/// The kinds of answer api-check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiObject {
    Organization,
    TopicListing,
    IntegrationListing,
    IntegrationConfig,
    IntegrationType,
}

impl ApiObject {
    fn shape(self) -> &'static Shape {
        match self {
            ApiObject::Organization => &ORGANIZATION,
            ApiObject::TopicListing => &TOPIC_LISTING,
            ApiObject::IntegrationListing => &LISTING,
            ApiObject::IntegrationConfig => &CONFIG,
            ApiObject::IntegrationType => &INTEGRATION_TYPE,
        }
    }
}

/// How an answer compares with what gcbridge expects; paths like `entities[].reportedState.code`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShapeFindings {
    pub missing_fields: BTreeSet<String>,
    pub unknown_fields: BTreeSet<String>,
    /// `path=VALUE`.
    pub unknown_enum_values: BTreeSet<String>,
    /// Paths where notes were `node_dynamodb_empty_string`.
    pub notes_sentinel_at: BTreeSet<String>,
}

/// Compares `value` with the shape of `kind`.
pub fn check_shape(kind: ApiObject, value: &Value) -> ShapeFindings {
    let mut f = ShapeFindings::default();
    walk(kind.shape(), value, "", &mut f);
    f
}

fn walk(shape: &Shape, value: &Value, path: &str, f: &mut ShapeFindings) {
    match value {
        Value::Object(obj) => object(shape, obj, path, f),
        Value::Array(items) => {
            let path = format!("{path}[]");
            items.iter().for_each(|v| walk(shape, v, &path, f));
        }
        _ => {}
    }
}

fn object(shape: &Shape, obj: &Map<String, Value>, path: &str, f: &mut ShapeFindings) {
    let at = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    for k in shape.required {
        if obj.get(*k).is_none_or(Value::is_null) {
            f.missing_fields.insert(at(k));
        }
    }
    for (k, v) in obj {
        let k = k.as_str();
        let nested = shape.nested.iter().find(|(n, _)| *n == k);
        let known = shape.required.contains(&k) || shape.known.contains(&k);
        if !known && nested.is_none() {
            f.unknown_fields.insert(at(k));
        }
        if k == "notes" && v.as_str() == Some(EMPTY_NOTES_SENTINEL) {
            f.notes_sentinel_at.insert(at(k));
        }
        if let Some((_, allowed)) = shape.enums.iter().find(|(n, _)| *n == k) {
            let values = match v {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                other => other.as_str().into_iter().collect::<Vec<_>>(),
            };
            for s in values.into_iter().filter(|s| !allowed.contains(s)) {
                f.unknown_enum_values.insert(format!("{}={s}", at(k)));
            }
        }
        if let Some((_, inner)) = nested {
            walk(inner, v, &at(k), f);
        }
    }
}

/// Whether a listing asked with `expand=config.current` carried each EventBridge entity's config:
/// `None` when it listed none.
pub fn expand_honoured(listing: &Value, type_id: &str) -> Option<bool> {
    let ours: Vec<&Value> = entities(listing)
        .filter(|e| e.pointer("/integrationType/id").and_then(Value::as_str) == Some(type_id))
        .collect();
    if ours.is_empty() {
        return None;
    }
    Some(
        ours.iter()
            .all(|e| e.pointer("/config/current").is_some_and(|c| !c.is_null())),
    )
}

/// Whether a listing asked with `integrationType=type_id` held only that type.
pub fn type_filter_honoured(listing: &Value, type_id: &str) -> bool {
    entities(listing)
        .all(|e| e.pointer("/integrationType/id").and_then(Value::as_str) == Some(type_id))
}

/// The id of the first listed integration of `type_id` that is not deleted.
pub fn first_integration_id<'a>(listing: &'a Value, type_id: &str) -> Option<&'a str> {
    entities(listing)
        .filter(|e| e.pointer("/integrationType/id").and_then(Value::as_str) == Some(type_id))
        .filter(|e| e.get("intendedState").and_then(Value::as_str) != Some("DELETED"))
        .find_map(|e| e.get("id").and_then(Value::as_str))
}

fn entities(listing: &Value) -> impl Iterator<Item = &Value> {
    listing
        .get("entities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn findings_name_paths_and_never_values() {
        let listing = json!({"entities": [{
            "id": "a", "name": "n", "intendedState": "PAUSED", "notes": "node_dynamodb_empty_string",
            "integrationType": {"id": "amazon-eventbridge-source", "images": []},
            "reportedState": {"code": "ACTIVE", "brandNew": 1},
            "config": {"current": {"name": "n", "version": 1, "notes": "secret-ish text",
                "properties": {"awsAccountId": "123456789012", "newProp": true}}}
        }], "pageSize": 100, "pageNumber": 1, "total": 1});
        let f = check_shape(ApiObject::IntegrationListing, &listing);
        assert_eq!(f.missing_fields, BTreeSet::from(["pageCount".to_string()]));
        let unknown: Vec<&str> = f.unknown_fields.iter().map(String::as_str).collect();
        assert_eq!(
            unknown,
            [
                "entities[].config.current.properties.newProp",
                "entities[].integrationType.images",
                "entities[].reportedState.brandNew"
            ]
        );
        assert_eq!(
            f.unknown_enum_values,
            BTreeSet::from(["entities[].intendedState=PAUSED".to_string()])
        );
        assert_eq!(
            f.notes_sentinel_at,
            BTreeSet::from(["entities[].notes".to_string()])
        );
        let text = serde_json::to_string(&f).unwrap();
        assert!(
            !text.contains("secret-ish") && !text.contains("123456789012"),
            "{text}"
        );
        assert_eq!(
            expand_honoured(&listing, "amazon-eventbridge-source"),
            Some(true)
        );
        let bare = json!({"entities": [{"id": "a", "integrationType": {"id": "amazon-eventbridge-source"}}]});
        assert_eq!(
            expand_honoured(&bare, "amazon-eventbridge-source"),
            Some(false)
        );
        assert_eq!(expand_honoured(&json!({"entities": []}), "x"), None);
        assert_eq!(
            first_integration_id(&bare, "amazon-eventbridge-source"),
            Some("a")
        );
    }

    #[test]
    fn topic_transports_are_checked_as_an_enum() {
        let f = check_shape(
            ApiObject::TopicListing,
            &json!({"entities": [{"id": "t", "transports": ["All", "Carrier pigeon"]}]}),
        );
        assert_eq!(
            f.unknown_enum_values,
            BTreeSet::from(["entities[].transports=Carrier pigeon".to_string()])
        );
    }
}
