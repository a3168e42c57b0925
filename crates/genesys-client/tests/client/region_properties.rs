//! Property tests of `Region::parse`: it never panics, and every spelling of every region (code,
//! SDK name, domain, api./login. host, API URL, in any case, with spaces around) parses to it.
//! fuzz/fuzz_targets/region.rs drives the same function.

use genesys_client::Region;
use proptest::prelude::*;

/// One spelling of `r`, chosen by `form`.
fn spelling(r: &Region, form: usize) -> String {
    let sdk = r.code().replace('-', "_");
    match form % 9 {
        0 => r.code().to_string(),
        1 => sdk,
        2 => r.domain().to_string(),
        3 => format!("api.{}", r.domain()),
        4 => format!("login.{}", r.domain()),
        5 => r.api_base().to_string(),
        6 => r.login_base().to_string(),
        7 => format!("https://api.{}", r.domain()),
        _ => format!("{}.", r.domain()),
    }
}

/// `s` with the case of each ASCII letter flipped where `mask` says so.
fn recase(s: &str, mask: &[bool]) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask.get(i % mask.len().max(1)).copied().unwrap_or(false) {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = Region::parse(&s).map_err(|e| e.to_string());
    }

    #[test]
    fn parse_never_panics_on_urlish_input(s in "(https?://)?(api\\.|login\\.)?[a-z0-9._:/@\\[\\]%-]{0,40}") {
        let _ = Region::parse(&s).map_err(|e| e.to_string());
    }

    #[test]
    fn every_spelling_of_every_region_parses_to_it(
        index in 0usize..Region::all().len(),
        form in 0usize..9,
        mask in proptest::collection::vec(any::<bool>(), 1..8),
        before in "[ \t]{0,3}",
        after in "[ \t]{0,3}",
    ) {
        let r = Region::all()[index];
        let text = format!("{before}{}{after}", recase(&spelling(&r, form), &mask));
        prop_assert_eq!(Region::parse(&text), Ok(r), "{:?}", text);
    }

    #[test]
    fn an_error_quotes_the_input_and_suggests_real_regions(s in "[a-z0-9.-]{1,20}") {
        if let Err(e) = Region::parse(&s) {
            prop_assert_eq!(e.input(), s.trim());
            prop_assert!(!e.closest().is_empty());
            for c in e.closest() {
                prop_assert!(Region::all().contains(c));
            }
        }
    }
}
