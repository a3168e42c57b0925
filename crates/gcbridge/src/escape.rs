//! Text from the org or a file, made safe for a terminal: control characters (C0, DEL, C1) and
//! the bidirectional-override characters are shown escaped (`\u{1b}`), so an integration named
//! in the admin UI cannot move the cursor, rewrite earlier lines, retitle the window or reorder
//! what the user reads. Every human renderer prints through [`outln!`] / [`out!`] /
//! [`eoutln!`], which escape the whole text they print except its line breaks; [`field`] escapes
//! one value entirely (line breaks too), for values shown inside one line. JSON output needs
//! none of this: serde escapes control characters itself.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as itself.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_with(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !unsafe_char(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// One value, every control character escaped (a newline too: a value never starts a line).
pub fn field(s: &str) -> Cow<'_, str> {
    escape_with(s, |_| false)
}

/// A whole text for the terminal: line breaks and tabs kept, every other control escaped.
pub fn lines(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c == '\n' || c == '\t')
}

/// `println!`, escaped by [`lines`].
macro_rules! outln {
    () => { println!() };
    ($($arg:tt)*) => { println!("{}", $crate::escape::lines(&format!($($arg)*))) };
}

/// `print!`, escaped by [`lines`].
macro_rules! out {
    ($($arg:tt)*) => { print!("{}", $crate::escape::lines(&format!($($arg)*))) };
}

/// `eprintln!`, escaped by [`lines`].
macro_rules! eoutln {
    () => { eprintln!() };
    ($($arg:tt)*) => { eprintln!("{}", $crate::escape::lines(&format!($($arg)*))) };
}

/// `eprint!`, escaped by [`lines`].
macro_rules! eout {
    ($($arg:tt)*) => { eprint!("{}", $crate::escape::lines(&format!($($arg)*))) };
}

pub(crate) use {eout, eoutln, out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(field("prod-events ü"), Cow::Borrowed(_)));
        assert_eq!(field("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(field("x\ny\rz\t"), "x\\ny\\rz\\t");
        assert_eq!(field("\u{9b}31m\u{7f}"), "\\u{9b}31m\\u{7f}");
        assert_eq!(field("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(lines("a\n\u{1b}[2Jb\tc\n"), "a\n\\u{1b}[2Jb\tc\n");
    }
}
