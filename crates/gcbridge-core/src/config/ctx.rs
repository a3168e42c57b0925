//! Where a value of the file is: byte spans to file:line:column origins and diagnostics.

use super::destination_input::Field;
use super::raw::Spanned;
use crate::diagnostic::{Diagnostic, LineIndex, Origin};

/// The file being loaded: its name for messages and its line index.
pub(super) struct Ctx<'a> {
    pub(super) path: &'a str,
    pub(super) lines: LineIndex<'a>,
}

impl Ctx<'_> {
    pub(super) fn origin(&self, offset: usize) -> Origin {
        self.origin_span(offset..offset)
    }

    /// The origin of a value, wide enough for a caret under all of it.
    pub(super) fn origin_span(&self, span: std::ops::Range<usize>) -> Origin {
        let (line, column) = self.lines.line_col(span.start);
        Origin::File {
            path: self.path.to_string(),
            line,
            column,
            width: self.lines.width(span),
        }
    }

    pub(super) fn line(&self, offset: usize) -> usize {
        self.lines.line_col(offset).0
    }

    pub(super) fn diag<T>(
        &self,
        v: &Spanned<T>,
        field: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            origin: self.origin_span(v.span()),
            field: Some(field.into()),
            message: message.into(),
            help,
        }
    }

    pub(super) fn field<T: Clone>(&self, v: &Spanned<T>, label: String) -> Field<T> {
        Field {
            value: v.get_ref().clone(),
            origin: self.origin_span(v.span()),
            label,
        }
    }
}
