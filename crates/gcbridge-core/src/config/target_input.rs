//! Validation of a rule's targets and their delivery settings: each target's ARN and table keys
//! (a FIFO queue's message group), the rule's dead-letter queue and retry policy, with the
//! ranges AWS accepts.

use std::collections::HashMap;

use super::ctx::Ctx;
use super::raw::{RawRetry, RawRule, RawTarget, Spanned};
use crate::aws::fifo::{check_message_group_id, is_fifo_queue};
use crate::aws::parse_target;
use crate::desired::{RetrySpec, TargetKind, TargetSettings, TargetSpec};
use crate::diagnostic::Diagnostic;

/// AWS's bounds of a RetryPolicy.
const ATTEMPTS: (i64, i64) = (0, 185);
const AGE: (i64, i64) = (60, 86400);

impl Ctx<'_> {
    /// The rule's targets, parsed and classified, with their settings; a target listed twice is
    /// an error. The rule's dead-letter queue applies to every target without its own.
    pub(super) fn rule_targets(
        &self,
        r: &RawRule,
        bus_region: &str,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<TargetSpec> {
        let name = r.name.get_ref();
        let rule_dlq = r.dead_letter_queue.as_ref().and_then(|q| {
            let field = label(&format!("aws.rule \"{name}\" dead_letter_queue"));
            self.queue(q, q.get_ref(), bus_region, &field, errors)
        });
        let mut targets = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        for (i, t) in r.targets.iter().enumerate() {
            let (arn, field) = match t.get_ref() {
                RawTarget::Arn(arn) => (arn, label(&format!("aws.rule \"{name}\" targets"))),
                RawTarget::Table(table) => (
                    &table.arn,
                    label(&format!("aws.rule \"{name}\" targets arn")),
                ),
            };
            let mut spec = match parse_target(arn, bus_region) {
                Ok(spec) => spec,
                Err(e) => {
                    errors.push(self.diag(t, &field, e.to_string(), None));
                    continue;
                }
            };
            if let Some(other) = ids.insert(spec.id.clone(), spec.arn.clone()) {
                errors.push(self.diag(
                    t,
                    &field,
                    format!("repeats the target {other}"),
                    Some("list each target once".into()),
                ));
            }
            spec.settings = self.target_settings(t, name, bus_region, label, errors);
            let field = label(&format!(
                "aws.rule \"{name}\" targets[{i}] message_group_id"
            ));
            self.message_group(t, &spec, &field, errors);
            if spec.settings.dead_letter_queue.is_none() {
                spec.settings.dead_letter_queue = rule_dlq.clone();
            }
            targets.push(spec);
        }
        targets
    }

    /// The settings of a target written as a table (none for the short form).
    fn target_settings(
        &self,
        t: &Spanned<RawTarget>,
        rule: &str,
        bus_region: &str,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> TargetSettings {
        let RawTarget::Table(table) = t.get_ref() else {
            return TargetSettings::default();
        };
        let field = |key: &str| label(&format!("aws.rule \"{rule}\" targets {key}"));
        if let Some(role) = &table.role_arn {
            if let Err(e) = check_role_arn(role) {
                errors.push(self.diag(
                    t,
                    &field("role_arn"),
                    e,
                    Some("write role_arn = \"arn:aws:iam::123456789012:role/NAME\", or leave it out and gcbridge creates one".into()),
                ));
            }
        }
        if let Some(path) = &table.input_path {
            if !path.starts_with('$') || path.len() > 256 {
                errors.push(self.diag(
                    t,
                    &field("input_path"),
                    format!("\"{path}\" is not a JSONPath into the event"),
                    Some("write a JSONPath of at most 256 characters starting with $, e.g. input_path = \"$.detail\"".into()),
                ));
            }
        }
        let dead_letter_queue = table
            .dead_letter_queue
            .as_ref()
            .and_then(|q| self.queue(t, q, bus_region, &field("dead_letter_queue"), errors));
        TargetSettings {
            role_arn: table.role_arn.clone(),
            dead_letter_queue,
            input_path: table.input_path.clone(),
            message_group_id: table.message_group_id.clone(),
        }
    }

    /// A FIFO queue needs a message group (PutTargets refuses it without one); a target other
    /// than an SQS queue takes none. A standard queue may have one (a fair queue).
    fn message_group(
        &self,
        t: &Spanned<RawTarget>,
        spec: &TargetSpec,
        field: &str,
        errors: &mut Vec<Diagnostic>,
    ) {
        let arn = &spec.arn;
        match spec.settings.message_group_id.as_deref() {
            None if is_fifo_queue(arn) => errors.push(self.diag(
                t,
                field,
                format!("{arn} is a FIFO queue: EventBridge needs a message group for it (PutTargets refuses a FIFO target without one)"),
                Some(format!("write the target as a table, {{ arn = \"{arn}\", message_group_id = \"genesys\" }}: its events then keep their order within that group")),
            )),
            None => {}
            Some(_) if spec.kind != TargetKind::Sqs => errors.push(self.diag(
                t,
                field,
                format!("{arn} is not an SQS queue: a message group applies to SQS targets only"),
                Some("remove message_group_id from this target".into()),
            )),
            Some(group) => {
                if let Err(e) = check_message_group_id(group) {
                    errors.push(self.diag(
                        t,
                        field,
                        e,
                        Some("write message_group_id = \"genesys\" (or another group of up to 100 letters, digits and punctuation)".into()),
                    ));
                }
            }
        }
    }

    /// A dead-letter queue: a standard SQS queue ARN in the bus's region.
    fn queue<T>(
        &self,
        at: &Spanned<T>,
        arn: &str,
        bus_region: &str,
        field: &str,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let help = Some("a dead-letter queue is an SQS queue ARN in the bus's region, e.g. dead_letter_queue = \"arn:aws:sqs:us-east-1:123456789012:genesys-dlq\"".to_string());
        match parse_target(arn, bus_region) {
            Ok(spec) if is_fifo_queue(&spec.arn) => {
                let fifo = format!("\"{arn}\" is a FIFO queue: EventBridge takes only a standard queue as a dead-letter queue (PutTargets answers \"SQS FIFO is not supported by Dead Letter Queues.\")");
                let fix = "give a standard queue (a name not ending in .fifo), e.g. dead_letter_queue = \"arn:aws:sqs:us-east-1:123456789012:genesys-dlq\"";
                errors.push(self.diag(at, field, fifo, Some(fix.into())));
                None
            }
            Ok(spec) if spec.kind == TargetKind::Sqs => Some(spec.arn),
            Ok(_) => {
                errors.push(self.diag(at, field, format!("\"{arn}\" is not an SQS queue"), help));
                None
            }
            Err(e) => {
                errors.push(self.diag(at, field, e.to_string(), help));
                None
            }
        }
    }

    /// The rule's retry policy, each value within AWS's range.
    pub(super) fn rule_retry(
        &self,
        raw: Option<&Spanned<RawRetry>>,
        rule: &str,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<RetrySpec> {
        let raw = raw?.get_ref();
        let mut value = |v: &Option<Spanned<i64>>, key: &str, (lo, hi): (i64, i64), default| {
            let Some(v) = v else { return default };
            let n = *v.get_ref();
            if (lo..=hi).contains(&n) {
                return n as i32;
            }
            errors.push(self.diag(
                v,
                &label(&format!("aws.rule \"{rule}\" retry.{key}")),
                format!("{n} is out of range; AWS accepts {lo} to {hi}"),
                Some(format!("write {key} = N with N from {lo} to {hi}")),
            ));
            default
        };
        Some(RetrySpec {
            maximum_attempts: value(
                &raw.maximum_attempts,
                "maximum_attempts",
                ATTEMPTS,
                RetrySpec::AWS_DEFAULT.maximum_attempts,
            ),
            maximum_event_age_seconds: value(
                &raw.maximum_event_age_seconds,
                "maximum_event_age_seconds",
                AGE,
                RetrySpec::AWS_DEFAULT.maximum_event_age_seconds,
            ),
        })
    }
}

/// An IAM role ARN: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`.
fn check_role_arn(arn: &str) -> Result<(), String> {
    let ok =
        crate::arn_fields::arn_fields(arn).is_some_and(|[_, service, region, account, resource]| {
            service == "iam"
                && region.is_empty()
                && crate::aws::check_aws_account_id(account).is_ok()
                && resource
                    .strip_prefix("role/")
                    .is_some_and(|n| !n.is_empty() && !n.ends_with('/'))
        });
    if ok {
        Ok(())
    } else {
        Err(format!("\"{arn}\" is not an IAM role ARN"))
    }
}
