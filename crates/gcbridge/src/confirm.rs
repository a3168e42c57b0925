//! Asking before changing anything: only on a terminal, and only "yes" proceeds.

use std::io::{BufRead, IsTerminal, Write};

use crate::escape::eout;
use crate::failure::Failure;

/// Asks `question` on a terminal. Without a terminal, refuses (exit 1) and names the flag that
/// skips the question: a CI job must opt in to unattended changes explicitly.
pub fn confirm(question: &str, skip_flag: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::failed(format!(
            "refusing to make changes without confirmation: stdin is not a terminal; re-run with {skip_flag} to apply unattended"
        )));
    }
    eout!("{question} Only 'yes' will be accepted: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::failed(format!("could not read the answer: {e}")))?;
    Ok(answer.trim() == "yes")
}
