//! The integration types the emulator knows (`amazon-eventbridge-source`,
//! `purecloud-data-actions`, `webhooks`), their IntegrationType documents and the config
//! schemas served under `/api/v2/integrations/types/{typeId}/configschemas/{configType}`.

use serde_json::{json, Value};

use crate::backend::validation::{AWS_REGIONS, REGION_PATTERN, SUFFIX_MAX_LEN};

pub const EVENTBRIDGE_TYPE_ID: &str = "amazon-eventbridge-source";
pub const DATA_ACTIONS_TYPE_ID: &str = "purecloud-data-actions";
pub const WEBHOOKS_TYPE_ID: &str = "webhooks";

/// One known integration type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntegrationType {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub provider: &'static str,
    pub category: &'static str,
    pub vendor_name: &'static str,
    pub vendor_website_uri: &'static str,
    pub help_uri: &'static str,
    pub max_instances: u32,
}

const TYPES: &[IntegrationType] = &[
    IntegrationType {
        id: EVENTBRIDGE_TYPE_ID,
        name: "Amazon EventBridge Source",
        description: "Streams Genesys Cloud events to an Amazon EventBridge partner event source in your AWS account.",
        provider: "genesys-cloud",
        category: "Event Streaming",
        vendor_name: "Amazon Web Services",
        vendor_website_uri: "https://aws.amazon.com/eventbridge/",
        help_uri: "https://help.mypurecloud.com/articles/about-the-amazon-eventbridge-integration/",
        max_instances: 500,
    },
    IntegrationType {
        id: DATA_ACTIONS_TYPE_ID,
        name: "Genesys Cloud Data Actions",
        description: "Calls the Genesys Cloud Platform API from data actions.",
        provider: "genesys-cloud",
        category: "Data Actions",
        vendor_name: "Genesys",
        vendor_website_uri: "https://www.genesys.com",
        help_uri: "https://help.mypurecloud.com/articles/about-genesys-cloud-data-actions-integration/",
        max_instances: 500,
    },
    IntegrationType {
        id: WEBHOOKS_TYPE_ID,
        name: "Webhooks",
        description: "Posts messages to an external web service.",
        provider: "genesys-cloud",
        category: "Webhooks",
        vendor_name: "Genesys",
        vendor_website_uri: "https://www.genesys.com",
        help_uri: "https://help.mypurecloud.com/articles/about-the-webhooks-integration/",
        max_instances: 500,
    },
];

/// Looks a type up by id.
pub fn find(id: &str) -> Option<&'static IntegrationType> {
    TYPES.iter().find(|t| t.id == id)
}

/// All known type ids, for error messages.
pub fn known_ids() -> Vec<&'static str> {
    TYPES.iter().map(|t| t.id).collect()
}

pub fn self_uri(id: &str) -> String {
    format!("/api/v2/integrations/types/{id}")
}

impl IntegrationType {
    /// The short reference embedded in every Integration.
    pub fn summary_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "provider": self.provider,
            "category": self.category,
            "selfUri": self_uri(self.id),
        })
    }

    /// The full IntegrationType document.
    pub fn full_json(&self) -> Value {
        let mut doc = self.summary_json();
        let more = json!({
            "images": [],
            "configPropertiesSchemaUri": format!("{}/configschemas/properties", self_uri(self.id)),
            "configAdvancedSchemaUri": format!("{}/configschemas/advanced", self_uri(self.id)),
            "helpUri": self.help_uri,
            "termsOfServiceUri": "https://www.genesys.com/terms",
            "vendorName": self.vendor_name,
            "vendorWebsiteUri": self.vendor_website_uri,
            "marketplaceUri": format!("https://appfoundry.genesys.com/filter/genesyscloud/listing/{}", self.id),
            "faqUri": self.help_uri,
            "privacyPolicyUri": "https://www.genesys.com/privacy-policy",
            "supportContactUri": "https://help.mypurecloud.com/articles/contact-genesys-cloud-customer-care/",
            "salesContactUri": "https://www.genesys.com/contact-us",
            "helpLinks": [],
            "credentials": {},
            "nonInstallable": false,
            "maxInstances": self.max_instances,
            "userPermissions": [],
            "vendorOAuthClientIds": [],
        });
        if let (Value::Object(doc), Value::Object(more)) = (&mut doc, more) {
            doc.extend(more);
        }
        doc
    }

    /// The JSON schema document for one config section (`properties` or `advanced`);
    /// None for other section names.
    pub fn config_schema(&self, config_type: &str) -> Option<Value> {
        let id = format!("{}/configschemas/{config_type}", self_uri(self.id));
        match (self.id, config_type) {
            (EVENTBRIDGE_TYPE_ID, "properties") => Some(json!({
                "id": id,
                "$schema": "http://json-schema.org/draft-04/schema#",
                "title": "Amazon EventBridge Source properties",
                "description": "Where Genesys Cloud creates the partner event source and which topics it sends.",
                "type": "object",
                "required": ["awsAccountId", "awsAccountRegion", "eventSourceSuffix", "eventFilter"],
                "additionalProperties": false,
                "properties": {
                    "awsAccountId": {
                        "type": "string",
                        "title": "AWS Account ID",
                        "description": "The 12-digit id of the AWS account that receives the events.",
                        "pattern": "^[0-9]{12}$"
                    },
                    "awsAccountRegion": {
                        "type": "string",
                        "title": "AWS Account Region",
                        "description": "The AWS region of the partner event source: any AWS region code (Genesys points to AWS's list).",
                        "pattern": REGION_PATTERN,
                        "examples": *AWS_REGIONS
                    },
                    "eventSourceSuffix": {
                        "type": "string",
                        "title": "Event Source Suffix",
                        "description": "Ends the partner event source name aws.partner/genesys.com/cloud/{orgId}/{suffix}; unique per AWS account.",
                        "pattern": "^[A-Za-z0-9._-]+$",
                        "minLength": 1,
                        "maxLength": SUFFIX_MAX_LEN
                    },
                    "eventFilter": {
                        "type": "array",
                        "title": "Topic Filtering",
                        "description": "Topic templates (with literal {id} placeholders) to send.",
                        "minItems": 1,
                        "items": {"type": "string"}
                    }
                }
            })),
            (_, "properties" | "advanced") => Some(json!({
                "id": id,
                "$schema": "http://json-schema.org/draft-04/schema#",
                "title": format!("{} {config_type}", self.name),
                "description": format!("{} configuration {config_type}.", self.name),
                "type": "object",
                "properties": {}
            })),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eventbridge_type_document() {
        let t = find(EVENTBRIDGE_TYPE_ID).unwrap();
        let j = t.full_json();
        assert_eq!(j["name"], "Amazon EventBridge Source");
        assert_eq!(j["vendorName"], "Amazon Web Services");
        assert_eq!(j["nonInstallable"], false);
        let s = t.config_schema("properties").unwrap();
        assert_eq!(s["required"].as_array().unwrap().len(), 4);
        assert_eq!(s["properties"]["eventFilter"]["minItems"], 1);
        assert!(t.config_schema("bogus").is_none());
        assert!(find("nope").is_none());
    }
}
