//! Writing results: JSON documents on stdout, human text on stdout, progress and notes on stderr.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

/// The exit code when stdout closes under us (`gcbridge status | head`): the code a shell reports
/// for a process ended by SIGPIPE, so scripts see what they would see of any Unix tool.
pub const EXIT_CLOSED_STDOUT: i32 = 141;

/// Ends the process quietly when a write to stdout finds it closed.
///
/// SIGPIPE stays ignored (Rust's default): restoring its default action would also kill the process,
/// silently, when a TLS or HTTP peer resets a socket we write to. So a closed stdout surfaces as the
/// `println!` panic instead, and this hook turns that one panic into a quiet exit; every other panic
/// reaches the default hook.
pub fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(EXIT_CLOSED_STDOUT);
        }
        default(info)
    }));
}

/// Whether this run printed its JSON document already (then a failure adds no second one).
static PRINTED: AtomicBool = AtomicBool::new(false);

/// The version of every `--output json` document's shape (docs/JSON.md); bumped on a breaking change.
pub const SCHEMA_VERSION: u64 = 1;

/// Prints one JSON document on stdout, `schema_version` first when the document is an object.
pub fn print_json<T: Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).expect("output values serialize");
    print_text(versioned(text));
}

/// Prints a document whose shape is not gcbridge's to version (`config-schema`'s JSON Schema).
pub fn print_json_unversioned<T: Serialize>(value: &T) {
    print_text(serde_json::to_string_pretty(value).expect("output values serialize"));
}

fn print_text(text: String) {
    PRINTED.store(true, Ordering::SeqCst);
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(EXIT_CLOSED_STDOUT);
        }
    }
}

/// `text` (a pretty-printed document) with `"schema_version"` as the object's first key. Done on
/// the text so every document keeps its fields in the order its struct declares them.
fn versioned(text: String) -> String {
    let field = format!("\"schema_version\": {SCHEMA_VERSION}");
    match text.strip_prefix('{') {
        Some("}") => format!("{{\n  {field}\n}}"),
        Some(rest) => format!("{{\n  {field},{rest}"),
        None => text,
    }
}

/// Whether a JSON document went to stdout in this run.
pub fn printed_json() -> bool {
    PRINTED.load(Ordering::SeqCst)
}

/// Whether stderr is a terminal (progress bars) or a log (plain lines).
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A note for the user on stderr, so stdout stays clean for JSON and pipes.
pub fn note(message: impl AsRef<str>) {
    eprintln!("{}", crate::escape::lines(message.as_ref()));
}
