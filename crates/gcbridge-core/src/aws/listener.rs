//! A temporary listener on a partner bus: an SQS queue and a rule that sends it every event, for
//! `tail` and `doctor --probe`. Everything it creates is removed by `cleanup`, also after a
//! failure half-way through creating it.

use aws_sdk_sqs::types::QueueAttributeName;
use serde_json::Value;

use super::clients::AwsClients;
use super::error::AwsError;
use super::pattern::DEFAULT_PATTERN;
use super::{rules, sqs_policy};
use crate::desired::{RuleSpec, TargetKind, TargetSpec};

pub struct TempListener {
    aws: AwsClients,
    bus: String,
    pub rule: String,
    pub queue_url: String,
    pub queue_arn: String,
    rule_created: bool,
}

/// A short random-enough suffix for temporary names (no RNG dependency needed for this).
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mixed = (nanos as u64) ^ (u64::from(std::process::id()) << 32) ^ 0x9e37_79b9_7f4a_7c15;
    format!(
        "{:08x}",
        (mixed.wrapping_mul(0xff51_afd7_ed55_8ccd) >> 32) as u32
    )
}

impl TempListener {
    /// Creates the queue, the rule on `bus` and the queue policy that lets the rule deliver.
    pub async fn create(
        aws: &AwsClients,
        bus: &str,
        purpose: &str,
    ) -> Result<TempListener, AwsError> {
        let name = format!("gcbridge-{purpose}-{}", unique_suffix());
        let queue = aws
            .sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&format!("sqs:CreateQueue {name}"), e))?;
        let queue_url = queue.queue_url().unwrap_or_default().to_string();
        let mut listener = TempListener {
            aws: aws.clone(),
            bus: bus.to_string(),
            rule: name.clone(),
            queue_url,
            queue_arn: String::new(),
            rule_created: false,
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
        let attrs = self
            .aws
            .sqs
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("sqs:GetQueueAttributes QueueArn", e))?;
        self.queue_arn = attrs
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::QueueArn))
            .cloned()
            .ok_or_else(|| AwsError::new("the temporary queue has no ARN"))?;
        let spec = RuleSpec {
            name: self.rule.clone(),
            description: Some(
                "temporary rule of gcbridge tail / doctor --probe; removed on exit".into(),
            ),
            enabled: true,
            event_pattern: DEFAULT_PATTERN.into(),
            targets: vec![TargetSpec {
                id: "gcbridge-listener".into(),
                arn: self.queue_arn.clone(),
                kind: TargetKind::Sqs,
            }],
        };
        let rule_arn = rules::put_rule(&self.aws, &self.bus, &spec).await?;
        self.rule_created = true;
        sqs_policy::allow(&self.aws, &self.queue_url, &self.queue_arn, &rule_arn).await?;
        rules::put_targets(&self.aws, &self.bus, &self.rule, &spec.targets).await?;
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
                let _ = self
                    .aws
                    .sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(handle)
                    .send()
                    .await;
            }
        }
        Ok(events)
    }

    /// Removes the rule (and its target) and the queue. Safe to call after a partial setup.
    pub async fn cleanup(&self) -> Result<(), AwsError> {
        let mut first_error = None;
        if self.rule_created {
            if let Err(e) = rules::delete_rule(&self.aws, &self.bus, &self.rule).await {
                first_error.get_or_insert(e);
            }
        }
        if !self.queue_url.is_empty() {
            if let Err(e) = self
                .aws
                .sqs
                .delete_queue()
                .queue_url(&self.queue_url)
                .send()
                .await
            {
                first_error.get_or_insert(AwsError::from_sdk("sqs:DeleteQueue", e));
            }
        }
        match first_error {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }
}
