//! The API variants public sources leave open (issue 10), against the scripted stub: what a create
//! sends, error bodies with nulls or without JSON, the correlation header, a 408 on the config PUT
//! and elsewhere, the list filter, and the rate budget the messages report.

use crate::support::*;
use genesys_client::{
    CreateIntegrationRequest, Error, IntegrationConfiguration, EVENTBRIDGE_TYPE_ID,
};
use serde_json::json;

fn stub_client(stub: &Stub) -> genesys_client::GenesysClient {
    client_for(&stub.base_url(), "stub-id", "stub-secret")
}

fn integration() -> Canned {
    Canned::json(
        200,
        json!({"id": "i-1", "name": "n", "integrationType": {"id": EVENTBRIDGE_TYPE_ID}}),
    )
}

fn request_line(seen: &Seen) -> String {
    seen.head.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn create_sends_name_and_type_only() {
    let stub = Stub::start(vec![integration()]).await;
    let req = CreateIntegrationRequest::eventbridge("prod");
    stub_client(&stub).create_integration(&req).await.unwrap();
    let body: serde_json::Value = serde_json::from_str(&stub.api_requests()[0].body).unwrap();
    assert_eq!(
        body,
        json!({"name": "prod", "integrationType": {"id": EVENTBRIDGE_TYPE_ID}})
    );
}

#[tokio::test]
async fn a_403_with_null_details_keeps_code_context_and_permission() {
    let stub = Stub::start(vec![Canned::json(
        403,
        json!({"message": "You are missing the following permission(s): [integrations:integration:add]",
               "code": "missing.permissions", "status": 403, "contextId": "ctx-403",
               "details": null, "errors": null, "messageParams": null, "messageWithParams": null,
               "entityId": null, "entityName": null, "limit": null}),
    )])
    .await;
    let err = stub_client(&stub)
        .create_integration(&CreateIntegrationRequest::eventbridge("n"))
        .await
        .unwrap_err();
    assert_forbidden(&err, "integrations:integration:add");
    assert_eq!(err.context_id(), Some("ctx-403"));
    assert_eq!(err.api_error().unwrap().code, "missing.permissions");
}

#[tokio::test]
async fn an_error_body_of_nulls_or_odd_types_still_maps() {
    let stub = Stub::start(vec![Canned::json(
        400,
        json!({"message": null, "code": null, "status": null, "contextId": null, "details": null}),
    )
    .header("ININ-Correlation-Id", "corr-1")])
    .await;
    let err = stub_client(&stub).get_integration("i-1").await.unwrap_err();
    assert!(
        matches!(err, Error::BadRequest { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(err.context_id(), Some("corr-1"), "the header stands in");
    assert!(err.to_string().contains("Bad Request"), "{err}");

    // A field of an unexpected type does not lose the others.
    let stub = Stub::start(vec![Canned::json(
        400,
        json!({"message": "bad value", "code": "invalid.value", "status": "400", "contextId": "ctx-2", "details": {}}),
    )])
    .await;
    let err = stub_client(&stub).get_integration("i-1").await.unwrap_err();
    assert_eq!(err.context_id(), Some("ctx-2"));
    assert!(err.to_string().contains("bad value"), "{err}");
    assert_eq!(err.api_error().unwrap().code, "invalid.value");
}

#[tokio::test]
async fn non_json_error_bodies() {
    let html = Canned {
        body: "<html><body><h1>502 Bad Gateway</h1></body></html>".into(),
        ..Canned::json(502, json!({}))
    }
    .header("ININ-Correlation-Id", "corr-html");
    let stub = Stub::start(vec![html]).await;
    let err = stub_client(&stub).get_integration("i-1").await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 502, .. }), "{err:?}");
    assert!(err.to_string().contains("Bad Gateway"), "{err}");
    assert!(!err.to_string().contains("<html>"), "{err}");
    assert_eq!(err.context_id(), Some("corr-html"));

    let bare = Canned {
        body: String::new(),
        ..Canned::json(502, json!({}))
    };
    let stub = Stub::start(vec![bare]).await;
    let err = stub_client(&stub).get_integration("i-1").await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 502, .. }), "{err:?}");
    assert!(err.api_error().is_none());
}

#[tokio::test]
async fn models_tolerate_null_everywhere() {
    let stub = Stub::start(vec![Canned::json(
        200,
        json!({"entities": [{"id": "i-1", "name": null, "notes": null, "intendedState": null,
                "integrationType": {"id": EVENTBRIDGE_TYPE_ID, "name": null},
                "reportedState": {"code": null, "effective": null, "detail": null},
                "config": {"current": null}, "attributes": null}],
               "pageSize": null, "pageNumber": null, "total": null, "pageCount": null, "nextUri": null}),
    )])
    .await;
    let all = stub_client(&stub)
        .list_integrations_of_type(EVENTBRIDGE_TYPE_ID, true)
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "");
    assert!(all[0].current_config().is_none());
    let cfg: IntegrationConfiguration = serde_json::from_value(json!({
        "id": null, "name": null, "notes": null, "version": null,
        "properties": null, "advanced": null, "credentials": null
    }))
    .unwrap();
    assert_eq!((cfg.version, cfg.notes_text()), (0, None));
}

#[tokio::test]
async fn a_408_is_a_conflict_on_the_config_put_only() {
    let timeout = Canned::json(
        408,
        json!({"message": "Request Timeout", "code": "request.timeout"}),
    );
    let stub = Stub::start(vec![timeout.clone()]).await;
    let client = stub_client(&stub);
    let err = client
        .put_integration_config("i-1", &IntegrationConfiguration::default())
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(
        stub.api_requests().len(),
        1,
        "a conflict is re-decided, not resent"
    );

    // On a GET it is a timeout, retried.
    let stub = Stub::start(vec![timeout.clone(), integration()]).await;
    let client = stub_client(&stub);
    assert_eq!(client.get_integration("i-1").await.unwrap().id, "i-1");
    assert_eq!(stub.api_requests().len(), 2);

    // On a POST it is a timeout, not retried (it may have been processed).
    let stub = Stub::start(vec![timeout, integration()]).await;
    let err = stub_client(&stub)
        .create_integration(&CreateIntegrationRequest::eventbridge("n"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("408"), "{err}");
    assert_eq!(stub.api_requests().len(), 1);
}

#[tokio::test]
async fn the_list_asks_for_the_type_and_still_filters() {
    let stub = Stub::start(vec![Canned::json(
        200,
        json!({"entities": [
            {"id": "a", "integrationType": {"id": EVENTBRIDGE_TYPE_ID}},
            {"id": "b", "integrationType": {"id": "purecloud-data-actions"}}
        ], "pageSize": 100, "pageNumber": 1, "total": 2, "pageCount": 1}),
    )])
    .await;
    let all = stub_client(&stub)
        .list_integrations_of_type(EVENTBRIDGE_TYPE_ID, true)
        .await
        .unwrap();
    assert_eq!(all.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["a"]);
    let line = request_line(&stub.api_requests()[0]);
    assert!(
        line.contains("integrationType=amazon-eventbridge-source"),
        "{line}"
    );
    assert!(line.contains("pageSize=100"), "{line}");
    assert!(line.contains("expand=config.current"), "{line}");
}

#[tokio::test]
async fn rate_limit_messages_report_the_budget_seen() {
    let paced = |c: Canned| {
        c.header("inin-ratelimit-allowed", "180")
            .header("inin-ratelimit-count", "3")
            .header("inin-ratelimit-reset", "30")
    };
    let limited = Canned::json(
        429,
        json!({"message": "slow down", "code": "too.many.requests.retry.after"}),
    )
    .header("Retry-After", "600");
    let stub = Stub::start(vec![paced(integration()), integration(), paced(limited)]).await;
    let client = stub_client(&stub);
    assert_eq!(client.rate_limit_allowed(), None);
    let raw = client
        .get_raw(&["api", "v2", "integrations", "i-1"], &[])
        .await
        .unwrap();
    assert_eq!((raw.status, raw.rate_limit_allowed), (200, Some(180)));
    assert_eq!(raw.body["id"], "i-1");
    assert_eq!(client.rate_limit_allowed(), Some(180));
    // A response without the header reports none of its own; the client remembers the last.
    let raw = client
        .get_raw(&["api", "v2", "integrations", "i-1"], &[])
        .await
        .unwrap();
    assert_eq!(raw.rate_limit_allowed, None);
    assert_eq!(client.rate_limit_allowed(), Some(180));
    let err = client.get_integration("i-1").await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("180 requests per window"), "{msg}");
    assert!(!msg.contains("300"), "{msg}");
}
