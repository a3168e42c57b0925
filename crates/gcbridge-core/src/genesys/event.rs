//! What carrying out a plan reports as it goes (progress bars, logs), shared by the apply engine,
//! the config writer and the `--wait` poller.

use super::plan::Step;

/// Progress notifications, for progress bars and logs.
#[derive(Debug, Clone)]
pub enum ApplyEvent<'a> {
    StepStarted { destination: &'a str, step: Step },
    StepDone { destination: &'a str, step: Step },
    Conflict { destination: &'a str, round: u32 },
    Waiting { destination: &'a str, state: String },
}
