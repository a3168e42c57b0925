//! Wall-clock helpers: Genesys renders timestamps as ISO-8601 UTC with milliseconds
//! (`2024-05-01T12:00:00.000Z`), and the lifecycle compares stored timestamps with now.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

const ISO_MILLIS: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// The current UTC time.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Renders a timestamp the way the Genesys API does.
pub fn iso(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(ISO_MILLIS)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_millis_and_z() {
        let t = time::macros::datetime!(2024-05-01 12:00:00.123456 UTC);
        assert_eq!(iso(t), "2024-05-01T12:00:00.123Z");
    }
}
