//! The optional request trace (`SimConfig::request_trace`): one line per Genesys request with
//! its start and end in microseconds since the emulator started, so a benchmark can tell which
//! requests overlapped and count the dependent round trips of a run. Off by default: the
//! counters (`request_log`) are what a long run keeps.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

use crate::sync::lock;

/// An open trace file.
#[derive(Debug)]
pub struct RequestTrace {
    epoch: Instant,
    file: Mutex<File>,
}

impl RequestTrace {
    pub fn create(path: &Path) -> std::io::Result<RequestTrace> {
        Ok(RequestTrace {
            epoch: Instant::now(),
            // Appending, so a reader may empty the file between runs.
            file: Mutex::new(
                OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(true)
                    .open(path)
                    .and_then(|f| {
                        drop(f);
                        OpenOptions::new().append(true).open(path)
                    })?,
            ),
        })
    }

    /// Appends `start_us end_us METHOD route`; a failed write loses that line only.
    pub fn record(&self, started: Instant, method: &str, route: &str) {
        let at = |t: Instant| t.saturating_duration_since(self.epoch).as_micros();
        let line = format!("{} {} {method} {route}\n", at(started), at(Instant::now()));
        let _ = lock(&self.file).write_all(line.as_bytes());
    }
}
