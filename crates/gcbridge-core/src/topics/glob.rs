//! Glob patterns over topic templates.
//!
//! Topic templates contain literal `{id}` placeholders and dots, so path-oriented glob crates do
//! not fit: here `*` matches any run of characters (dots included), `?` one character, and every
//! other character (braces too) matches itself.

/// Whether `pattern` is a glob rather than a literal topic.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Whether `text` matches `pattern` in full.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with one backtrack point: linear in practice, no recursion blow-up.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        // `*` first: a `*` in the pattern is a wildcard even where the text has a `*` too.
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_spans_dots_and_braces_are_literal() {
        let t = "v2.detail.events.conversation.{id}.customer.start";
        assert!(matches("v2.detail.events.conversation.{id}.*", t));
        assert!(matches("*.customer.*", t));
        assert!(matches(
            "v2.detail.events.conversation.{id}.customer.star?",
            t
        ));
        assert!(!matches("v2.detail.events.conversation.{id}.agent.*", t));
        assert!(!matches("v2.users.*", t));
        assert!(matches("*", t));
        assert!(!matches("", t));
        // Found by the property tests: a `*` in the text once made the pattern's `*` literal.
        assert!(matches("*", "*0"));
        assert!(matches("a*", "a*b"));
    }

    #[test]
    fn detects_globs() {
        assert!(is_glob("v2.users.*"));
        assert!(!is_glob("v2.users.{id}.presence"));
    }
}
