//! A scripted Genesys API on loopback for the variants the emulator of this tree does not play
//! (a list that ignores `expand`, deleted integrations still listed, version conflicts that
//! outlast four rounds): `/oauth/token` always issues a token, every other request goes to the
//! test's handler, and every request line is recorded.

use std::sync::Arc;

use gcbridge_testkit::http_stub::{HttpStub, StubRequest, StubResponse};
use genesys_client::{ClientConfig, CredentialSource, Credentials, Endpoint, GenesysClient};

/// One request as the handler sees it.
pub type Req = StubRequest;

pub type Handler = Arc<dyn Fn(&Req) -> (u16, serde_json::Value) + Send + Sync>;

/// The shared loopback stub ([`HttpStub`]) answering with the test's handler.
pub struct FakeApi {
    http: HttpStub,
}

impl FakeApi {
    pub async fn start(handler: Handler) -> FakeApi {
        let respond = move |r: &StubRequest| {
            let (status, body) = handler(r);
            StubResponse::json(status, body)
        };
        FakeApi {
            http: HttpStub::start(Arc::new(respond)).await,
        }
    }

    pub fn client(&self) -> GenesysClient {
        let endpoint = Endpoint::from_api_url(&self.http.base_url(), None).unwrap();
        let creds = Credentials::new("id", "secret", CredentialSource::Flags);
        GenesysClient::new(ClientConfig::new(endpoint, creds)).unwrap()
    }

    /// `METHOD path?query` and the body of every API request (the token call excluded).
    pub fn seen(&self) -> Vec<(String, String)> {
        let requests = self.http.api_requests();
        let line = |r: &Req| format!("{} {}?{}", r.method, r.path, r.query);
        requests.iter().map(|r| (line(r), r.body.clone())).collect()
    }

    pub fn lines(&self) -> Vec<String> {
        self.seen().into_iter().map(|(l, _)| l).collect()
    }
}
