//! Problems found in a config file or in flags, each pointing at a place and saying how to fix it.

use std::fmt;

/// Where a value came from: a file position, or a command-line flag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    File {
        path: String,
        line: usize,
        column: usize,
        /// How many characters of that line the value covers (at least 1): the caret's width.
        width: usize,
    },
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path, line, column, ..
            } => write!(f, "{path}:{line}:{column}"),
            Origin::Flag => write!(f, "command line"),
        }
    }
}

/// One problem with the desired state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub origin: Origin,
    /// The key or flag concerned, e.g. `destination "prod" aws_account_id` or `--aws-account-id`.
    pub field: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.origin)?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every problem found, so a user fixes them all in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// 1-based line and column of byte `offset` in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(source).line_col(offset)
}

/// Where each line of a text starts, built once, so finding the line and column of an offset is a
/// binary search instead of a scan from the top: a file of thousands of destinations has every value
/// placed, and a scan per value made loading quadratic.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based line and column of byte `offset` (an offset inside a character counts as that
    /// character; one past the end, as the end).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self
            .text
            .floor_char_boundary_compat(offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// How many characters of its first line `span` covers, at least 1 (a caret under a
    /// multi-line value marks its first line).
    pub fn width(&self, span: std::ops::Range<usize>) -> usize {
        let len = self.text.len();
        let start = self.text.floor_char_boundary_compat(span.start.min(len));
        let end = self
            .text
            .floor_char_boundary_compat(span.end.clamp(start, len));
        let first_line = self.text[start..end].split('\n').next().unwrap_or("");
        first_line.trim_end_matches('\r').chars().count().max(1)
    }
}

/// `str::floor_char_boundary` is not stable on every toolchain we support.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut index: usize) -> usize {
        while index > 0 && !self.is_char_boundary(index) {
            index -= 1;
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let s = "a = 1\nbé = 2\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 6), (2, 1));
        assert_eq!(line_col(s, 10), (2, 4));
        // Inside the two bytes of "é" is that character; past the end is the end.
        assert_eq!(line_col(s, 8), (2, 2));
        assert_eq!(line_col(s, s.len()), (3, 1));
        assert_eq!(line_col(s, s.len() + 5), (3, 1));
        // One index answers every offset the same as a fresh one.
        let index = LineIndex::new(s);
        assert_eq!(index.line_col(10), (2, 4));
        assert_eq!(index.line_col(0), (1, 1));
        // A value's width stops at its line's end and is never 0.
        assert_eq!(index.width(6..9), 2);
        assert_eq!(index.width(0..9), 5);
        assert_eq!(index.width(3..3), 1);
    }
}
