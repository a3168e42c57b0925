//! The export as Terraform configuration: the `terraform` block, one provider per Genesys org
//! and per AWS account and region, every resource followed by the `import` block that adopts
//! its live copy. Each block is built with hcl-rs and printed by it; `align.rs` then lines the
//! `=` up as `terraform fmt` does.

use std::collections::BTreeSet;

use hcl::{Block, Body, Expression};

use super::align::align;
use super::blocks::{aws_alias, aws_provider, aws_resource, import, local, Ctx, Piece};
use super::hcl_expr::{jsonencode, reference, strings};
use super::model::{IntegrationExport, OrgExport, PolicyExport, PolicyKind, TerraformExport};
use super::names::{ident, Names};
use super::render_aws::aws_blocks;
use crate::genesys::live::properties_for;
use genesys_client::EVENTBRIDGE_TYPE_ID;

/// The lowest versions that read what is written: `import` blocks (Terraform 1.5) and the
/// rule's `state` argument (AWS provider 5.27).
pub const TERRAFORM_VERSION: &str = ">= 1.5.0";
pub const AWS_PROVIDER_VERSION: &str = ">= 5.27.0";

/// The whole file; `header` becomes its first comment lines.
pub fn render(export: &TerraformExport, header: &str) -> Result<String, hcl::Error> {
    let several = export.orgs.len() > 1;
    let mut pieces = vec![Piece::new(terraform_block())];
    pieces.extend(providers(export, several));
    let mut names = Names::default();
    for org in &export.orgs {
        let mut ctx = Ctx {
            names: &mut names,
            prefix: if several {
                vec![org.name.clone()]
            } else {
                vec![]
            },
        };
        let mut first = true;
        for i in &org.integrations {
            let mut org_pieces = integration(org, i, several, &mut ctx);
            if first {
                org_pieces[0].comment.push(format!(
                    "org \"{}\" ({})",
                    org.name.replace('\n', " "),
                    org.org_id
                ));
                first = false;
            }
            pieces.extend(org_pieces);
            if let Some(aws) = &i.aws {
                pieces.extend(aws_blocks(i, aws, &mut ctx));
            }
        }
    }
    for p in &export.policies {
        pieces.extend(policy(p, &mut names));
    }
    let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
    for (n, piece) in pieces.iter().enumerate() {
        if n > 0 || !out.is_empty() {
            out.push('\n');
        }
        for c in &piece.comment {
            out.push_str(&format!("# {c}\n"));
        }
        out.push_str(&hcl::format::to_string(&Body::from(vec![piece
            .block
            .clone()]))?);
    }
    Ok(align(&out))
}

fn terraform_block() -> Block {
    let provider = |source: &str, version: Option<&str>| {
        let mut o = hcl::Object::new();
        let key = |k: &str| hcl::ObjectKey::Identifier(hcl::Identifier::unchecked(k));
        o.insert(key("source"), Expression::from(source));
        if let Some(v) = version {
            o.insert(key("version"), Expression::from(v));
        }
        Expression::Object(o)
    };
    Block::builder("terraform")
        .add_attribute(("required_version", TERRAFORM_VERSION))
        .add_block(
            Block::builder("required_providers")
                .add_attribute(("aws", provider("hashicorp/aws", Some(AWS_PROVIDER_VERSION))))
                .add_attribute(("genesyscloud", provider("mypurecloud/genesyscloud", None)))
                .build(),
        )
        .build()
}

fn providers(export: &TerraformExport, several: bool) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for org in &export.orgs {
        let mut b = Block::builder("provider").add_label("genesyscloud");
        if several {
            let alias = ident(&org.name);
            b = b.add_attribute(("alias", alias.as_str()));
            b = b
                .add_attribute((
                    "oauthclient_id",
                    reference("var", &[&format!("{alias}_oauthclient_id")]),
                ))
                .add_attribute((
                    "oauthclient_secret",
                    reference("var", &[&format!("{alias}_oauthclient_secret")]),
                ));
        }
        if let Some(r) = &org.genesys_region {
            b = b.add_attribute(("aws_region", r.as_str()));
        }
        pieces.push(Piece::new(b.build()));
        if several {
            pieces.extend(credential_variables(&ident(&org.name)));
        }
    }
    let accounts: BTreeSet<(&str, &str)> = export
        .orgs
        .iter()
        .flat_map(|o| &o.integrations)
        .filter(|i| i.aws.is_some())
        .map(|i| (i.account.as_str(), i.region.as_str()))
        .chain(
            export
                .policies
                .iter()
                .map(|p| (p.account.as_str(), p.region.as_str())),
        )
        .collect();
    for (account, region) in accounts {
        let b = Block::builder("provider")
            .add_label("aws")
            .add_attribute(("alias", aws_alias(account, region).as_str()))
            .add_attribute(("region", region))
            .add_attribute(("allowed_account_ids", strings([account])))
            .build();
        pieces.push(Piece::new(b));
    }
    pieces
}

/// The OAuth client of one org of several: every genesyscloud provider would otherwise read the
/// same `GENESYSCLOUD_OAUTHCLIENT_*` variables.
fn credential_variables(alias: &str) -> Vec<Piece> {
    ["oauthclient_id", "oauthclient_secret"]
        .into_iter()
        .map(|what| {
            let mut b = Block::builder("variable")
                .add_label(format!("{alias}_{what}"))
                .add_attribute(("type", reference("string", &[])));
            if what == "oauthclient_secret" {
                b = b.add_attribute(("sensitive", true));
            }
            Piece::new(b.build())
        })
        .collect()
}

fn integration(
    org: &OrgExport,
    i: &IntegrationExport,
    several: bool,
    ctx: &mut Ctx<'_>,
) -> Vec<Piece> {
    const KIND: &str = "genesyscloud_integration";
    let mut parts: Vec<&str> = ctx.prefix.iter().map(String::as_str).collect();
    parts.push(&i.name);
    let name = ctx.names.take(KIND, &parts);
    let properties = properties_for(&i.account, &i.region, &i.suffix, &i.topics);
    let (locals, properties) = local(ctx.names, &format!("{name}_properties"), &properties.into());
    let mut config = Block::builder("config")
        .add_attribute(("name", i.name.as_str()))
        .add_attribute(("properties", properties))
        .add_attribute(("advanced", jsonencode(&serde_json::json!({}))));
    if let Some(notes) = &i.notes {
        config = config.add_attribute(("notes", notes.as_str()));
    }
    let mut b = Block::builder("resource").add_label(KIND).add_label(&name);
    if several {
        b = b.add_attribute(("provider", reference("genesyscloud", &[&ident(&org.name)])));
    }
    let state = if i.enabled { "ENABLED" } else { "DISABLED" };
    let b = b
        .add_attribute(("intended_state", state))
        .add_attribute(("integration_type", EVENTBRIDGE_TYPE_ID))
        .add_block(config.build())
        .build();
    vec![locals, Piece::new(b), import(KIND, &name, &i.id)]
}

fn policy(p: &PolicyExport, names: &mut Names) -> Vec<Piece> {
    let (kind, target_attr, policy_attr, base) = match &p.kind {
        PolicyKind::SqsQueue { .. } => ("aws_sqs_queue_policy", "queue_url", "policy", &p.resource),
        PolicyKind::SnsTopic => ("aws_sns_topic_policy", "arn", "policy", &p.resource),
        PolicyKind::LogsResource => (
            "aws_cloudwatch_log_resource_policy",
            "policy_name",
            "policy_document",
            &p.resource,
        ),
    };
    let short = base.rsplit(':').next().unwrap_or(base);
    let alias = aws_alias(&p.account, &p.region);
    let parts: Vec<&str> = match p.kind {
        PolicyKind::LogsResource => vec![short, &alias],
        _ => vec![short],
    };
    let name = names.take(kind, &parts);
    let local_name = format!("{}_{name}", kind.trim_start_matches("aws_"));
    let (locals, document) = local(names, &local_name, &p.document);
    let b = aws_resource(kind, &name, aws_provider(&p.account, &p.region))
        .add_attribute((target_attr, p.import_id()))
        .add_attribute((policy_attr, document))
        .build();
    let mut pieces = vec![locals, Piece::new(b)];
    if p.exists {
        pieces.push(import(kind, &name, p.import_id()));
    }
    pieces
}
