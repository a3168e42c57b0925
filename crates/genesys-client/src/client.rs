//! The client handle and its transport: every API call goes through [`GenesysClient::call`],
//! which adds the bearer token, waits for the pacer, sends, renews the token once on a 401,
//! retries what is safe to retry, and turns failures into [`Error`]s. The typed endpoints live
//! in `integrations.rs`, `organizations.rs` and `topics.rs`.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::auth::{correlation_id, out_of_time, retry_or_fail, spent, Attempt, TokenManager};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{Error, RequestContext};
use crate::error_response;
use crate::pacing::Pacer;
use crate::policy::HttpPolicy;
use crate::retry::{self, Failure};
use crate::stats::{RequestStats, Stats};

/// How many fresh tokens one call tries after 401s before it reports the 401.
const MAX_RENEWALS_AFTER_401: u32 = 3;

/// Everything needed to build a [`GenesysClient`].
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub endpoint: Endpoint,
    pub credentials: Credentials,
    pub policy: HttpPolicy,
    pub user_agent: String,
}

impl ClientConfig {
    /// A config with the default policy and this crate's user agent.
    pub fn new(endpoint: Endpoint, credentials: Credentials) -> ClientConfig {
        ClientConfig {
            endpoint,
            credentials,
            policy: HttpPolicy::default(),
            user_agent: default_user_agent(),
        }
    }
}

/// An HTTP client for requests to `target`. The proxy variables (`HTTP_PROXY`, `HTTPS_PROXY`,
/// `ALL_PROXY`, any case) are honoured except for this machine: a proxy would see plain-HTTP
/// loopback traffic, Basic header and bearer tokens included, in clear text.
fn http_client(
    policy: &HttpPolicy,
    user_agent: &str,
    target: &Url,
) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(policy.connect_timeout)
        .timeout(policy.request_timeout)
        .user_agent(user_agent)
        // A redirect is never part of this API; following one could carry the credentials
        // somewhere unexpected.
        .redirect(reqwest::redirect::Policy::none());
    if crate::policy::is_loopback(target) {
        builder = builder.no_proxy();
    }
    builder.build().map_err(|e| Error::Config {
        message: e.to_string(),
    })
}

fn default_user_agent() -> String {
    format!("genesys-client/{}", env!("CARGO_PKG_VERSION"))
}

/// A Genesys Cloud API client. Cheap to clone; clones share the token, the pacer and the stats.
#[derive(Clone)]
pub struct GenesysClient {
    inner: Arc<Inner>,
}

struct Inner {
    /// For the API; never through a proxy when the API is on this machine.
    http: reqwest::Client,
    /// For the token call, by the same rule for the login host.
    token_http: reqwest::Client,
    endpoint: Endpoint,
    policy: HttpPolicy,
    tokens: TokenManager,
    pacer: Pacer,
    stats: Stats,
}

impl std::fmt::Debug for GenesysClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenesysClient")
            .field("endpoint", &self.inner.endpoint)
            .field("client_id", &self.inner.tokens.client_id())
            .finish_non_exhaustive()
    }
}

/// A request body, already serialized (so a retry resends the same bytes).
pub(crate) type JsonBody = Option<Vec<u8>>;

impl GenesysClient {
    pub fn new(cfg: ClientConfig) -> Result<Self, Error> {
        let user_agent = if cfg.user_agent.trim().is_empty() {
            default_user_agent()
        } else {
            cfg.user_agent
        };
        let http = http_client(&cfg.policy, &user_agent, &cfg.endpoint.api_base)?;
        let token_http = http_client(&cfg.policy, &user_agent, &cfg.endpoint.token_url)?;
        Ok(GenesysClient {
            inner: Arc::new(Inner {
                http,
                token_http,
                tokens: TokenManager::new(cfg.endpoint.token_url.clone(), cfg.credentials),
                endpoint: cfg.endpoint,
                policy: cfg.policy,
                pacer: Pacer::default(),
                stats: Stats::default(),
            }),
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    pub fn client_id(&self) -> &str {
        self.inner.tokens.client_id()
    }

    pub fn policy(&self) -> &HttpPolicy {
        &self.inner.policy
    }

    /// When the current token expires; fetches one if there is none (so it also checks the
    /// credentials).
    pub async fn token_expiry(&self) -> Result<SystemTime, Error> {
        let i = &*self.inner;
        Ok(i.tokens
            .current(&i.token_http, &i.policy, &i.stats)
            .await?
            .expires_at_system)
    }

    /// The `inin-ratelimit-allowed` the last paced response reported (budgets differ per
    /// endpoint), `None` before any response carried it.
    pub fn rate_limit_allowed(&self) -> Option<u32> {
        self.inner.pacer.allowed_seen()
    }

    pub fn stats(&self) -> RequestStats {
        self.inner.stats.snapshot(self.inner.pacer.waits())
    }

    /// `/api/v2/...` as a URL; segments are percent-encoded, so an id cannot change the path.
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.endpoint.api_base.clone();
        url.path_segments_mut()
            .expect("http(s) URLs have path segments")
            .pop_if_empty()
            .extend(segments);
        url
    }

    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        query: &[(&str, String)],
    ) -> Result<T, Error> {
        let a = self.call(Method::GET, url, query, None, true).await?;
        parse_json(a.ctx, a.status, &a.body)
    }

    /// `GET /api/v2/...` (`segments` after the base), as JSON without a model, with the
    /// response's rate budget: for reports on the API's shape. Paced and retried like every call.
    pub async fn get_raw(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
    ) -> Result<RawResponse, Error> {
        let a = self
            .call(Method::GET, self.url(segments), query, None, true)
            .await?;
        let body = parse_json(a.ctx, a.status, &a.body)?;
        Ok(RawResponse {
            status: a.status,
            body,
            rate_limit_allowed: a.allowed,
        })
    }

    pub(crate) async fn send_json<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: &B,
        idempotent: bool,
    ) -> Result<T, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Config {
            message: format!("cannot serialize the request body: {e}"),
        })?;
        let a = self.call(method, url, &[], Some(bytes), idempotent).await?;
        parse_json(a.ctx, a.status, &a.body)
    }

    pub(crate) async fn delete(&self, url: Url) -> Result<(), Error> {
        self.call(Method::DELETE, url, &[], None, true).await?;
        Ok(())
    }

    /// Sends one API call with auth, pacing and retries; returns the body of a 2xx response.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: Url,
        query: &[(&str, String)],
        body: JsonBody,
        idempotent: bool,
    ) -> Result<Answer, Error> {
        let i = &*self.inner;
        let ctx = RequestContext::new(method.as_str(), url.path());
        let started = Instant::now();
        let mut attempt = 0;
        let mut renewals_after_401 = 0;
        let mut token = i.tokens.current(&i.token_http, &i.policy, &i.stats).await?;
        loop {
            attempt += 1;
            let Some(timeout) = i.policy.attempt_timeout(started.elapsed()) else {
                return Err(out_of_time(ctx, attempt - 1, started, &i.policy));
            };
            let sending = Sending {
                method: &method,
                url: &url,
                query,
                body: &body,
                ctx: &ctx,
                token: token.value.expose(),
                timeout,
            };
            let outcome = self.attempt(sending).await;
            let (failure, err) = match outcome {
                Ok(Sent::Success(status, body, allowed)) => {
                    return Ok(Answer {
                        ctx,
                        status,
                        body,
                        allowed,
                    })
                }
                Ok(Sent::Unauthorized(err)) if renewals_after_401 < MAX_RENEWALS_AFTER_401 => {
                    // The token may have been revoked or expired early: renew it. Not just once:
                    // the token is shared by concurrent calls, so a revocation seen by another
                    // call can reach this one again; a token that is always refused still fails
                    // after a few fresh ones.
                    renewals_after_401 += 1;
                    Stats::bump(&i.stats.retries);
                    tracing::debug!(method = %ctx.method, path = %ctx.path, "401: renewing the token once: {err}");
                    token = i
                        .tokens
                        .renew(token.generation, &i.token_http, &i.policy, &i.stats)
                        .await?;
                    continue;
                }
                Ok(Sent::Unauthorized(err)) => return Err(err),
                Err(Attempt::Fatal(err)) => return Err(spent(err, attempt, started, &i.policy)),
                Err(Attempt::Retryable(failure, err)) => (failure, err),
            };
            retry_or_fail(
                &i.policy, idempotent, failure, err, attempt, started, &i.stats,
            )
            .await?;
            // The token may have aged during a long wait.
            token = i.tokens.current(&i.token_http, &i.policy, &i.stats).await?;
        }
    }

    async fn attempt(&self, sending: Sending<'_>) -> Result<Sent, Attempt> {
        let Sending {
            method,
            url,
            query,
            body,
            ctx,
            token,
            timeout,
        } = sending;
        let i = &*self.inner;
        let permit = i.pacer.acquire().await;
        Stats::bump(&i.stats.requests);
        if method != Method::GET {
            Stats::bump(&i.stats.writes);
        }
        let rb = self
            .request_builder(method, url, query, body, token)
            .timeout(timeout);
        let transport = |e: reqwest::Error| crate::auth::attempt_failed(ctx.clone(), &e, &i.policy);
        let resp = rb.send().await.map_err(transport)?;
        i.pacer.observe(resp.headers());
        let allowed = crate::pacing::allowed_of(resp.headers());
        let status = resp.status().as_u16();
        let retry_after = retry::retry_after_of(resp.headers());
        let correlation = correlation_id(resp.headers());
        let text = resp.text().await.map_err(transport)?;
        drop(permit);
        if (200..300).contains(&status) {
            return Ok(Sent::Success(status, text, allowed));
        }
        let err = || {
            let mut e = error_response::from_response(
                ctx.clone(),
                status,
                &text,
                correlation.as_deref(),
                retry_after,
            );
            if let Error::RateLimited { allowed, .. } = &mut e {
                *allowed = i.pacer.allowed_seen();
            }
            e
        };
        match status {
            401 => Ok(Sent::Unauthorized(self.unauthorized(err()))),
            429 => {
                Stats::bump(&i.stats.rate_limited_429);
                if let Some(d) = retry_after {
                    i.pacer.rate_limited(d);
                }
                Err(Attempt::Retryable(
                    Failure::TooManyRequests { retry_after },
                    err(),
                ))
            }
            // A 408 outside the config PUT is a timeout: repeated when idempotent only.
            408 if !error_response::is_config_put(ctx) => {
                Err(Attempt::Retryable(Failure::AfterSend, err()))
            }
            500 | 502..=504 => Err(Attempt::Retryable(
                Failure::Unavailable {
                    status,
                    retry_after,
                },
                err(),
            )),
            _ => Err(Attempt::Fatal(err())),
        }
    }

    fn request_builder(
        &self,
        method: &Method,
        url: &Url,
        query: &[(&str, String)],
        body: &JsonBody,
        token: &str,
    ) -> reqwest::RequestBuilder {
        let mut rb = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .bearer_auth(token)
            .header(ACCEPT, "application/json");
        if !query.is_empty() {
            rb = rb.query(query);
        }
        if let Some(bytes) = body {
            rb = rb
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone());
        }
        rb
    }

    /// A 401 from the API (as opposed to the token call): the token was refused.
    fn unauthorized(&self, mapped: Error) -> Error {
        let (request, message, api) = match mapped {
            Error::BadRequest {
                request,
                message,
                api,
                ..
            } => (request, message, api),
            other => return other,
        };
        let creds: &Credentials = self.inner.tokens.credentials();
        Error::Unauthorized {
            request,
            client_id: creds.client_id.clone(),
            detail: format!("the API refused a freshly issued access token: {message}"),
            credential_source: creds.source.clone(),
            api,
        }
    }
}

/// One attempt of a call: what to send, and how long it may take.
struct Sending<'a> {
    method: &'a Method,
    url: &'a Url,
    query: &'a [(&'a str, String)],
    body: &'a JsonBody,
    ctx: &'a RequestContext,
    token: &'a str,
    timeout: std::time::Duration,
}

enum Sent {
    /// Status, body and the response's `inin-ratelimit-allowed`.
    Success(u16, String, Option<u32>),
    Unauthorized(Error),
}

/// A 2xx answer as received, for callers that inspect the API's shape (`gcbridge api-check`).
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub body: serde_json::Value,
    /// The `inin-ratelimit-allowed` header of this response (budgets differ per endpoint).
    pub rate_limit_allowed: Option<u32>,
}

/// What one successful call returned.
pub(crate) struct Answer {
    pub ctx: RequestContext,
    pub status: u16,
    pub body: String,
    pub allowed: Option<u32>,
}

fn parse_json<T: DeserializeOwned>(
    ctx: RequestContext,
    status: u16,
    body: &str,
) -> Result<T, Error> {
    serde_json::from_str(body).map_err(|e| Error::InvalidResponse {
        request: Box::new(ctx),
        status: Some(status),
        detail: format!("the response body is not the expected JSON ({e})"),
    })
}
