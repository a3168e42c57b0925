//! Progress of slow work: a bar on a terminal, plain lines on stderr otherwise.

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::stderr_is_terminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
}

impl Progress {
    /// A bar of `total` steps for the org `label`.
    pub fn new(label: &str, total: u64) -> Self {
        let bar = stderr_is_terminal().then(|| {
            let bar = ProgressBar::new(total.max(1));
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} {msg}")
                    .expect("the progress template is valid")
                    .progress_chars("=> "),
            );
            bar.set_prefix(label.to_string());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            label: label.to_string(),
        }
    }

    pub fn step(&self, destination: &str, what: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{destination}: {what}")),
            None => eprintln!("[{}] {destination}: {what}", self.label),
        }
    }

    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("[{}] {text}", self.label),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
