//! `gcbridge destroy -f FILE`: remove exactly what the file describes from every org, both halves
//! (core removes the AWS half first), after confirmation.

use gcbridge_core::{ConvergeOptions, Mode};

use super::carry_out::{carry_out, How};
use crate::cli::{DestroyArgs, GlobalArgs};
use crate::failure::CmdResult;
use crate::fleet;

pub async fn run(global: &GlobalArgs, args: &DestroyArgs) -> CmdResult {
    let desired = gcbridge_core::config::load_file(&args.file)?;
    let started = std::time::Instant::now();
    let targets = fleet::targets(&global.conn, desired)?;
    let options = ConvergeOptions {
        concurrency: usize::from(args.concurrency),
        aws_endpoint: global.aws_endpoint.clone(),
        ..ConvergeOptions::default()
    };
    let how = How::new(started, Mode::Destroy, args.auto_approve, args.parallel);
    carry_out(global, &targets, &options, how).await
}
