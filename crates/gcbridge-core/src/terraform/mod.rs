//! `gcbridge export --format terraform`: what gcbridge manages, handed to Terraform. The live
//! integrations become `genesyscloud_integration` resources (properties through `jsonencode`,
//! topics sorted); a destination's `[destination.aws]` becomes the partner event bus, its rules,
//! targets and the delivery permissions gcbridge adds; every resource that exists carries an
//! `import` block with its live id, so `terraform plan` adopts it instead of creating it.
//!
//! `model.rs` is the data, `read.rs` fills its AWS half from the account (`policies.rs` merges
//! the whole-document policies), `render.rs` and `render_aws.rs` build the HCL with hcl-rs (from `blocks.rs`'s pieces),
//! `names.rs` derives the addresses and `align.rs` lines the `=` up as `terraform fmt` does.

mod align;
mod blocks;
mod hcl_expr;
mod model;
mod names;
mod policies;
mod read;
mod render;
mod render_aws;

pub use model::{
    lambda_function, rule_import_id, target_import_id, AwsExport, IntegrationExport,
    LambdaPermissionExport, OrgExport, PolicyExport, PolicyKind, RuleExport, TerraformExport,
};
pub use names::ident;
pub use policies::PolicySet;
pub use read::read_aws;
pub use render::{render, AWS_PROVIDER_VERSION, TERRAFORM_VERSION};
