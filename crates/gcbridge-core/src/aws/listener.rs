//! A temporary listener on a partner bus: an SQS queue and a rule that sends it every event (or
//! what a pattern matches), for `tail`, `doctor --probe` and `replay` (which counts what it
//! replays). Everything it creates is removed by `cleanup`, also after a failure half-way through
//! creating it.
//!
//! Every listener of the process is also registered here while it exists, so that a command
//! interrupted by a signal (its work dropped mid-call) can still remove it: [`cleanup_all`].
//! Names and tags carry a lifetime ([`super::temporary`]), for what even that cannot remove.

use std::sync::Mutex;
use std::time::Duration;

use aws_sdk_eventbridge::types::Tag;
use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::Value;

use super::clients::AwsClients;
use super::error::AwsError;
use super::pattern::DEFAULT_PATTERN;
use super::sweep::delete_queue;
use super::temporary;
use super::{rules, sqs_policy};
use crate::desired::{RuleSpec, TargetKind, TargetSpec};

/// What a listener has created so far: what its cleanup must remove.
#[derive(Clone)]
struct Created {
    aws: AwsClients,
    bus: String,
    rule: String,
    queue_url: String,
    /// Set before PutRule is sent: a rule whose creation was interrupted may exist.
    rule_maybe: bool,
}

/// The listeners of this process that are not cleaned up yet, by id.
static LIVE: Mutex<Vec<(u64, Created)>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<(u64, Created)>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn update(id: u64, f: impl FnOnce(&mut Created)) {
    if let Some((_, c)) = live().iter_mut().find(|(i, _)| *i == id) {
        f(c);
    }
}

pub struct TempListener {
    id: u64,
    aws: AwsClients,
    bus: String,
    pub rule: String,
    pub queue_url: String,
    pub queue_arn: String,
    /// When the names say it may be removed by another command (unix seconds).
    pub expires: u64,
    /// The rule's event pattern: every Genesys event, or what `create_matching` was given.
    pattern: String,
    /// A DeleteMessage was refused (and said so once): the messages come back until the queue goes.
    delete_refused: std::sync::atomic::AtomicBool,
}

impl TempListener {
    /// Creates the queue, the rule on `bus` and the queue policy that lets the rule deliver; the
    /// names say they live `ttl` seconds ([`temporary::lifetime`]).
    pub async fn create(
        aws: &AwsClients,
        bus: &str,
        purpose: &str,
        ttl: u64,
    ) -> Result<TempListener, AwsError> {
        Self::create_matching(aws, bus, purpose, ttl, DEFAULT_PATTERN).await
    }

    /// A listener whose rule sends it only what `pattern` (canonical JSON) matches: `replay`
    /// counts the events of one replay by their `replay-name`.
    pub async fn create_matching(
        aws: &AwsClients,
        bus: &str,
        purpose: &str,
        ttl: u64,
        pattern: &str,
    ) -> Result<TempListener, AwsError> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let now = temporary::now();
        let expires = now.saturating_add(ttl);
        let name = temporary::new_name(purpose, now, ttl);
        let mut create = aws.sqs.create_queue().queue_name(&name);
        for (k, v) in temporary::tags(expires) {
            create = create.tags(k, v);
        }
        let queue = create
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&format!("sqs:CreateQueue {name}"), e))?;
        let queue_url = queue.queue_url().unwrap_or_default().to_string();
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let created = Created {
            aws: aws.clone(),
            bus: bus.to_string(),
            rule: name.clone(),
            queue_url: queue_url.clone(),
            rule_maybe: false,
        };
        live().push((id, created));
        let mut listener = TempListener {
            id,
            aws: aws.clone(),
            bus: bus.to_string(),
            rule: name,
            queue_url,
            queue_arn: String::new(),
            expires,
            pattern: pattern.to_string(),
            delete_refused: Default::default(),
        };
        match listener.finish_setup().await {
            Ok(()) => Ok(listener),
            Err(e) => {
                let _ = listener.cleanup().await;
                Err(e)
            }
        }
    }

    async fn finish_setup(&mut self) -> Result<(), AwsError> {
        self.queue_arn =
            sqs_policy::queue_attribute(&self.aws, &self.queue_url, QueueAttributeName::QueueArn)
                .await?
                .ok_or_else(|| AwsError::new("the temporary queue has no ARN"))?;
        let spec = RuleSpec {
            name: self.rule.clone(),
            description: Some(
                "temporary rule of gcbridge tail / doctor --probe / replay; removed on exit".into(),
            ),
            enabled: true,
            event_pattern: self.pattern.clone(),
            targets: vec![TargetSpec {
                id: "gcbridge-listener".into(),
                arn: self.queue_arn.clone(),
                kind: TargetKind::Sqs,
                settings: Default::default(),
            }],
            retry: None,
            expect: Default::default(),
        };
        update(self.id, |c| c.rule_maybe = true);
        let rule_arn = rules::put_rule(&self.aws, &self.bus, &spec).await?;
        self.tag_rule(&rule_arn).await;
        sqs_policy::allow(&self.aws, &self.queue_url, &self.queue_arn, &rule_arn).await?;
        rules::put_targets(&self.aws, &self.bus, &spec).await?;
        Ok(())
    }

    /// Waits up to `wait_secs` (at most 20) for events; returns them (parsed) and deletes them.
    pub async fn receive(&self, wait_secs: i32) -> Result<Vec<Value>, AwsError> {
        let out = self
            .aws
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(wait_secs.clamp(0, 20))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("sqs:ReceiveMessage", e))?;
        let mut events = Vec::new();
        for m in out.messages() {
            if let Some(body) = m.body() {
                events.push(
                    serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_string())),
                );
            }
            if let Some(handle) = m.receipt_handle() {
                let deleted = self
                    .aws
                    .sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await;
                // Not fatal (the queue goes with its messages), but a message kept comes back.
                if let Err(e) = deleted {
                    if !self
                        .delete_refused
                        .swap(true, std::sync::atomic::Ordering::Relaxed)
                    {
                        let e = AwsError::from_sdk("sqs:DeleteMessage", e);
                        tracing::warn!("an event may be received twice: {e}");
                    }
                }
            }
        }
        Ok(events)
    }

    /// Tags the rule for people looking in the console; the name already says it all, so a
    /// refusal (no events:TagResource permission) changes nothing.
    async fn tag_rule(&self, rule_arn: &str) {
        let mut req = self.aws.events.tag_resource().resource_arn(rule_arn);
        for (k, v) in temporary::tags(self.expires) {
            if let Ok(tag) = Tag::builder().key(k).value(v).build() {
                req = req.tags(tag);
            }
        }
        if let Err(e) = req.send().await {
            tracing::debug!("tagging {}: {}", self.rule, AwsError::from_sdk("", e));
        }
    }

    /// Removes the rule (and its target) and the queue. Safe to call after a partial setup.
    /// One line per resource removed; on a failure, the first error (after what was removed).
    pub async fn cleanup(&self) -> Result<Vec<String>, AwsError> {
        let created = {
            let mut all = live();
            let at = all.iter().position(|(i, _)| *i == self.id);
            at.map(|at| all.remove(at).1)
        };
        match created {
            Some(c) => remove(&c).await,
            None => Ok(Vec::new()),
        }
    }
}

/// Removes what one listener created, saying what it removed.
async fn remove(c: &Created) -> Result<Vec<String>, AwsError> {
    let mut removed = Vec::new();
    let mut first_error = None;
    if c.rule_maybe {
        match rules::delete_rule(&c.aws, &c.bus, &c.rule).await {
            Ok(()) => removed.push(format!(
                "removed the temporary rule {} and its target",
                c.rule
            )),
            // An interrupted PutRule may never have arrived.
            Err(e) if e.message.contains("ResourceNotFound") => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match delete_queue(&c.aws, &c.queue_url).await {
        Ok(()) => removed.push(format!("removed the temporary queue {}", c.rule)),
        Err(e) => {
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        None => Ok(removed),
        Some(e) => Err(AwsError::new(format!(
            "{}{e}",
            removed.iter().map(|r| format!("{r}; ")).collect::<String>()
        ))),
    }
}

/// Removes every listener of this process not yet cleaned up, within `limit` in all: for a
/// command ended by a signal, whose work was dropped mid-call. One line per resource removed, or
/// per listener that could not be (in time), naming it.
pub async fn cleanup_all(limit: Duration) -> Vec<String> {
    let all: Vec<Created> = std::mem::take(&mut *live())
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    let work = futures_util::future::join_all(all.iter().map(|c| async move {
        match remove(c).await {
            Ok(lines) => lines,
            Err(e) => vec![format!(
                "could not remove the temporary rule and queue {}: {e}",
                c.rule
            )],
        }
    }));
    match tokio::time::timeout(limit, work).await {
        Ok(lines) => lines.concat(),
        Err(_) => all
            .iter()
            .map(|c| {
                format!(
                    "could not remove the temporary rule and queue {} within {}s; they expire by themselves and the next tail, doctor or apply on {} removes them",
                    c.rule,
                    limit.as_secs(),
                    c.bus
                )
            })
            .collect(),
    }
}
