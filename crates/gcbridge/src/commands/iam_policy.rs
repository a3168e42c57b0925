//! `gcbridge iam-policy -f FILE`: the AWS IAM policy gcbridge needs for that file (core's
//! `iam_policy`), and the Genesys permissions of the OAuth client's role. Human output is the
//! policy alone on stdout (ready for `aws iam put-user-policy --policy-document file://...`),
//! with a short header on stderr.

use serde_json::json;

use crate::cli::{GlobalArgs, IamPolicyArgs, OutputFormat};
use crate::failure::CmdResult;
use crate::output::{note, print_json, print_json_unversioned};

pub fn run(global: &GlobalArgs, args: &IamPolicyArgs) -> CmdResult {
    let desired = gcbridge_core::config::load_file(&args.file)?;
    let policy = gcbridge_core::iam_policy::policy(&desired);
    if global.output == OutputFormat::Json {
        print_json(&json!({
            "aws_policy": policy.document,
            "genesys_permissions": policy.genesys_permissions,
        }));
        return Ok(());
    }
    let destinations: usize = desired.orgs.iter().map(|o| o.destinations.len()).sum();
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    note(format!(
        "# The AWS IAM policy gcbridge needs for {} ({}, {}): plan, apply, doctor, tail, replay \
         and destroy.\n# Attach it to the identity gcbridge runs as. The OAuth client's role in \
         Genesys Cloud needs: {}.",
        args.file.display(),
        count(destinations, "destination"),
        count(desired.orgs.len(), "org"),
        policy.genesys_permissions.join(", ")
    ));
    print_json_unversioned(&policy.document);
    Ok(())
}
