//! Writing results: JSON documents on stdout, human text on stdout, progress and notes on stderr.

use std::io::{IsTerminal, Write};

use serde::Serialize;

/// Prints one JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).expect("output values serialize");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// Whether stderr is a terminal (progress bars) or a log (plain lines).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A note for the user on stderr, so stdout stays clean for JSON and pipes.
pub fn note(message: impl AsRef<str>) {
    eprintln!("{}", message.as_ref());
}
