//! A TOML or serde error turned into a diagnostic with the line, the key and a fix: serde's own
//! wording names our Raw* structs and lists keys, which a user of the file should not have to decode.

use crate::diagnostic::{Diagnostic, LineIndex, Origin};
use crate::suggest;

/// Turns a TOML/serde error into a diagnostic with the line, the key and a fix.
pub(super) fn toml_error(e: &toml::de::Error, text: &str, path: &str) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let lines = LineIndex::new(text);
    let (line, column) = lines.line_col(span.start);
    let width = lines.width(span);
    let message = e.message().trim().to_string();
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    // The key is what precedes `=` (or, when `=` is missing, the first word).
    let key = line_text
        .split('=')
        .next()
        .and_then(|k| k.split_whitespace().next())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    // On a table header (`[genesys]`, `[[destination]]`) the field is the table's name.
    let header = line_text
        .trim()
        .strip_prefix('[')
        .and_then(|h| h.split(']').next())
        .map(|h| h.trim_start_matches('[').trim())
        .filter(|h| !h.is_empty());
    let field = key.or(header).map(String::from);
    // serde names our Raw* structs; the user wrote a table.
    let message = match message.split_once("expected struct Raw") {
        Some((before, _)) => format!("{before}expected a table"),
        None => message,
    };

    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        return Diagnostic {
            origin: Origin::File {
                path: path.into(),
                line,
                column,
                width,
            },
            field: Some(unknown.to_string()),
            message: format!("unknown key \"{unknown}\""),
            help: Some(unknown_key_help(unknown, &expected_keys(&message))),
        };
    }
    let help = Some(syntax_help(&message, key, field.as_deref()));
    Diagnostic {
        origin: Origin::File {
            path: path.into(),
            line,
            column,
            width,
        },
        field,
        message,
        help,
    }
}

/// The keys serde says a table accepts (listed after "expected").
fn expected_keys(message: &str) -> Vec<&str> {
    message
        .split_once("expected")
        .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default()
}

/// Credentials get a pointer to env vars; anything else the closest of the keys the table accepts,
/// so suggestions never name a key of another table.
pub(super) fn unknown_key_help(unknown: &str, expected: &[&str]) -> String {
    let lowered = unknown.to_ascii_lowercase();
    if lowered.contains("secret")
        || lowered == "client_id"
        || lowered.contains("password")
        || lowered.contains("token")
    {
        return "credentials never go in the config file: put them in environment variables and name those with client_id_env and client_secret_env, or keep the secret in AWS and name it with client_secret_from = \"aws-secretsmanager:NAME\" or \"aws-ssm:/PARAMETER\"".to_string();
    }
    let closest = suggest::closest(unknown, expected.iter().copied(), 1);
    match closest.first() {
        Some(c) => format!(
            "did you mean \"{c}\"? Allowed keys here: {}",
            expected.join(", ")
        ),
        None => format!("allowed keys here: {}", expected.join(", ")),
    }
}

/// The fix for a TOML syntax or type error, from serde's message and the key or table it is on.
fn syntax_help(message: &str, key: Option<&str>, field: Option<&str>) -> String {
    if message.contains("invalid type: integer") && key.is_some_and(|k| k.contains("account")) {
        "write the account id as a quoted string, e.g. aws_account_id = \"012345678901\", so leading zeros are kept".into()
    } else if message.starts_with("missing field") {
        "add the key to this table".into()
    } else if message.starts_with("duplicate key") {
        "a key or table may be written only once here: remove or rename the second one (a list of tables uses [[double brackets]])".into()
    } else if message.contains("invalid type: map, expected a sequence")
        || (message.ends_with("expected a sequence")
            && matches!(field, Some("destination" | "org" | "rule")))
    {
        let name = field.unwrap_or("destination");
        format!("write [[{name}]] with double brackets: each one adds a table to the list")
    } else if message.contains("expected a table") {
        let name = field.unwrap_or("genesys");
        format!("write it as a table: [{name}] on its own line, then key = value lines")
    } else if message.contains("invalid type") {
        "check the value's type: strings are quoted, lists use [ ], true/false are not quoted"
            .into()
    } else {
        "fix the TOML syntax at this position".into()
    }
}
