//! The topic glob matcher never panics and agrees with a naive recursive matcher.
#![no_main]
use gcbridge_core::topics::glob;
use libfuzzer_sys::fuzz_target;

/// Exponential in the worst case, so only used on short inputs.
fn naive(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|i| naive(rest, &t[i..])),
        Some((c, rest)) => match t.split_first() {
            Some((tc, trest)) => (*c == '?' || c == tc) && naive(rest, trest),
            None => false,
        },
    }
}

fuzz_target!(|input: (&str, &str)| {
    let (pattern, text) = input;
    let got = glob::matches(pattern, text);
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if p.iter().filter(|c| **c == '*').count() <= 4 && t.len() <= 64 {
        assert_eq!(got, naive(&p, &t), "{pattern:?} vs {text:?}");
    }
    if !pattern.contains(['*', '?']) {
        assert_eq!(got, pattern == text);
    }
});
