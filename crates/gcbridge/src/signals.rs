//! Signals for the commands that create temporary AWS resources (`tail`, `doctor --probe`,
//! `replay`): SIGINT, SIGTERM and SIGHUP end the work wherever it is, a running replay is
//! cancelled, the temporary queues and rules are removed (bounded, saying on stderr what was and was not), and the process exits with the code
//! a shell gives for that signal (128 + its number: 130, 143, 129). A closed stdout ends `tail`
//! the same way with 141 (see `commands::tail`).

use std::future::Future;
use std::time::Duration;

use tokio::signal::unix::{signal, Signal, SignalKind};

use crate::failure::{CmdResult, Failure};
use crate::output::note;

/// How long the cleanup after a signal may take in all.
pub const CLEANUP_LIMIT: Duration = Duration::from_secs(5);

/// The signals listened for, each with its name and exit code.
struct Watch {
    streams: Vec<(Signal, &'static str, i32)>,
}

impl Watch {
    /// Installs the handlers: from here on these signals no longer kill the process.
    fn install() -> Result<Watch, Failure> {
        let mut streams = Vec::new();
        for (kind, name, number) in [
            (SignalKind::interrupt(), "SIGINT", 2),
            (SignalKind::terminate(), "SIGTERM", 15),
            (SignalKind::hangup(), "SIGHUP", 1),
        ] {
            let s = signal(kind)
                .map_err(|e| Failure::failed(format!("cannot listen for {name}: {e}")))?;
            streams.push((s, name, 128 + number));
        }
        Ok(Watch { streams })
    }

    /// The first of the signals to arrive: its name and exit code.
    async fn next(&mut self) -> (&'static str, i32) {
        let waits = self.streams.iter_mut().map(|(s, name, code)| {
            let (name, code) = (*name, *code);
            Box::pin(async move {
                s.recv().await;
                (name, code)
            })
        });
        futures_util::future::select_all(waits).await.0
    }
}

/// Runs `work`; a signal ends it (the future is dropped), removes what temporary resources it
/// left and exits with the signal's code.
pub async fn guarded(work: impl Future<Output = CmdResult>) -> CmdResult {
    let mut watch = Watch::install()?;
    tokio::select! {
        result = work => result,
        (name, code) = watch.next() => {
            note(format!("{name}: stopping"));
            cleanup().await;
            Err(Failure::exit(code))
        }
    }
}

/// Cancels every replay the process started (CancelReplay) and removes every temporary listener,
/// each within [`CLEANUP_LIMIT`], saying what it did.
pub async fn cleanup() {
    for line in gcbridge_core::cancel_replays(CLEANUP_LIMIT).await {
        note(line);
    }
    for line in gcbridge_core::cleanup_listeners(CLEANUP_LIMIT).await {
        note(line);
    }
}
