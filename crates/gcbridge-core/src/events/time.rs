//! Event times as Genesys and EventBridge write them: epoch milliseconds in, RFC 3339 out (the
//! envelope's `time` to the second, `detail.timestamp` to the millisecond).

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

/// 2026-01-01T00:00:00Z: the clock of seeded samples, so the same seed gives the same events.
pub const SEEDED_EPOCH: Millis = 1_767_225_600_000;

/// Now, in epoch milliseconds.
pub fn now() -> Millis {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as Millis
}

fn at(ms: Millis) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2026-01-01T00:00:00.123Z`.
pub fn iso_millis(ms: Millis) -> String {
    let t = at(ms);
    let whole = t.replace_nanosecond(0).unwrap_or(t);
    let text = whole.format(&Rfc3339).unwrap_or_default();
    format!("{}.{:03}Z", text.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// `2026-01-01T00:00:00Z`.
pub fn iso_seconds(ms: Millis) -> String {
    let t = at(ms.div_euclid(1000) * 1000);
    t.format(&Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_the_envelope_does() {
        assert_eq!(iso_millis(SEEDED_EPOCH + 435), "2026-01-01T00:00:00.435Z");
        assert_eq!(iso_seconds(SEEDED_EPOCH + 1435), "2026-01-01T00:00:01Z");
        assert_eq!(iso_millis(SEEDED_EPOCH + 7), "2026-01-01T00:00:00.007Z");
    }
}
