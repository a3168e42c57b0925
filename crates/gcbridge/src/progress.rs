//! Progress of slow work: one bar per org on a terminal, plain lines on stderr otherwise.

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::escape::eoutln;
use crate::output::stderr_is_terminal;

/// The set of bars of one command (one per org).
pub struct Bars {
    multi: Option<MultiProgress>,
}

impl Bars {
    pub fn new() -> Self {
        Bars {
            multi: stderr_is_terminal().then(MultiProgress::new),
        }
    }

    /// A bar of `total` steps for the org `label`.
    pub fn org(&self, label: &str, total: u64) -> Progress {
        let bar = self.multi.as_ref().map(|multi| {
            let bar = multi.add(ProgressBar::new(total.max(1)));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {prefix:12} [{bar:30}] {pos}/{len} {wide_msg}",
                )
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
}

pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
}

impl Progress {
    pub fn step(&self, destination: &str, what: &str) {
        match &self.bar {
            Some(bar) => bar
                .set_message(crate::escape::lines(&format!("{destination}: {what}")).into_owned()),
            None => eoutln!("[{}] {destination}: {what}", self.label),
        }
    }

    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(crate::escape::lines(text)),
            None => eoutln!("[{}] {text}", self.label),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
