//! `gcbridge apply`: plan every org, confirm, and converge them, several orgs at a time.

use std::time::Duration;

use gcbridge_core::{ConvergeOptions, Mode};

use super::carry_out::{carry_out, How};
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::desired_input::desired_state;
use crate::failure::{CmdResult, Failure};
use crate::fleet;

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
    let how = How::new(started, Mode::Converge, args.auto_approve, args.parallel);
    carry_out(global, &targets, &options, how).await
}
