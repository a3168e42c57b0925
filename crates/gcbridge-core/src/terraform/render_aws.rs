//! The AWS half of one destination as Terraform resources: the partner event bus (when gcbridge
//! associates it), its rules, their targets and the Lambda permissions, each with the import
//! block of its live copy. Targets and permissions name their rule by reference, so Terraform
//! orders them as `gcbridge apply` does.

use hcl::expr::Variable;
use hcl::{Block, Expression};

use super::blocks::{aws_provider, aws_resource, import, Ctx, Piece};
use super::hcl_expr::{json, jsonencode, reference};
use super::model::{
    rule_import_id, target_import_id, AwsExport, IntegrationExport, LambdaPermissionExport,
    RuleExport,
};
use crate::aws::lambda_permission::INVOKE;
use crate::aws::policy_eval::EVENTS_SERVICE;
use crate::desired::TargetSpec;

const BUS: &str = "aws_cloudwatch_event_bus";
const RULE: &str = "aws_cloudwatch_event_rule";
const TARGET: &str = "aws_cloudwatch_event_target";
const PERMISSION: &str = "aws_lambda_permission";

/// Every AWS block of the destination `i`.
pub(super) fn aws_blocks(i: &IntegrationExport, aws: &AwsExport, ctx: &mut Ctx<'_>) -> Vec<Piece> {
    let mut parts: Vec<String> = ctx.prefix.clone();
    parts.push(i.name.clone());
    let provider = || aws_provider(&i.account, &i.region);
    let mut pieces = Vec::new();
    let bus_name = match aws.bus {
        Some(exists) => {
            let name = ctx.names.take(BUS, &refs(&parts));
            pieces.push(bus_piece(aws, &name, provider()));
            if exists {
                pieces.push(import(BUS, &name, &aws.source));
            }
            reference(BUS, &[&name, "name"])
        }
        None => Expression::from(aws.source.as_str()),
    };
    for rule in &aws.rules {
        let mut rule_parts = parts.clone();
        rule_parts.push(rule.spec.name.clone());
        let name = ctx.names.take(RULE, &refs(&rule_parts));
        pieces.push(Piece::new(rule_block(
            rule,
            &name,
            bus_name.clone(),
            provider(),
        )));
        if rule.exists {
            pieces.push(import(
                RULE,
                &name,
                &rule_import_id(&aws.source, &rule.spec.name),
            ));
        }
        for t in &rule.spec.targets {
            let mut target_parts = rule_parts.clone();
            target_parts.push(t.id.clone());
            let target = ctx.names.take(TARGET, &refs(&target_parts));
            pieces.push(Piece::new(target_block(
                rule,
                t,
                &name,
                &target,
                provider(),
            )));
            if rule.live_targets.contains(&t.id) {
                let id = target_import_id(&aws.source, &rule.spec.name, &t.id);
                pieces.push(import(TARGET, &target, &id));
            }
        }
        for p in aws
            .lambda_permissions
            .iter()
            .filter(|p| p.rule == rule.spec.name)
        {
            let mut p_parts = rule_parts.clone();
            p_parts.push(p.function_name.clone());
            let perm = ctx.names.take(PERMISSION, &refs(&p_parts));
            let b = permission_block(p, &perm, &name, provider());
            pieces.push(Piece::new(b));
            if p.exists {
                pieces.push(import(PERMISSION, &perm, &p.import_id()));
            }
        }
    }
    pieces
}

/// gcbridge's statement in a Lambda function's policy, for the rule `rule` (its address).
fn permission_block(
    p: &LambdaPermissionExport,
    name: &str,
    rule: &str,
    provider: (String, Expression),
) -> Block {
    let mut b = aws_resource(PERMISSION, name, provider)
        .add_attribute(("statement_id", p.statement_id.as_str()))
        .add_attribute(("action", INVOKE))
        .add_attribute(("function_name", p.function_name.as_str()));
    if let Some(q) = &p.qualifier {
        b = b.add_attribute(("qualifier", q.as_str()));
    }
    b.add_attribute(("principal", EVENTS_SERVICE))
        .add_attribute(("source_arn", reference(RULE, &[rule, "arn"])))
        .build()
}

/// The partner event bus, made from its event source.
fn bus_piece(aws: &AwsExport, name: &str, provider: (String, Expression)) -> Piece {
    let b = aws_resource(BUS, name, provider)
        .add_attribute(("name", aws.source.as_str()))
        .add_attribute(("event_source_name", aws.source.as_str()))
        .add_block(ignore_changes(&["event_source_name"]))
        .build();
    let mut piece = Piece::new(b);
    piece.comment = vec![
        "The provider cannot read event_source_name back (terraform-provider-aws#22086): ignored"
            .into(),
        "after the create, so the imported bus is adopted, not replaced.".into(),
    ];
    piece
}

/// `lifecycle { ignore_changes = [ATTR, ...] }`.
fn ignore_changes(attributes: &[&str]) -> Block {
    let list = attributes
        .iter()
        .map(|a| Expression::from(Variable::unchecked(*a)))
        .collect::<Vec<_>>();
    Block::builder("lifecycle")
        .add_attribute(("ignore_changes", Expression::Array(list)))
        .build()
}

fn refs(parts: &[String]) -> Vec<&str> {
    parts.iter().map(String::as_str).collect()
}

fn rule_block(
    rule: &RuleExport,
    name: &str,
    bus: Expression,
    provider: (String, Expression),
) -> Block {
    let pattern: serde_json::Value =
        serde_json::from_str(&rule.spec.event_pattern).unwrap_or(serde_json::Value::Null);
    let mut b = aws_resource(RULE, name, provider)
        .add_attribute(("name", rule.spec.name.as_str()))
        .add_attribute(("event_bus_name", bus));
    if let Some(d) = &rule.spec.description {
        b = b.add_attribute(("description", d.as_str()));
    }
    let state = if rule.spec.enabled {
        "ENABLED"
    } else {
        "DISABLED"
    };
    b.add_attribute(("event_pattern", jsonencode(&pattern)))
        .add_attribute(("state", state))
        .build()
}

fn target_block(
    rule: &RuleExport,
    t: &TargetSpec,
    rule_name: &str,
    name: &str,
    provider: (String, Expression),
) -> Block {
    let mut b = aws_resource(TARGET, name, provider)
        .add_attribute((
            "event_bus_name",
            reference(RULE, &[rule_name, "event_bus_name"]),
        ))
        .add_attribute(("rule", reference(RULE, &[rule_name, "name"])))
        .add_attribute(("target_id", t.id.as_str()))
        .add_attribute(("arn", t.arn.as_str()));
    let s = &t.settings;
    if let Some(role) = &s.role_arn {
        b = b.add_attribute(("role_arn", role.as_str()));
    }
    if let Some(path) = &s.input_path {
        b = b.add_attribute(("input_path", path.as_str()));
    }
    if let Some(group) = &s.message_group_id {
        b = b.add_block(
            Block::builder("sqs_target")
                .add_attribute(("message_group_id", group.as_str()))
                .build(),
        );
    }
    if let Some(dlq) = &s.dead_letter_queue {
        b = b.add_block(
            Block::builder("dead_letter_config")
                .add_attribute(("arn", dlq.as_str()))
                .build(),
        );
    }
    if let Some(r) = rule.spec.retry {
        b = b.add_block(
            Block::builder("retry_policy")
                .add_attribute((
                    "maximum_event_age_in_seconds",
                    json(&r.maximum_event_age_seconds.into()),
                ))
                .add_attribute(("maximum_retry_attempts", json(&r.maximum_attempts.into())))
                .build(),
        );
    }
    b.build()
}
