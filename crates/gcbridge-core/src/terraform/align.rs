//! The one thing `terraform fmt` does that hcl-rs's printer does not: in a run of consecutive
//! one-line attributes (or object items) at the same indentation, the `=` signs line up. An
//! attribute whose value spans lines, a block, a blank or a closing line ends the run, as in
//! hclwrite. The export is checked against `terraform fmt -check` by its tests.

/// `text` with the `=` of each run of one-line attributes aligned.
pub fn align(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut run: Vec<(usize, usize, &str, &str)> = Vec::new();
    for line in &lines {
        match one_line_attribute(line) {
            Some((indent, key, value)) if run.last().is_none_or(|r| r.0 == indent) => {
                run.push((indent, key.chars().count(), key, value));
            }
            found => {
                flush(&mut run, &mut out);
                match found {
                    Some((indent, key, value)) => {
                        run.push((indent, key.chars().count(), key, value))
                    }
                    None => out.push((*line).to_string()),
                }
            }
        }
    }
    flush(&mut run, &mut out);
    out.join("\n")
}

fn flush(run: &mut Vec<(usize, usize, &str, &str)>, out: &mut Vec<String>) {
    let width = run.iter().map(|r| r.1).max().unwrap_or(0);
    for (indent, len, key, value) in run.drain(..) {
        out.push(format!(
            "{}{key}{} = {value}",
            " ".repeat(indent),
            " ".repeat(width - len)
        ));
    }
}

/// (indent, key, value) of a `key = value` line whose value ends on that line.
fn one_line_attribute(line: &str) -> Option<(usize, &str, &str)> {
    let trimmed = line.trim_start_matches(' ');
    let indent = line.len() - trimmed.len();
    let key_len = key_length(trimmed)?;
    let (key, rest) = trimmed.split_at(key_len);
    let value = rest.strip_prefix(" = ")?;
    balanced(value).then_some((indent, key, value))
}

/// The length of an identifier or a quoted string at the start of `s`.
fn key_length(s: &str) -> Option<usize> {
    let mut chars = s.char_indices();
    match chars.next()? {
        (_, '"') => {
            let mut escaped = false;
            for (i, c) in chars {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => return Some(i + 1),
                    _ => {}
                }
            }
            None
        }
        (_, c) if c.is_ascii_alphabetic() || c == '_' => Some(
            s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(s.len()),
        ),
        _ => None,
    }
}

/// Whether every bracket the value opens it also closes (strings skipped).
fn balanced(value: &str) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    for c in value.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0 && !in_string
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_align_and_multi_line_values_break_them() {
        let text = "b {\n  a = 1\n  long_name = \"x = {\"\n  p = f({\n    \"k\" = 1\n    \"key\" = [\"]\"]\n  })\n  c = 2\n  dd = 3\n}\n";
        let want = "b {\n  a         = 1\n  long_name = \"x = {\"\n  p = f({\n    \"k\"   = 1\n    \"key\" = [\"]\"]\n  })\n  c  = 2\n  dd = 3\n}\n";
        assert_eq!(align(text), want);
    }
}
