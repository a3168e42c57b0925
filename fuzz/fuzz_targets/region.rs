//! Region::parse never panics; a parsed region's own spellings parse back to it.
#![no_main]
use genesys_client::Region;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    match Region::parse(s) {
        Ok(r) => {
            for form in [
                r.code().to_string(),
                r.domain().to_string(),
                r.api_base().to_string(),
            ] {
                assert_eq!(Region::parse(&form), Ok(r), "{s:?} -> {form}");
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
