//! parse_partner_arn never panics; what it accepts is consistent with its parts.
#![no_main]
use gcbridge_core::{parse_partner_arn, ArnKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Ok(p) = parse_partner_arn(s) {
        assert!(!p.org_id.is_empty() && !p.suffix.is_empty(), "{s:?}");
        assert!(
            p.account_id.is_some() || p.kind == ArnKind::EventSource,
            "{s:?}"
        );
        // The canonical ARN of what was parsed parses back to the same parts.
        if let Some(bus) = p.event_bus_arn() {
            let again = parse_partner_arn(&bus).unwrap_or_else(|e| panic!("{s:?} -> {bus}: {e}"));
            assert_eq!(
                (
                    &again.region,
                    &again.account_id,
                    &again.org_id,
                    &again.suffix
                ),
                (&p.region, &p.account_id, &p.org_id, &p.suffix)
            );
        }
    }
});
