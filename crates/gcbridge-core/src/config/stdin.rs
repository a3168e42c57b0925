//! `-f -`: the config file read from standard input. A command may load its file more than once
//! (the connection settings, then the destinations), and standard input can be read only once,
//! so the text is read on first use and kept for the rest of the process.

use std::io::Read;
use std::sync::OnceLock;

/// The path that means standard input, as `-f -` gives it.
pub const STDIN_PATH: &str = "-";

/// How standard input is named in diagnostics.
pub const STDIN_SHOWN: &str = "<stdin>";

/// Standard input as read by the first load, kept for the later ones and for the diagnostics.
static TEXT: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// The bytes of standard input (at most `limit`), or why they cannot be used.
pub(super) fn config_bytes(limit: u64) -> Result<Vec<u8>, String> {
    TEXT.get_or_init(|| read_bounded(std::io::stdin().lock(), limit))
        .clone()
}

/// The config text `-f -` read, for showing the lines a diagnostic at [`STDIN_SHOWN`] points
/// at; `None` when standard input was not read as a config (never reads it).
pub fn stdin_text() -> Option<String> {
    match TEXT.get()? {
        Ok(bytes) => String::from_utf8(bytes.clone()).ok(),
        Err(_) => None,
    }
}

fn read_bounded(input: impl Read, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    input
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the config from standard input: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "standard input holds more than {limit} bytes; a gcbridge config is at most that"
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("standard input is empty: pipe a gcbridge.toml into -f -".into());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_not_empty() {
        assert_eq!(
            read_bounded(&b"[genesys]\n"[..], 64).unwrap(),
            b"[genesys]\n"
        );
        assert!(read_bounded(&b" \n"[..], 64).unwrap_err().contains("empty"));
        assert!(read_bounded(&[b'#'; 65][..], 64)
            .unwrap_err()
            .contains("more than 64"));
    }
}
