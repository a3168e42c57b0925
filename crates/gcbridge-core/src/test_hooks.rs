//! Deterministic crash points for the crash-safety tests.
//!
//! Compiled into debug builds only (the tests' builds); a release binary has no such switch. With
//! `GCBRIDGE_TEST_ABORT_AFTER_WRITES=N` the process aborts, without any cleanup, right after its Nth
//! successful write step, as a SIGKILL at that point would leave things.

use std::sync::atomic::{AtomicUsize, Ordering};

static WRITES: AtomicUsize = AtomicUsize::new(0);

/// Called after every successful write step of an apply.
pub fn after_write() {
    let Some(limit) = std::env::var("GCBRIDGE_TEST_ABORT_AFTER_WRITES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    if WRITES.fetch_add(1, Ordering::SeqCst) + 1 == limit {
        eprintln!("test hook: aborting after write step {limit}");
        std::process::abort();
    }
}
