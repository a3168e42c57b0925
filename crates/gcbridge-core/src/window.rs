//! The time window of `gcbridge replay`: `--from` and `--to` as RFC 3339 times
//! (`2026-12-03T08:00:00Z`, `2026-12-03T09:00:00+01:00`), as a time that long ago (`90s`, `15m`,
//! `2h`, `1h30m`, `7d`), or `now`. Checked offline: a bad time or an empty window is a usage error
//! before any request.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// A replay's window, `[from, to)`: the events whose time is at or after `from` and before `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

impl Window {
    /// Both ends parsed against the current time.
    pub fn parse_now(from: &str, to: &str) -> Result<Window, String> {
        Window::parse(from, to, OffsetDateTime::now_utc())
    }

    /// Both ends parsed against `now`; `from` must be before `to` and not in the future.
    pub fn parse(from: &str, to: &str, now: OffsetDateTime) -> Result<Window, String> {
        let start = parse_time(from, now).map_err(|e| format!("--from {e}"))?;
        let end = parse_time(to, now).map_err(|e| format!("--to {e}"))?;
        if start >= end {
            return Err(format!(
                "--from {} is not before --to {}: the window [from, to) would hold no event; give an earlier --from or a later --to",
                rfc3339(start),
                rfc3339(end)
            ));
        }
        if start > now {
            return Err(format!(
                "--from {} is in the future (now is {}): nothing is archived yet; give a time in the past, e.g. --from 1h",
                rfc3339(start),
                rfc3339(now)
            ));
        }
        Ok(Window {
            from: start,
            to: end,
        })
    }

    /// Where `t` lies in the window, from 0.0 at `from` to 1.0 at `to` (clamped).
    pub fn fraction(&self, t: OffsetDateTime) -> f64 {
        let whole = (self.to - self.from).as_seconds_f64();
        ((t - self.from).as_seconds_f64() / whole).clamp(0.0, 1.0)
    }
}

/// The time as RFC 3339, in UTC.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// One end of the window: RFC 3339, a duration ago (`30m`, `2h`, `1d12h`), or `now`.
pub fn parse_time(text: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let ago = text.strip_suffix(" ago").unwrap_or(text);
    match duration(ago) {
        Some(d) => Ok(now - d),
        None => Err(format!(
            "\"{text}\" is not a time: write an RFC 3339 time with its offset (2026-12-03T08:00:00Z), a time that long ago (90s, 15m, 2h, 1h30m, 7d) or now"
        )),
    }
}

/// `1h30m`, `45s`, `7d`: whole numbers, each with its unit (s, m, h, d), largest first or not.
fn duration(text: &str) -> Option<Duration> {
    if text.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let unit = match c {
            's' => Duration::seconds(1),
            'm' => Duration::minutes(1),
            'h' => Duration::hours(1),
            'd' => Duration::days(1),
            _ => return None,
        };
        total = total.checked_add(unit.checked_mul(i32::try_from(n).ok()?)?)?;
    }
    digits.is_empty().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-03 10:00:00 UTC);

    #[test]
    fn times_are_rfc3339_relative_or_now() {
        let t = |s| parse_time(s, NOW).unwrap();
        assert_eq!(
            t("2026-12-03T08:00:00Z"),
            datetime!(2026-12-03 08:00:00 UTC)
        );
        assert_eq!(
            t("2026-12-03T09:00:00+01:00"),
            datetime!(2026-12-03 08:00:00 UTC)
        );
        assert_eq!(t("90s"), datetime!(2026-12-03 09:58:30 UTC));
        assert_eq!(t("1h30m"), datetime!(2026-12-03 08:30:00 UTC));
        assert_eq!(t("2d ago"), datetime!(2026-12-01 10:00:00 UTC));
        assert_eq!(t("now"), NOW);
        for bad in [
            "",
            "yesterday",
            "2026-12-03 08:00",
            "2026-12-03T08:00:00",
            "5",
            "5w",
            "h",
        ] {
            let e = parse_time(bad, NOW).unwrap_err();
            assert!(e.contains("RFC 3339"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_window_runs_forward_and_starts_in_the_past() {
        let w = Window::parse("2h", "1h", NOW).unwrap();
        assert_eq!(w.fraction(datetime!(2026-12-03 08:30:00 UTC)), 0.5);
        let e = Window::parse("1h", "2h", NOW).unwrap_err();
        assert!(e.contains("is not before --to"), "{e}");
        assert!(Window::parse("now", "now", NOW).is_err());
        let e = Window::parse("2026-12-04T00:00:00Z", "2026-12-05T00:00:00Z", NOW).unwrap_err();
        assert!(e.contains("in the future"), "{e}");
        let e = Window::parse("x", "now", NOW).unwrap_err();
        assert!(e.starts_with("--from \"x\""), "{e}");
    }
}
