//! A command started in the background (built with [`crate::cli::command`]) whose stderr is
//! collected as it comes, so a test can wait for a line, send it a signal and read its exit code:
//! the Ctrl-C tests of `tail` and `replay`.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncBufReadExt;

pub struct Running {
    child: tokio::process::Child,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    /// Spawns `cmd` with stderr collected and stdout read and dropped, or closed at once when
    /// `close_stdout` (a reader that went away: `tail | head`).
    pub fn start(mut cmd: tokio::process::Command, close_stdout: bool) -> Running {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the command starts");
        let stdout = child.stdout.take().unwrap();
        if close_stdout {
            drop(stdout);
        } else {
            let mut out = tokio::io::BufReader::new(stdout).lines();
            tokio::spawn(async move { while let Ok(Some(_)) = out.next_line().await {} });
        }
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let sink = stderr.clone();
        tokio::spawn(async move {
            while let Ok(Some(l)) = lines.next_line().await {
                let mut s = sink.lock().unwrap_or_else(|e| e.into_inner());
                s.push_str(&l);
                s.push('\n');
            }
        });
        Running { child, stderr }
    }

    /// Everything on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits (up to 30 s, else panics with stderr) until stderr contains `text`.
    pub async fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while !self.stderr().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no {text:?} within 30 s: {}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Whether it has exited.
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Sends the signal `name` (`INT`, `TERM`, ...) with kill(1).
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().expect("running").to_string();
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), pid])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// The exit code (-1 when killed by a signal) within 30 s, and all of stderr.
    pub async fn exit(mut self) -> (i32, String) {
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the command ends within 30 s")
            .unwrap();
        // The reader task drains what is left of stderr.
        tokio::time::sleep(Duration::from_millis(200)).await;
        (status.code().unwrap_or(-1), self.stderr())
    }
}
