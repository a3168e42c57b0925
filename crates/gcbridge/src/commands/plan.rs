//! `gcbridge plan`: the difference between the desired destinations and each live org, both
//! halves, changing nothing; a rule expectation that does not hold makes it exit 1.

use gcbridge_core::{ConvergeOptions, Mode, EXPECT_FIX};

use crate::cli::{ApplyArgs, GlobalArgs, OutputFormat};
use crate::desired_input::desired_state;
use crate::failure::{CmdResult, Failure, EXIT_FAILURE, EXIT_USAGE};
use crate::fleet::{self, any_usage_error};
use crate::output::{note, print_json};
use crate::render_plan;

/// Exit code of `plan --detailed-exitcode` when there are changes (Terraform's convention).
const EXIT_CHANGES: i32 = 2;

pub async fn run(global: &GlobalArgs, args: &ApplyArgs) -> CmdResult {
    let targets = fleet::targets(&global.conn, desired_state(args)?)?;
    fleet::warn_about_inputs(&targets);
    fleet::refuse_empty_prune(&targets, args.prune, args.allow_empty)?;
    let options = ConvergeOptions {
        prune: args.prune,
        aws_endpoint: global.aws_endpoint.clone(),
        ..ConvergeOptions::default()
    };
    let parallel = usize::from(args.parallel);
    let planned = fleet::plan_all(&targets, parallel, Mode::Converge, &options, false).await;
    let changes = render_plan::any_changes(&planned);
    let failed_expectations = render_plan::failed_expectations(&planned);
    match global.output {
        OutputFormat::Human => render_plan::show(&targets, &planned),
        OutputFormat::Json => {
            let orgs = render_plan::plan_json(&targets, &planned);
            print_json(&serde_json::json!({
                "orgs": orgs,
                "changes": changes,
                "expectations_failed": failed_expectations,
            }));
        }
    }
    if any_usage_error(&planned) {
        return Err(Failure::exit(EXIT_USAGE));
    }
    if failed_expectations > 0 {
        note(format!("error: {failed_expectations} rule expectation(s) do not hold (see the plan above); {EXPECT_FIX}"));
        return Err(Failure::exit(EXIT_FAILURE));
    }
    if planned.iter().any(Result::is_err) {
        return Err(Failure::exit(EXIT_FAILURE));
    }
    if args.detailed_exitcode && changes {
        return Err(Failure::exit(EXIT_CHANGES));
    }
    Ok(())
}
