//! Test harness: an emulator on 127.0.0.1:0 (gcbridge-testkit) and reqwest calls wrapped so each
//! test reads as the API calls it makes, with the status, headers and body of each reply.

use std::time::Duration;

use genesys_sim::{RunningSim, SimConfig, ADMIN_CLIENT_ID, DEFAULT_SECRET, NOBODY_CLIENT_ID};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const EB: &str = "amazon-eventbridge-source";
pub const TOPIC: &str = "v2.detail.events.conversation.{id}.customer.start";

pub struct Harness {
    pub sim: RunningSim,
    pub http: reqwest::Client,
    pub base: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .unwrap()
    }

    /// Asserts a Genesys error body with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.body["code"], code, "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        for field in ["message", "messageWithParams", "contextId"] {
            assert!(
                self.body[field].is_string(),
                "{field} missing in {}",
                self.body
            );
        }
        assert!(self.body["messageParams"].is_object());
        assert_eq!(self.body["details"], json!([]));
        assert_eq!(self.body["errors"], json!([]));
    }

    /// Asserts a 400 bad.request whose message names `what`.
    #[track_caller]
    pub fn assert_bad_request_naming(&self, what: &str) {
        self.assert_error(400, "bad.request");
        let m = self.body["message"].as_str().unwrap();
        assert!(m.contains(what), "message {m:?} should name {what}");
    }
}

pub fn quick_config() -> SimConfig {
    gcbridge_testkit::sim::quick_config(Duration::from_millis(200))
}

impl Harness {
    pub async fn start() -> Self {
        Self::with(quick_config()).await
    }

    pub async fn with(config: SimConfig) -> Self {
        let sim = gcbridge_testkit::sim::start_exact(config).await;
        let base = sim.base_url();
        Harness {
            sim,
            http: reqwest::Client::new(),
            base,
        }
    }

    pub async fn token_response(&self, id: &str, secret: &str) -> Reply {
        let r = gcbridge_testkit::sim::token_request(&self.http, &self.base, id, secret)
            .send()
            .await
            .unwrap();
        reply(r).await
    }

    pub async fn token(&self, id: &str, secret: &str) -> String {
        let r = self.token_response(id, secret).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn api(&self, id: &str) -> Api {
        let token = self.token(id, DEFAULT_SECRET).await;
        self.api_with_token(token)
    }

    /// A client holding `token` as it is (a forged, expired or foreign one included).
    pub fn api_with_token(&self, token: impl Into<String>) -> Api {
        Api {
            http: self.http.clone(),
            base: self.base.clone(),
            token: token.into(),
        }
    }

    pub async fn admin(&self) -> Api {
        self.api(ADMIN_CLIENT_ID).await
    }

    /// A client that holds no permission at all (for what any client may read).
    pub async fn nobody(&self) -> Api {
        self.api(NOBODY_CLIENT_ID).await
    }

    /// The start of most tests: an emulator with the quick config, and its admin client.
    pub async fn with_admin() -> (Self, Api) {
        let h = Self::start().await;
        let api = h.admin().await;
        (h, api)
    }

    /// [`Harness::with_admin`] and one EventBridge integration named `name`.
    pub async fn with_integration(name: &str) -> (Self, Api, String) {
        let (h, api) = Self::with_admin().await;
        let id = api.create(name, EB).await;
        (h, api, id)
    }

    /// Sends a request built on this harness's client and reads the reply.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        reply(request.send().await.unwrap()).await
    }

    /// A request to `path` without a token: the `/sim/v1` test routes, the token endpoint, or
    /// an API call with no (or a wrong kind of) credentials.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// [`Harness::request`] with `body` as JSON when given, sent and read.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        send_json(self.request(method, path), body).await
    }

    pub async fn raw(&self, method: Method, path: &str) -> Reply {
        self.call(method, path, None).await
    }
}

/// Sends `request`, with `body` as its JSON when given, and reads the reply: the one way the
/// harness and every [`Api`] call send a JSON body.
async fn send_json(request: reqwest::RequestBuilder, body: Option<Value>) -> Reply {
    let request = match body {
        Some(b) => request.json(&b),
        None => request,
    };
    reply(request.send().await.unwrap()).await
}

pub async fn reply(r: reqwest::Response) -> Reply {
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    Reply {
        status,
        headers,
        body,
    }
}

/// A client holding one bearer token (its own handle on the harness's connection pool, so that a
/// test can hold it beside the harness).
pub struct Api {
    http: reqwest::Client,
    base: String,
    pub token: String,
}

impl Api {
    /// A request to `path` with this client's token, for tests that need more than `call` gives
    /// (a raw body, a header, a lost response).
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        send_json(self.request(method, path), body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    /// Creates an integration and returns its id.
    pub async fn create(&self, name: &str, type_id: &str) -> String {
        let r = self
            .post(
                "/api/v2/integrations",
                json!({"name": name, "integrationType": {"id": type_id}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body["id"].as_str().unwrap().to_string()
    }

    /// PATCHes `intendedState` (ENABLED or DISABLED), asserts the 200, returns the integration.
    pub async fn set_intended(&self, id: &str, intended: &str) -> Value {
        let r = self
            .patch(
                &format!("/api/v2/integrations/{id}"),
                json!({"intendedState": intended}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.body
    }

    /// Puts a complete EventBridge config at `version`.
    pub async fn configure(&self, id: &str, version: u64, suffix: &str) -> Reply {
        self.put(
            &format!("/api/v2/integrations/{id}/config/current"),
            json!({
                "notes": "n",
                "version": version,
                "properties": eb_properties(suffix),
                "advanced": {},
                "credentials": {}
            }),
        )
        .await
    }
}

pub fn eb_properties(suffix: &str) -> Value {
    json!({
        "awsAccountId": "123456789012",
        "awsAccountRegion": "us-east-1",
        "eventSourceSuffix": suffix,
        "eventFilter": [TOPIC]
    })
}
