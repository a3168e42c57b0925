//! gcbridge's temporary resources (the SQS queue and rule of `tail` and `doctor --probe`): how
//! they are named and tagged so that one left behind by SIGKILL or a power loss says when it was
//! made and how long it may live, and the pure rule of which names are gcbridge's and which of
//! those have expired.
//!
//! A name is `gcbridge-tmp-<purpose>-<created, unix seconds>-<lifetime, seconds>-<8 hex digits>`
//! (the queue and its rule share it); both also carry the tags `gcbridge:temporary=true` and
//! `gcbridge:expires=<RFC 3339, UTC>` for people looking in the console. The name alone decides,
//! so no tag has to be read to judge a resource.

/// Every temporary name starts so.
pub const PREFIX: &str = "gcbridge-tmp-";
/// Overrides every temporary lifetime, in seconds. For tests (a SIGKILLed tail's leftovers expire
/// at once); a user has no reason to set it.
pub const TTL_VAR: &str = "GCBRIDGE_TEMPORARY_TTL_SECS";
pub const TAG_TEMPORARY: &str = "gcbridge:temporary";
pub const TAG_EXPIRES: &str = "gcbridge:expires";
/// What a command that runs `work` seconds adds on top, for setup, cleanup and slow calls.
const MARGIN_SECS: u64 = 600;
/// The lifetime of a listener with no end given (`tail` without `--for`): it is renewed before.
pub const OPEN_ENDED_TTL_SECS: u64 = 6 * 3600;
/// The names of versions before lifetimes existed: gcbridge's, with no lifetime known.
pub const LEGACY_PREFIXES: [&str; 2] = ["gcbridge-tail-", "gcbridge-probe-"];

/// A temporary resource of gcbridge, as its name or tags describe it (times in unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Temporary {
    pub purpose: String,
    pub created: Option<u64>,
    /// `None` for a name of an older gcbridge, which carried no lifetime.
    pub expires: Option<u64>,
}

impl Temporary {
    /// Whether the next command may remove it: only a known lifetime ever expires.
    pub fn expired(&self, now: u64) -> bool {
        self.expires.is_some_and(|e| now >= e)
    }

    /// `expires 2026-01-01T00:00:00Z`, or that it never does by itself.
    pub fn describe_expiry(&self) -> String {
        match self.expires {
            Some(e) => format!("expires {}", rfc3339(e)),
            None => "no lifetime (made by an older gcbridge)".into(),
        }
    }
}

/// A fresh name for `purpose` (`tail`, `probe`), created `now` to live `ttl` seconds.
pub fn new_name(purpose: &str, now: u64, ttl: u64) -> String {
    format!("{PREFIX}{purpose}-{now}-{ttl}-{}", unique_suffix())
}

/// The tags a temporary resource of that name carries.
pub fn tags(expires: u64) -> [(&'static str, String); 2] {
    [
        (TAG_TEMPORARY, "true".into()),
        (TAG_EXPIRES, rfc3339(expires)),
    ]
}

/// gcbridge's temporary resource, or `None`: not ours. The name decides; tags (if any were
/// read) make a resource ours when the name does not say.
pub fn classify(name: &str, tags: &[(String, String)]) -> Option<Temporary> {
    if let Some(t) = parse_name(name) {
        return Some(t);
    }
    if let Some(legacy) = LEGACY_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Some(Temporary {
            purpose: legacy["gcbridge-".len()..legacy.len() - 1].into(),
            created: None,
            expires: None,
        });
    }
    let tag = |k: &str| {
        tags.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if tag(TAG_TEMPORARY) != Some("true") {
        return None;
    }
    Some(Temporary {
        purpose: "unknown".into(),
        created: None,
        expires: tag(TAG_EXPIRES).and_then(parse_rfc3339),
    })
}

/// Whether `name` is the name of one of gcbridge's temporary resources.
pub fn is_temporary_name(name: &str) -> bool {
    classify(name, &[]).is_some()
}

fn parse_name(name: &str) -> Option<Temporary> {
    let rest = name.strip_prefix(PREFIX)?;
    let mut parts = rest.rsplitn(4, '-');
    let suffix = parts.next()?;
    let ttl: u64 = parts.next()?.parse().ok()?;
    let created: u64 = parts.next()?.parse().ok()?;
    let purpose = parts.next().filter(|p| !p.is_empty())?;
    if suffix.len() != 8 || !suffix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Temporary {
        purpose: purpose.into(),
        created: Some(created),
        expires: Some(created.saturating_add(ttl)),
    })
}

/// The lifetime of a listener used for `work` seconds (`None`: until stopped); [`TTL_VAR`] wins.
pub fn lifetime(work: Option<u64>) -> u64 {
    if let Some(secs) = std::env::var(TTL_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return secs;
    }
    match work {
        Some(w) => w.saturating_add(MARGIN_SECS),
        None => OPEN_ENDED_TTL_SECS,
    }
}

/// Now, in unix seconds.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A short random-enough suffix for temporary names (no RNG dependency needed for this).
fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mixed = (nanos as u64) ^ (u64::from(std::process::id()) << 32) ^ 0x9e37_79b9_7f4a_7c15;
    format!(
        "{:08x}",
        (mixed.wrapping_mul(0xff51_afd7_ed55_8ccd) >> 32) as u32
    )
}

/// `secs` (unix) as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil from days (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The inverse of [`rfc3339`] (UTC `Z` only, fractions ignored).
fn parse_rfc3339(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !text.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    // Days from civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags_of(expires: u64) -> Vec<(String, String)> {
        tags(expires)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    #[test]
    fn a_fresh_name_is_ours_and_expires_after_its_lifetime() {
        let name = new_name("tail", 1_000, 60);
        assert!(name.len() <= 64, "{name}");
        let t = classify(&name, &[]).unwrap();
        assert_eq!(t.purpose, "tail");
        assert_eq!((t.created, t.expires), (Some(1_000), Some(1_060)));
        assert!(!t.expired(1_059));
        assert!(t.expired(1_060));
    }

    #[test]
    fn names_that_only_look_alike_are_not_ours() {
        for name in [
            "to-queue",
            "gcbridge-tmp-",
            "gcbridge-tmp-tail-1000-60",
            "gcbridge-tmp--1000-60-0123abcd",
            "gcbridge-tmp-tail-x-60-0123abcd",
            "gcbridge-tmp-tail-1000-60-0123abcg",
            "gcbridge-tmp-tail-1000-60-0123abcde",
            "my-gcbridge-tmp-tail-1000-60-0123abcd",
        ] {
            assert_eq!(classify(name, &[]), None, "{name}");
        }
    }

    #[test]
    fn a_purpose_may_hold_dashes() {
        let t = classify("gcbridge-tmp-a-b-5-7-0123abcd", &[]).unwrap();
        assert_eq!((t.purpose.as_str(), t.expires), ("a-b", Some(12)));
    }

    #[test]
    fn older_names_are_ours_but_never_expire_by_themselves() {
        let t = classify("gcbridge-tail-0123abcd", &[]).unwrap();
        assert_eq!((t.purpose.as_str(), t.expires), ("tail", None));
        assert!(!t.expired(u64::MAX));
        assert!(is_temporary_name("gcbridge-probe-0123abcd"));
    }

    #[test]
    fn tags_make_a_resource_ours_when_the_name_does_not() {
        let t = classify("renamed", &tags_of(1_700_000_000)).unwrap();
        assert_eq!(t.expires, Some(1_700_000_000));
        assert!(t.expired(1_700_000_000));
        let not_ours = vec![(TAG_TEMPORARY.to_string(), "false".to_string())];
        assert_eq!(classify("renamed", &not_ours), None);
        let no_expiry = vec![(TAG_TEMPORARY.to_string(), "true".to_string())];
        assert!(!classify("renamed", &no_expiry).unwrap().expired(u64::MAX));
    }

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
        for secs in [0, 68_169_600, 951_782_400, 1_764_657_481, 4_102_444_800] {
            assert_eq!(parse_rfc3339(&rfc3339(secs)), Some(secs), "{secs}");
        }
        assert_eq!(parse_rfc3339("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2026-01-01T00:00:00+01:00"), None);
    }

    #[test]
    fn a_lifetime_covers_the_work_and_a_margin() {
        if std::env::var(TTL_VAR).is_err() {
            assert_eq!(lifetime(Some(30)), 630);
            assert_eq!(lifetime(None), OPEN_ENDED_TTL_SECS);
        }
    }
}
