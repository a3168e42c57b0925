//! OAuth client-credentials tokens: fetched on first use, cached in memory, renewed shortly
//! before expiry or after a 401, one fetch at a time however many requests need a token.
//! Neither the secret nor the token nor the token call's bodies are ever logged.

use std::time::{Duration, Instant, SystemTime};

use reqwest::header::ACCEPT;
use serde::Deserialize;
use tokio::sync::Mutex;
use url::Url;

use crate::credentials::Credentials;
use crate::error::{Effort, Error, RequestContext};
use crate::error_response;
use crate::models::ApiErrorBody;
use crate::net;
use crate::policy::HttpPolicy;
use crate::retry::{self, Decision, Failure};
use crate::secret::Secret;
use crate::stats::Stats;

/// Renew when less than this remains (or a tenth of the lifetime, if smaller).
const RENEW_BEFORE: Duration = Duration::from_secs(60);

/// When the token endpoint omits `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Clone)]
pub(crate) struct Token {
    pub value: Secret,
    /// Increments with every fetch, so a 401 renews only the token that failed.
    pub generation: u64,
    pub expires_at: Instant,
    pub expires_at_system: SystemTime,
    pub lifetime: Duration,
}

impl Token {
    fn needs_renewal(&self, now: Instant) -> bool {
        let margin = RENEW_BEFORE.min(self.lifetime / 10);
        self.expires_at.saturating_duration_since(now) <= margin
    }
}

pub(crate) struct TokenManager {
    token_url: Url,
    credentials: Credentials,
    state: Mutex<Option<Token>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OAuthErrorBody {
    error: String,
    error_description: Option<String>,
    description: Option<String>,
}

impl TokenManager {
    pub(crate) fn new(token_url: Url, credentials: Credentials) -> TokenManager {
        TokenManager {
            token_url,
            credentials,
            state: Mutex::new(None),
        }
    }

    pub(crate) fn client_id(&self) -> &str {
        &self.credentials.client_id
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// A token with time left, fetched if there is none or it is about to expire.
    pub(crate) async fn current(
        &self,
        http: &reqwest::Client,
        policy: &HttpPolicy,
        stats: &Stats,
    ) -> Result<Token, Error> {
        self.held_or_fetched(|_| true, http, policy, stats).await
    }

    /// Replaces the token of `failed_generation` after the API refused it; if another request
    /// already replaced it, that newer token is used instead of fetching again.
    pub(crate) async fn renew(
        &self,
        failed_generation: u64,
        http: &reqwest::Client,
        policy: &HttpPolicy,
        stats: &Stats,
    ) -> Result<Token, Error> {
        let newer = |t: &Token| t.generation != failed_generation;
        self.held_or_fetched(newer, http, policy, stats).await
    }

    /// The held token when `usable` accepts it and it has time left; else a new one, fetched
    /// under the lock so concurrent requests wait for one fetch instead of each making theirs.
    async fn held_or_fetched(
        &self,
        usable: impl Fn(&Token) -> bool,
        http: &reqwest::Client,
        policy: &HttpPolicy,
        stats: &Stats,
    ) -> Result<Token, Error> {
        let mut guard = self.state.lock().await;
        if let Some(t) = guard.as_ref() {
            if usable(t) && !t.needs_renewal(Instant::now()) {
                return Ok(t.clone());
            }
        }
        let next_generation = guard.as_ref().map_or(1, |t| t.generation + 1);
        let token = self.fetch(http, policy, stats, next_generation).await?;
        *guard = Some(token.clone());
        Ok(token)
    }

    fn request_context(&self) -> RequestContext {
        RequestContext::new("POST", self.token_url.path())
    }

    /// The token call is safe to repeat (it changes nothing), so 429, 5xx and network failures
    /// are all retried within the policy.
    async fn fetch(
        &self,
        http: &reqwest::Client,
        policy: &HttpPolicy,
        stats: &Stats,
        generation: u64,
    ) -> Result<Token, Error> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let Some(timeout) = policy.attempt_timeout(started.elapsed()) else {
                return Err(out_of_time(
                    self.request_context(),
                    attempt - 1,
                    started,
                    policy,
                ));
            };
            match self
                .fetch_once(http, policy, stats, generation, timeout)
                .await
            {
                Ok(token) => return Ok(token),
                Err(Attempt::Fatal(err)) => return Err(spent(err, attempt, started, policy)),
                Err(Attempt::Retryable(failure, err)) => {
                    retry_or_fail(policy, true, failure, err, attempt, started, stats).await?
                }
            }
        }
    }

    async fn fetch_once(
        &self,
        http: &reqwest::Client,
        policy: &HttpPolicy,
        stats: &Stats,
        generation: u64,
        timeout: Duration,
    ) -> Result<Token, Attempt> {
        let transport = |e: reqwest::Error| attempt_failed(self.request_context(), &e, policy);
        let resp = http
            .post(self.token_url.clone())
            .basic_auth(
                &self.credentials.client_id,
                Some(self.credentials.client_secret.expose()),
            )
            .header(ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .timeout(timeout)
            .send()
            .await
            .map_err(transport)?;
        let status = resp.status().as_u16();
        let retry_after = retry::retry_after_of(resp.headers());
        let correlation = correlation_id(resp.headers());
        let body = resp.text().await.map_err(transport)?;
        if (200..300).contains(&status) {
            return self
                .parse_token(&body, status, generation, stats)
                .map_err(Attempt::Fatal);
        }
        let failure = match status {
            429 => {
                Stats::bump(&stats.rate_limited_429);
                Failure::TooManyRequests { retry_after }
            }
            500 | 502..=504 => Failure::Unavailable {
                status,
                retry_after,
            },
            _ => {
                return Err(Attempt::Fatal(self.map_error(
                    status,
                    &body,
                    correlation.as_deref(),
                )))
            }
        };
        let err = error_response::from_response(
            self.request_context(),
            status,
            &body,
            correlation.as_deref(),
            retry_after,
        );
        Err(Attempt::Retryable(failure, err))
    }

    fn parse_token(
        &self,
        body: &str,
        status: u16,
        generation: u64,
        stats: &Stats,
    ) -> Result<Token, Error> {
        let parsed: TokenResponse = serde_json::from_str(body).map_err(|e| {
            // The body holds the token: say what is wrong with it, never what it contains.
            Error::InvalidResponse {
                request: Box::new(self.request_context()),
                status: Some(status),
                detail: format!("the token response is not the expected JSON ({e})"),
            }
        })?;
        if parsed.access_token.is_empty() {
            return Err(Error::InvalidResponse {
                request: Box::new(self.request_context()),
                status: Some(status),
                detail: "the token response has an empty access_token".into(),
            });
        }
        let lifetime = parsed
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_LIFETIME);
        Stats::bump(&stats.token_fetches);
        tracing::debug!(
            client_id = %self.credentials.client_id,
            expires_in_s = lifetime.as_secs(),
            "fetched an OAuth token"
        );
        Ok(Token {
            value: Secret::new(parsed.access_token),
            generation,
            expires_at: Instant::now() + lifetime,
            expires_at_system: SystemTime::now() + lifetime,
            lifetime,
        })
    }

    fn map_error(&self, status: u16, body: &str, correlation: Option<&str>) -> Error {
        let oauth: OAuthErrorBody = serde_json::from_str(body).unwrap_or_default();
        let mut request = self.request_context();
        request.context_id = correlation.map(str::to_string);
        let description = oauth
            .error_description
            .or(oauth.description)
            .filter(|d| !d.trim().is_empty());
        let detail = match &description {
            Some(d) if !oauth.error.is_empty() => format!("{}: {d}", oauth.error),
            Some(d) => d.clone(),
            None if !oauth.error.is_empty() => oauth.error.clone(),
            None => error_response::message_of(None, body, status),
        };
        let api: Option<ApiErrorBody> = serde_json::from_str(body).ok();
        let rejected_client = matches!(
            oauth.error.as_str(),
            "invalid_client" | "unauthorized_client"
        ) || status == 401;
        if rejected_client {
            return Error::Unauthorized {
                request: Box::new(request),
                client_id: self.credentials.client_id.clone(),
                detail,
                credential_source: self.credentials.source.clone(),
                api: api.map(Box::new),
            };
        }
        let mut err = error_response::from_response(request, status, body, correlation, None);
        if let Error::BadRequest { message, code, .. } = &mut err {
            *message = detail;
            if code.is_empty() {
                code.clone_from(&oauth.error);
            }
        }
        err
    }
}

pub(crate) fn correlation_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("inin-correlation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A request that failed in transport, as an attempt: retryable when its kind may be repeated.
pub(crate) fn attempt_failed(
    request: RequestContext,
    err: &reqwest::Error,
    policy: &HttpPolicy,
) -> Attempt {
    let kind = net::kind_of(err);
    let error = net::to_error(request, err, kind, policy);
    match net::failure_of(kind) {
        Some(f) => Attempt::Retryable(f, error),
        None => Attempt::Fatal(error),
    }
}

/// One failed attempt: worth repeating (if the policy allows) or not.
pub(crate) enum Attempt {
    Retryable(Failure, Error),
    Fatal(Error),
}

/// Waits before the next attempt, or returns `err` (saying what was spent) when the failure is
/// not retried. Each retry is logged at warn level, so a wait on a slow network is never silent.
pub(crate) async fn retry_or_fail(
    policy: &HttpPolicy,
    idempotent: bool,
    failure: Failure,
    err: Error,
    attempt: u32,
    started: Instant,
    stats: &Stats,
) -> Result<(), Error> {
    match retry::decide(policy, idempotent, failure, attempt, started.elapsed()) {
        Decision::RetryAfter(delay) => {
            Stats::bump(&stats.retries);
            let (method, path) = err
                .request()
                .map(|r| (r.method.clone(), r.path.clone()))
                .unwrap_or_default();
            let line = format!(
                "Genesys Cloud {method} {path}: {} (attempt {attempt}, {:.1}s of the {}s \
                 deadline spent); retrying in {:.1}s",
                failure_text(failure),
                started.elapsed().as_secs_f64(),
                policy.deadline.as_secs_f64(),
                delay.as_secs_f64()
            );
            if matches!(failure, Failure::TooManyRequests { .. }) {
                // Being paced is normal operation, not news.
                tracing::info!("{line}");
            } else {
                tracing::warn!("{line}");
            }
            tokio::time::sleep(delay).await;
            Ok(())
        }
        Decision::GiveUp(reason) => {
            tracing::debug!(?reason, attempt, "not retrying: {err}");
            Err(spent(err, attempt, started, policy))
        }
    }
}

fn failure_text(failure: Failure) -> String {
    match failure {
        Failure::TooManyRequests { .. } => "rate limited (429)".into(),
        Failure::Unavailable { status, .. } => format!("the server answered {status}"),
        Failure::ConnectBeforeSend => "could not connect".into(),
        Failure::RefusedLocally => "connection refused".into(),
        Failure::AfterSend => "no answer, or the connection broke".into(),
    }
}

/// `err`, saying how many attempts were made and how long the call really took.
pub(crate) fn spent(err: Error, attempts: u32, started: Instant, policy: &HttpPolicy) -> Error {
    err.with_effort(Effort {
        attempts,
        elapsed: started.elapsed(),
        deadline: policy.deadline,
    })
}

/// The deadline passed before another attempt could start.
pub(crate) fn out_of_time(
    request: RequestContext,
    attempts: u32,
    started: Instant,
    policy: &HttpPolicy,
) -> Error {
    let err = Error::Timeout {
        request: Box::new(request),
        after: started.elapsed(),
    };
    spent(err, attempts, started, policy)
}
