//! The pieces every part of the Terraform export is made of: a top-level block with its comment
//! lines, where a resource's address comes from, the AWS provider reference and the head of an
//! AWS resource block, the `locals` a document goes through and the `import` block.

use hcl::{Block, BlockBuilder, Expression};

use super::hcl_expr::{json, reference};
use super::names::{ident, Names};

/// One top-level piece of the file: a block, with `#` comment lines above it.
pub(super) struct Piece {
    pub comment: Vec<String>,
    pub block: Block,
}

impl Piece {
    pub fn new(block: Block) -> Piece {
        Piece {
            comment: Vec::new(),
            block,
        }
    }
}

/// Where a resource is and which provider configuration it uses.
pub(super) struct Ctx<'a> {
    pub names: &'a mut Names,
    /// The address parts before a resource's own name (the org's, in a several-org export).
    pub prefix: Vec<String>,
}

/// The provider configuration name of an AWS account and region.
pub(super) fn aws_alias(account: &str, region: &str) -> String {
    ident(&format!("a{account}_{region}"))
}

/// `provider = aws.<alias>`.
pub(super) fn aws_provider(account: &str, region: &str) -> (String, Expression) {
    (
        "provider".into(),
        reference("aws", &[&aws_alias(account, region)]),
    )
}

/// `resource "KIND" "NAME" { provider = aws.<alias> ... }`: how every AWS resource block begins.
pub(super) fn aws_resource(kind: &str, name: &str, provider: (String, Expression)) -> BlockBuilder {
    Block::builder("resource")
        .add_label(kind)
        .add_label(name)
        .add_attribute(provider)
}

/// A JSON document as a `locals` block of its own and the `jsonencode(local.NAME)` that uses
/// it: hcl-rs prints a function's arguments on one line, a local value one item per line (a
/// topic or a statement added is then a one-line diff).
pub(super) fn local(
    names: &mut Names,
    name: &str,
    value: &serde_json::Value,
) -> (Piece, Expression) {
    // Local values share one namespace across resource types: a queue and a topic of one name
    // must not meet there.
    let name = names.take("local", &[name]);
    let name = name.as_str();
    let block = Block::builder("locals")
        .add_attribute((name, json(value)))
        .build();
    let call = hcl::expr::FuncCall::builder("jsonencode")
        .arg(reference("local", &[name]))
        .build();
    (Piece::new(block), Expression::from(call))
}

/// `import { to = ADDRESS  id = "..." }`.
pub(super) fn import(kind: &str, name: &str, id: &str) -> Piece {
    Piece::new(
        Block::builder("import")
            .add_attribute(("to", reference(kind, &[name])))
            .add_attribute(("id", id))
            .build(),
    )
}
