//! The JSON error document: with `--output json`, every failed run prints exactly one document on
//! stdout, so a script piping to `jq` always gets one (`{"schema_version":1,"error":{...}}`).
//!
//! A run that printed its result document already (a plan with changes, an apply with failed
//! items) adds none: that document says what happened, and stdout holds one document.

use serde_json::{json, Value};

use crate::failure::Failure;

/// Prints the error document of `failure` unless this run printed its document already.
pub fn print_unless_printed(failure: &Failure) {
    if crate::output::printed_json() {
        return;
    }
    let diagnostics = crate::render_diagnostics::reported();
    crate::output::print_json(&document(
        failure,
        crate::render_diagnostics::json(&diagnostics),
    ));
}

/// `{"error": {...}}` for `failure` and the input problems behind it.
pub fn document(failure: &Failure, diagnostics: Value) -> Value {
    let count = diagnostics.as_array().map_or(0, Vec::len);
    let (message, help) = if count > 0 {
        // The rendered snippets are for a terminal; the problems themselves are in `diagnostics`.
        let noun = if count == 1 { "problem" } else { "problems" };
        (format!("found {count} {noun} in the input"), None)
    } else {
        split_help(&failure.message)
    };
    json!({
        "error": {
            "kind": failure.kind,
            "exit_code": failure.code,
            "message": message,
            "help": help,
            "diagnostics": diagnostics,
        }
    })
}

/// The error document of a command line clap refused; `rendered` is clap's text (`error: ...`,
/// the usage, the pointer to `--help`).
pub fn usage_document(rendered: &str) -> Value {
    let rendered = rendered.trim();
    let (first, rest) = rendered.split_once('\n').unwrap_or((rendered, ""));
    let message = first.strip_prefix("error: ").unwrap_or(first).trim();
    let help: Vec<&str> = rest
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let failure = Failure::usage(message);
    let mut doc = document(&failure, json!([]));
    doc["error"]["message"] = message.into();
    doc["error"]["help"] = if help.is_empty() {
        Value::Null
    } else {
        help.join("; ").into()
    };
    doc
}

/// A message and the advice after it: messages say what failed, then after `; ` what to do.
fn split_help(message: &str) -> (String, Option<String>) {
    let message = message.trim();
    if message.is_empty() {
        return ("the command failed; its output above says why".into(), None);
    }
    match message.split_once("; ") {
        Some((what, advice)) if !what.is_empty() && !advice.trim().is_empty() => {
            (what.to_string(), Some(advice.trim().to_string()))
        }
        _ => (message.to_string(), None),
    }
}

/// Whether the command line asks for `--output json` (read before clap, whose own errors get the
/// document too).
pub fn asked_for(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    let mut asked = false;
    for (i, arg) in args.iter().enumerate() {
        if *arg == "--" {
            break;
        }
        let value = match *arg {
            "--output" | "-o" => args.get(i + 1).copied(),
            _ => arg
                .strip_prefix("--output=")
                .or_else(|| arg.strip_prefix("-o="))
                .or_else(|| arg.strip_prefix("-o").filter(|v| !v.is_empty())),
        };
        if let Some(v) = value {
            // The last one wins, as clap reads it.
            asked = v == "json";
        }
    }
    asked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(Into::into).collect()
    }

    #[test]
    fn every_spelling_of_output_json_is_seen() {
        for line in [
            &["gcbridge", "--output", "json", "plan"][..],
            &["gcbridge", "plan", "-o", "json"],
            &["gcbridge", "plan", "--output=json"],
            &["gcbridge", "plan", "-ojson"],
            &["gcbridge", "plan", "-o=json"],
            &["gcbridge", "-o", "human", "plan", "-o", "json"],
        ] {
            assert!(asked_for(&args(line)), "{line:?}");
        }
        for line in [
            &["gcbridge", "plan"][..],
            &["gcbridge", "plan", "-o", "human"],
            &["gcbridge", "-o", "json", "plan", "--output", "human"],
            &["gcbridge", "plan", "--", "-o", "json"],
        ] {
            assert!(!asked_for(&args(line)), "{line:?}");
        }
    }

    #[test]
    fn advice_is_split_from_the_message() {
        let f = Failure::failed("GET /x: permission denied: no; grant the role");
        let doc = document(&f, json!([]));
        assert_eq!(doc["error"]["message"], "GET /x: permission denied: no");
        assert_eq!(doc["error"]["help"], "grant the role");
        assert_eq!(doc["error"]["exit_code"], 1);
        let silent = document(&Failure::exit(2), json!([]));
        assert!(silent["error"]["message"].as_str().unwrap().len() > 5);
        assert_eq!(silent["error"]["kind"], "usage");
    }
}
