//! "Did you mean" suggestions for names a user mistyped (topics, keys, families, regions).

/// The up to `limit` candidates closest to `input`, best first; only reasonably close ones.
pub fn closest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let needle = input.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&needle, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    // Only those nearly as good as the best: a clear winner should not come with noise.
    if let Some(best) = scored.first().map(|s| s.0) {
        scored.retain(|s| s.0 >= best - 0.04);
    }
    scored.into_iter().take(limit).map(|(_, c)| c).collect()
}

/// `"a", "b" or "c"`.
pub fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_far_ones_are_not() {
        let c = closest("conversaton", ["conversation", "user", "routing"], 3);
        assert_eq!(c, vec!["conversation"]);
        assert!(closest("zzzz", ["conversation"], 3).is_empty());
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(quoted_list(&["a"]), "\"a\"");
        assert_eq!(quoted_list(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }
}
