//! Input problems shown as rustc shows its errors: the offending line of the file, a caret under
//! the value, the help line, every problem at once (annotate-snippets draws them). Colour only on a
//! terminal and never with `NO_COLOR`. `--output json` gets the same problems as data (inside the error document, error_json.rs).
//!
//! A problem given by a flag, or in a file that cannot be read again, keeps the one-line form
//! (`command line: --aws-account-id: ...`).

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use gcbridge_core::config::{Diagnostic, Diagnostics, Origin};
use serde_json::{json, Value};

/// Every problem that became a failure in this run, for the JSON document at exit.
static REPORTED: Mutex<Vec<Diagnostic>> = Mutex::new(Vec::new());

/// The text of a failure made of input problems (the caller prints it after "error: "); the
/// problems are also kept for `--output json`.
pub fn render(d: &Diagnostics) -> String {
    if let Ok(mut reported) = REPORTED.lock() {
        reported.extend(d.0.iter().cloned());
    }
    let colour = use_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    render_with(d, colour, &mut read_source)
}

/// The text a diagnostic's path names: `-f -`'s kept standard input for `<stdin>` (a file of
/// that name in the working directory is not it), else the file.
fn read_source(path: &str) -> Option<String> {
    if path == gcbridge_core::config::STDIN_SHOWN {
        return gcbridge_core::config::stdin_text();
    }
    std::fs::read_to_string(path).ok()
}

/// Colour on a terminal, unless NO_COLOR is set to anything but the empty string (no-color.org).
pub fn use_colour(stderr_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// `render` with the colour decided and the files read by `read` (each once).
pub fn render_with(
    d: &Diagnostics,
    colour: bool,
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> String {
    let mut sources: HashMap<String, Option<String>> = HashMap::new();
    for diag in &d.0 {
        if let Origin::File { path, .. } = &diag.origin {
            sources
                .entry(path.clone())
                .or_insert_with(|| read(path).filter(|s| !s.trim().is_empty()));
        }
    }
    let placed: Vec<Option<(&str, std::ops::Range<usize>)>> =
        d.0.iter().map(|diag| place(diag, &sources)).collect();
    // Nothing to point at: the one-line form, as for flags.
    if placed.iter().all(Option::is_none) {
        return d.to_string();
    }
    let titles: Vec<String> = d.0.iter().map(title).collect();
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // One report per problem, a blank line between them, as rustc prints its errors.
    let shown: Vec<String> =
        d.0.iter()
            .zip(&placed)
            .zip(&titles)
            .map(|((diag, at), title)| renderer.render(&[group(diag, at.clone(), title)]))
            .collect();
    let count = d.0.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    format!(
        "found {count} {noun} in the input\n\n{}",
        shown.join("\n\n")
    )
}

/// The problems of this run as data: one object per problem, in the order shown.
pub fn json(diagnostics: &[Diagnostic]) -> Value {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let (file, line, column) = match &d.origin {
                Origin::File {
                    path, line, column, ..
                } => (json!(path), json!(line), json!(column)),
                Origin::Flag => (Value::Null, Value::Null, Value::Null),
            };
            json!({
                "file": file,
                "line": line,
                "column": column,
                "key": d.field,
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    Value::Array(items)
}

/// The problems every failure of this run carried (for the JSON document printed at exit).
pub fn reported() -> Vec<Diagnostic> {
    REPORTED.lock().map(|r| r.clone()).unwrap_or_default()
}

fn title(d: &Diagnostic) -> String {
    match &d.field {
        Some(field) => format!("{field}: {}", d.message),
        None => d.message.clone(),
    }
}

/// The line a file diagnostic points at and the value's byte range in it, if the line is there.
fn place<'s>(
    d: &Diagnostic,
    sources: &'s HashMap<String, Option<String>>,
) -> Option<(&'s str, std::ops::Range<usize>)> {
    let Origin::File {
        path,
        line,
        column,
        width,
    } = &d.origin
    else {
        return None;
    };
    // A problem of the whole file (empty, too big, not UTF-8) has no value to point at.
    if d.field.is_none() && (*line, *column) == (1, 1) {
        return None;
    }
    let source = sources.get(path)?.as_deref()?;
    let line_start = if *line == 1 {
        0
    } else {
        source.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &source[line_start..];
    let line_text = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    // A line about a secret may hold the secret itself (a value pasted where a variable name
    // goes): it is never echoed; the one-line form names the key and the place only.
    if line_text.is_empty() || line_text.to_ascii_lowercase().contains("secret") {
        return None;
    }
    let byte_at = |chars: usize| {
        line_text
            .char_indices()
            .nth(chars)
            .map_or(line_text.len(), |(i, _)| i)
    };
    let start = byte_at(column.saturating_sub(1));
    let end = byte_at(column.saturating_sub(1) + width.max(&1));
    // A caret past the end of the line (an error at end of file) sits on its last character.
    let start = start.min(line_text.len().saturating_sub(1));
    let end = end.max(start + 1).min(line_text.len().max(start + 1));
    // Only that line goes to the renderer: a file of thousands of problems stays linear.
    Some((line_text, start..end))
}

fn group<'a>(
    d: &'a Diagnostic,
    at: Option<(&'a str, std::ops::Range<usize>)>,
    title: &'a str,
) -> Group<'a> {
    let mut group = Level::ERROR
        .primary_title(title)
        .element(match (&d.origin, at) {
            (Origin::File { path, line, .. }, Some((text, span))) => Snippet::source(text)
                .line_start(*line)
                .path(path.as_str())
                .annotation(AnnotationKind::Primary.span(span)),
            // A file that is gone or a flag: where it is, in words.
            (origin, _) => Snippet::source("").path(origin.to_string()),
        });
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        assert!(use_colour(true, None));
        assert!(use_colour(true, Some(OsStr::new(""))));
        assert!(!use_colour(true, Some(OsStr::new("1"))));
        assert!(!use_colour(false, None));
    }

    fn diag(line: usize, column: usize, width: usize) -> Diagnostic {
        Diagnostic {
            origin: Origin::File {
                path: "g.toml".into(),
                line,
                column,
                width,
            },
            field: Some("destination \"d\" enabled".into()),
            message: "expected true or false, found a string".into(),
            help: Some("write enabled = true".into()),
        }
    }

    #[test]
    fn the_line_and_a_caret_under_the_value() {
        let src = "[[destination]]\nname = \"d\"\nenabled = \"yes\"\n";
        let d = Diagnostics(vec![diag(3, 11, 5)]);
        let out = render_with(&d, false, &mut |_| Some(src.to_string()));
        assert!(out.contains("--> g.toml:3:11"), "{out}");
        assert!(out.contains("3 | enabled = \"yes\""), "{out}");
        assert!(out.contains("  |           ^^^^^"), "{out}");
        assert!(out.contains("= help: write enabled = true"), "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");
        let coloured = render_with(&d, true, &mut |_| Some(src.to_string()));
        assert!(coloured.contains('\u{1b}'), "{coloured}");
    }

    #[test]
    fn without_the_file_the_one_line_form_stays() {
        let d = Diagnostics(vec![diag(3, 11, 5)]);
        let out = render_with(&d, false, &mut |_| None);
        assert_eq!(out, d.to_string());
    }
}
