//! Genesys's (the partner's) side of Amazon EventBridge: the SDK clients that act as the
//! partner account, and the lifecycle hook that makes partner event sources follow the
//! EventBridge integrations, as Genesys does against AWS.
//!
//! When an integration activates, the hook calls CreatePartnerEventSource for
//! `aws.partner/genesys.com/cloud/{orgId}/{eventSourceSuffix}` with `Account` = its
//! `awsAccountId`, in its `awsAccountRegion` (ResourceAlreadyExistsException counts as
//! success). When it is disabled or deleted, or activates again with another account,
//! region or suffix, the hook calls DeletePartnerEventSource for what it created before.
//! An AWS error on creation is the integration's ERROR message.
//!
//! Every call carries the header `x-moto-account-id: <partner account>`: moto's server
//! takes its caller's account from it. The endpoint is always explicit
//! (`SimConfig::eventbridge_endpoint`), so the header only ever goes where it was asked
//! for; real AWS would ignore it. The credentials are static dummies ("testing").

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_eventbridge::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_eventbridge::config::retry::RetryConfig;
use aws_sdk_eventbridge::config::timeout::TimeoutConfig;
use aws_sdk_eventbridge::config::{ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use aws_sdk_eventbridge::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_eventbridge::Client;
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

use crate::backend::lifecycle::{BoxFuture, HookRequest, LifecycleHook};
use crate::sync::lock;

/// The header moto's server reads the caller's account from.
pub const MOTO_ACCOUNT_HEADER: &str = "x-moto-account-id";
/// What every Genesys partner event source name starts with.
pub const SOURCE_PREFIX: &str = "aws.partner/genesys.com/cloud";

/// `aws.partner/genesys.com/cloud/{orgId}/{suffix}`.
pub fn source_name(org_id: &str, suffix: &str) -> String {
    format!("{SOURCE_PREFIX}/{org_id}/{suffix}")
}

/// Where one partner event source lives: its customer account, region and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    pub account: String,
    pub region: String,
    pub name: String,
}

impl SourceRef {
    /// The source an EventBridge integration's properties name, if they are complete.
    pub fn from_properties(org_id: &str, properties: &Map<String, Value>) -> Option<SourceRef> {
        let get = |k: &str| {
            properties
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        Some(SourceRef {
            account: get("awsAccountId")?.to_string(),
            region: get("awsAccountRegion")?.to_string(),
            name: source_name(org_id, get("eventSourceSuffix")?),
        })
    }
}

/// EventBridge clients of the partner account, one per region, against one endpoint.
#[derive(Debug)]
pub struct PartnerAws {
    endpoint: String,
    account: String,
    clients: Mutex<HashMap<String, Client>>,
}

/// Adds `x-moto-account-id: <account>` to every request: moto's server acts as that account (the
/// partner's here; the test suites' clients use it for the customer's).
#[derive(Debug)]
pub struct MotoAccount(pub String);

impl Intercept for MotoAccount {
    fn name(&self) -> &'static str {
        "MotoAccount"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        context
            .request_mut()
            .headers_mut()
            .insert(MOTO_ACCOUNT_HEADER, self.0.clone());
        Ok(())
    }
}

impl PartnerAws {
    pub fn new(endpoint: &str, account: &str) -> Self {
        // The SDK joins paths onto the endpoint: keep it free of a trailing slash.
        let endpoint = endpoint.trim_end_matches('/');
        PartnerAws {
            endpoint: endpoint.to_string(),
            account: account.to_string(),
            clients: Mutex::default(),
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The partner's client for `region` (built once per region).
    pub fn client(&self, region: &str) -> Client {
        let mut clients = lock(&self.clients);
        if let Some(c) = clients.get(region) {
            return c.clone();
        }
        let config = aws_sdk_eventbridge::config::Builder::new()
            .behavior_version_latest()
            .credentials_provider(Credentials::new(
                "testing",
                "testing",
                None,
                None,
                "gcbridge-sim",
            ))
            .endpoint_url(&self.endpoint)
            .region(Region::new(region.to_string()))
            // Two attempts with a short backoff: an emulator should report a dead
            // endpoint quickly rather than wait through the SDK's default retries.
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(100)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_timeout(Duration::from_secs(30))
                    .build(),
            )
            .interceptor(MotoAccount(self.account.clone()))
            .build();
        let client = Client::from_conf(config);
        clients.insert(region.to_string(), client.clone());
        client
    }

    /// CreatePartnerEventSource; an existing source is success.
    pub async fn create_source(&self, source: &SourceRef) -> Result<(), String> {
        let call = self.client(&source.region).create_partner_event_source();
        let sent = call
            .name(&source.name)
            .account(&source.account)
            .send()
            .await;
        self.idempotent(
            "CreatePartnerEventSource",
            sent,
            "ResourceAlreadyExistsException",
        )
    }

    /// DeletePartnerEventSource; a source that is not there is success.
    pub async fn delete_source(&self, source: &SourceRef) -> Result<(), String> {
        let call = self.client(&source.region).delete_partner_event_source();
        let sent = call
            .name(&source.name)
            .account(&source.account)
            .send()
            .await;
        // Not a modelled error of DeletePartnerEventSource, but AWS may still answer it.
        self.idempotent(
            "DeletePartnerEventSource",
            sent,
            "ResourceNotFoundException",
        )
    }

    /// A call whose error `done_code` means the work is already done (what Genesys's side counts as success).
    fn idempotent<T, E, R>(
        &self,
        operation: &str,
        sent: Result<T, SdkError<E, R>>,
        done_code: &str,
    ) -> Result<(), String>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: Debug,
    {
        match sent {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if e.err().code() == Some(done_code) => Ok(()),
            Err(e) => Err(describe(operation, &self.endpoint, &e)),
        }
    }
}

/// An SDK error as one line: the service's code and message, or the chain of causes of
/// a dispatch failure (its top-level Display says only "dispatch failure").
pub fn describe<E, R>(operation: &str, endpoint: &str, e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: Debug,
{
    match e {
        SdkError::ServiceError(s) => {
            let err = s.err();
            let code = err.code().unwrap_or("UnknownError");
            match err.message() {
                Some(m) if !m.is_empty() => format!("AWS {operation} failed: {code}: {m}"),
                _ => format!("AWS {operation} failed: {code}"),
            }
        }
        other => {
            let mut chain = other.to_string();
            let mut cause = std::error::Error::source(other);
            while let Some(c) = cause {
                let text = c.to_string();
                if !chain.ends_with(&text) {
                    chain.push_str(": ");
                    chain.push_str(&text);
                }
                cause = c.source();
            }
            format!("AWS {operation} failed ({endpoint}): {chain}")
        }
    }
}

enum Job {
    Activate(HookRequest, oneshot::Sender<Result<(), String>>),
    Deactivate(HookRequest, oneshot::Sender<()>),
}

/// The lifecycle hook that creates and deletes partner event sources. It gates
/// activation: an integration is ACTIVE only once its source exists.
///
/// Calls are queued to one worker task and done in the order the integrations changed,
/// so a quick disable/enable cannot reach AWS the wrong way round. The worker remembers
/// which source it created for each integration (in memory; after a restart the
/// emulator activates the ACTIVE integrations again, which fills it back in).
pub struct AwsPartnerHook {
    jobs: mpsc::UnboundedSender<Job>,
}

impl AwsPartnerHook {
    /// Starts the worker; call from within a tokio runtime. It ends when the hook is dropped.
    pub fn new(aws: Arc<PartnerAws>) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        tokio::spawn(work(aws, queue));
        AwsPartnerHook { jobs }
    }
}

impl LifecycleHook for AwsPartnerHook {
    fn activate(&self, request: HookRequest) -> BoxFuture<Result<(), String>> {
        let (reply, verdict) = oneshot::channel();
        let queued = self.jobs.send(Job::Activate(request, reply)).is_ok();
        Box::pin(async move {
            if !queued {
                return Err("the emulator is shutting down".to_string());
            }
            verdict
                .await
                .unwrap_or_else(|_| Err("the emulator is shutting down".to_string()))
        })
    }

    fn deactivate(&self, request: HookRequest) -> BoxFuture<()> {
        let (reply, done) = oneshot::channel();
        let queued = self.jobs.send(Job::Deactivate(request, reply)).is_ok();
        Box::pin(async move {
            if queued {
                let _ = done.await;
            }
        })
    }

    fn gates_activation(&self) -> bool {
        true
    }
}

/// (org id, integration id).
type Key = (String, String);

async fn work(aws: Arc<PartnerAws>, mut queue: mpsc::UnboundedReceiver<Job>) {
    let mut created: HashMap<Key, SourceRef> = HashMap::new();
    while let Some(job) = queue.recv().await {
        match job {
            Job::Activate(req, reply) => {
                let verdict = activate(&aws, &mut created, &req).await;
                let _ = reply.send(verdict);
            }
            Job::Deactivate(req, reply) => {
                deactivate(&aws, &mut created, &req).await;
                let _ = reply.send(());
            }
        }
    }
}

async fn activate(
    aws: &PartnerAws,
    created: &mut HashMap<Key, SourceRef>,
    req: &HookRequest,
) -> Result<(), String> {
    let key = (req.org_id.clone(), req.integration_id.clone());
    let Some(target) = SourceRef::from_properties(&req.org_id, &req.properties) else {
        return Err(
            "Integration configuration is incomplete: awsAccountId, awsAccountRegion and eventSourceSuffix are required"
                .to_string(),
        );
    };
    if let Some(old) = created.get(&key).filter(|old| **old != target).cloned() {
        match aws.delete_source(&old).await {
            Ok(()) => {
                tracing::info!(source = %old.name, account = %old.account, region = %old.region, "partner event source deleted (replaced)")
            }
            Err(e) => tracing::warn!(source = %old.name, "{e}"),
        }
        created.remove(&key);
    }
    aws.create_source(&target).await?;
    tracing::info!(source = %target.name, account = %target.account, region = %target.region, "partner event source created");
    created.insert(key, target);
    Ok(())
}

async fn deactivate(aws: &PartnerAws, created: &mut HashMap<Key, SourceRef>, req: &HookRequest) {
    let key = (req.org_id.clone(), req.integration_id.clone());
    let Some(source) = created
        .remove(&key)
        .or_else(|| SourceRef::from_properties(&req.org_id, &req.properties))
    else {
        return;
    };
    match aws.delete_source(&source).await {
        Ok(()) => {
            tracing::info!(source = %source.name, account = %source.account, region = %source.region, "partner event source deleted")
        }
        Err(e) => tracing::warn!(source = %source.name, "{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn source_from_properties() {
        let p = json!({"awsAccountId": "123456789012", "awsAccountRegion": "eu-west-1", "eventSourceSuffix": "s"});
        let s = SourceRef::from_properties("org", p.as_object().unwrap()).unwrap();
        assert_eq!(s.name, "aws.partner/genesys.com/cloud/org/s");
        assert_eq!(
            (s.account.as_str(), s.region.as_str()),
            ("123456789012", "eu-west-1")
        );
        let p = json!({"awsAccountId": "123456789012", "awsAccountRegion": "eu-west-1"});
        assert!(SourceRef::from_properties("org", p.as_object().unwrap()).is_none());
    }
}
