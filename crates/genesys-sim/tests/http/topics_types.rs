//! Notification topics, integration types and their config schemas.

use serde_json::json;

use crate::common::{Harness, EB, TOPIC};

#[tokio::test]
async fn topics_without_expand_are_ids_only() {
    let h = Harness::start().await;
    let r = h
        .nobody()
        .await
        .get("/api/v2/notifications/availabletopics")
        .await;
    assert_eq!(r.status, 200, "no permission needed");
    let e = r.body["entities"].as_array().unwrap();
    assert_eq!(e.len(), 237);
    assert_eq!(e[0].as_object().unwrap().len(), 1);
    assert!(e.iter().any(|t| t["id"] == TOPIC));
    let r = h
        .raw(
            reqwest::Method::GET,
            "/api/v2/notifications/availabletopics",
        )
        .await;
    r.assert_error(401, "authentication.required");
}

#[tokio::test]
async fn topics_expanded() {
    let (_h, api) = Harness::with_admin().await;
    let r = api
        .get("/api/v2/notifications/availabletopics?expand=description,requiresPermissions,schema,transports,publicApiTemplateUriPaths&includePreview=true")
        .await;
    let e = r.body["entities"].as_array().unwrap();
    let t = e.iter().find(|t| t["id"] == TOPIC).unwrap();
    assert!(t["description"]
        .as_str()
        .unwrap()
        .contains("customer start"));
    assert_eq!(t["requiresPermissions"], json!([]));
    assert_eq!(t["transports"], json!(["Websocket", "EventBridge"]));
    assert_eq!(t["publicApiTemplateUriPaths"], json!([]));
    let s = &t["schema"];
    assert_eq!(s["type"], "object");
    assert_eq!(s["properties"]["conversationId"]["type"], "string");
    assert_eq!(s["properties"]["eventTime"]["type"], "integer");
    assert_eq!(s["properties"]["mediaType"]["enum"][1], "VOICE");
    let sys = e
        .iter()
        .find(|t| t["id"] == "v2.system.socket_closing")
        .unwrap();
    assert_eq!(sys["transports"], json!(["Websocket"]));
    // Topics that go everywhere: most list both transports, the user topics say All.
    let user = e
        .iter()
        .find(|t| t["id"] == "v2.users.{id}.presence")
        .unwrap();
    assert_eq!(user["transports"], json!(["All"]));
    // Repeated expand parameters work like a comma list.
    let r = api
        .get("/api/v2/notifications/availabletopics?expand=transports&expand=description")
        .await;
    let t = &r.body["entities"][0];
    assert!(t["transports"].is_array() && t["description"].is_string());
    assert!(t.get("schema").is_none());
}

#[tokio::test]
async fn integration_type_and_schema() {
    let (_h, api) = Harness::with_admin().await;
    let r = api.get(&format!("/api/v2/integrations/types/{EB}")).await;
    assert_eq!(r.status, 200);
    let t = &r.body;
    assert_eq!(t["id"], EB);
    assert_eq!(t["name"], "Amazon EventBridge Source");
    assert_eq!(t["vendorName"], "Amazon Web Services");
    assert_eq!(t["nonInstallable"], false);
    assert_eq!(t["images"], json!([]));
    assert_eq!(t["helpLinks"], json!([]));
    assert_eq!(t["credentials"], json!({}));
    assert_eq!(t["userPermissions"], json!([]));
    assert_eq!(t["vendorOAuthClientIds"], json!([]));
    assert!(t["maxInstances"].is_u64());
    for f in [
        "description",
        "provider",
        "category",
        "helpUri",
        "termsOfServiceUri",
        "vendorWebsiteUri",
        "marketplaceUri",
        "faqUri",
        "privacyPolicyUri",
        "supportContactUri",
        "salesContactUri",
    ] {
        assert!(t[f].is_string(), "{f}");
    }
    assert_eq!(t["selfUri"], format!("/api/v2/integrations/types/{EB}"));
    api.get("/api/v2/integrations/types/salesforce")
        .await
        .assert_error(404, "not.found");

    let r = api
        .get(&format!(
            "/api/v2/integrations/types/{EB}/configschemas/properties"
        ))
        .await;
    assert_eq!(r.status, 200);
    let s = &r.body;
    assert_eq!(s["type"], "object");
    assert!(s["$schema"].is_string() && s["id"].is_string() && s["title"].is_string());
    assert_eq!(
        s["required"],
        json!([
            "awsAccountId",
            "awsAccountRegion",
            "eventSourceSuffix",
            "eventFilter"
        ])
    );
    let p = &s["properties"];
    assert_eq!(p["awsAccountId"]["pattern"], "^[0-9]{12}$");
    assert!(p["awsAccountRegion"]["examples"]
        .as_array()
        .unwrap()
        .contains(&json!("us-gov-east-1")));
    assert!(
        p["awsAccountRegion"].get("enum").is_none(),
        "any region code is accepted"
    );
    assert_eq!(
        p["awsAccountRegion"]["pattern"],
        "^[a-z]{2,4}(-[a-z]{2,12}){1,3}-[1-9][0-9]?$"
    );
    assert_eq!(p["eventSourceSuffix"]["maxLength"], 64);
    assert_eq!(p["eventSourceSuffix"]["minLength"], 1);
    assert_eq!(p["eventFilter"]["type"], "array");
    assert_eq!(p["eventFilter"]["minItems"], 1);
    assert_eq!(p["eventFilter"]["items"]["type"], "string");
    api.get(&format!(
        "/api/v2/integrations/types/{EB}/configschemas/nonsense"
    ))
    .await
    .assert_error(404, "not.found");
}
