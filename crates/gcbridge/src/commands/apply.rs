//! `gcbridge apply`: plan every org, confirm, and converge them, several orgs at a time.

use std::time::Duration;

use gcbridge_core::{ConvergeOptions, Mode};

use super::carry_out::{carry_out, How};
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::desired_input::desired_state;
use crate::failure::{CmdResult, Failure};
use crate::fleet;
use crate::output::note;

pub async fn run(global: &GlobalArgs, args: &ApplyArgs) -> CmdResult {
    if args.detailed_exitcode {
        return Err(Failure::usage(
            "--detailed-exitcode belongs to `gcbridge plan`",
        ));
    }
    let started = std::time::Instant::now();
    let targets = fleet::targets(&global.conn, desired_state(args)?)?;
    fleet::warn_about_inputs(&targets);
    fleet::refuse_empty_prune(&targets, args.prune, args.allow_empty)?;
    let options = ConvergeOptions {
        prune: args.prune,
        wait: args.wait.then(|| Duration::from_secs(args.wait_timeout)),
        concurrency: usize::from(args.concurrency),
        aws_endpoint: global.aws_endpoint.clone(),
    };
    let parallel = usize::from(args.parallel);
    let planned = fleet::plan_all_locked(&targets, parallel, Mode::Converge, &options).await;
    for p in planned.iter().flatten() {
        for line in p.plan.sweep_expired_temporary().await {
            note(line);
        }
    }
    let how = How {
        started,
        auto_approve: args.auto_approve,
        parallel,
        verb: "Apply",
    };
    carry_out(global, &targets, planned, &options, how).await
}
