//! The range of every duration the emulator adds to a clock reading. A value near `u64::MAX`
//! would overflow `Instant + Duration` on the first request (a panic inside a handler), so
//! start-up refuses it with the option's name and its range instead.

use std::time::Duration;

use super::SimConfig;

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// One bounded duration: its name as the flag and sim.toml spell it, and its inclusive range.
struct Bound {
    option: &'static str,
    value: Option<Duration>,
    min: Duration,
    max: Duration,
}

/// Every bounded duration of `config`, with its range.
fn bounds(config: &SimConfig) -> [Bound; 6] {
    let secs = Duration::from_secs;
    [
        Bound {
            option: "token_ttl_secs (--token-ttl-secs)",
            value: Some(config.token_ttl),
            min: secs(1),
            max: secs(30 * DAY),
        },
        Bound {
            option: "activation_delay_ms (--activation-delay-ms)",
            value: Some(config.activation_delay),
            min: Duration::ZERO,
            max: secs(HOUR),
        },
        Bound {
            option: "latency_ms (--latency-ms)",
            value: Some(config.latency),
            min: Duration::ZERO,
            max: secs(MINUTE),
        },
        Bound {
            option: "rate_limit_window",
            value: Some(config.rate_limit_window),
            min: Duration::from_millis(1),
            max: secs(DAY),
        },
        Bound {
            option: "the consistency-lag quirk",
            value: config.quirks.consistency_lag,
            min: Duration::ZERO,
            max: secs(HOUR),
        },
        Bound {
            option: "the deleted-linger quirk",
            value: config.quirks.deleted_linger,
            min: Duration::ZERO,
            max: secs(HOUR),
        },
    ]
}

/// The first duration out of its range, as a message naming the option, the range and the value.
pub(super) fn out_of_range(config: &SimConfig) -> Option<String> {
    bounds(config).into_iter().find_map(|b| {
        let v = b.value?;
        (v < b.min || v > b.max).then(|| {
            format!(
                "{} must be from {} to {}; got {}",
                b.option,
                human(b.min),
                human(b.max),
                human(v)
            )
        })
    })
}

/// A duration in the unit it reads best in.
fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if !ms.is_multiple_of(1000) || ms == 0 {
        format!("{ms} ms")
    } else {
        format!("{} s", d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_near_the_top_of_u64_is_refused_by_name() {
        let huge = Duration::from_secs(u64::MAX);
        type Set = fn(&mut SimConfig, Duration);
        let cases: [(&str, Set); 6] = [
            ("token_ttl_secs", |c, d| c.token_ttl = d),
            ("activation_delay_ms", |c, d| c.activation_delay = d),
            ("latency_ms", |c, d| c.latency = d),
            ("rate_limit_window", |c, d| c.rate_limit_window = d),
            ("consistency-lag", |c, d| c.quirks.consistency_lag = Some(d)),
            ("deleted-linger", |c, d| c.quirks.deleted_linger = Some(d)),
        ];
        for (name, set) in cases {
            let mut config = SimConfig::default();
            assert_eq!(out_of_range(&config), None, "the defaults are in range");
            set(&mut config, huge);
            let message = out_of_range(&config).expect(name);
            assert!(
                message.contains(name) && message.contains(" to "),
                "{message}"
            );
            assert!(config.validate().is_err(), "{name}");
        }
    }

    #[test]
    fn a_zero_token_lifetime_is_refused_and_the_edges_are_allowed() {
        let mut config = SimConfig {
            token_ttl: Duration::ZERO,
            ..SimConfig::default()
        };
        assert!(out_of_range(&config)
            .unwrap()
            .contains("from 1 s to 2592000 s"));
        config.token_ttl = Duration::from_secs(30 * DAY);
        config.latency = Duration::from_secs(MINUTE);
        assert_eq!(out_of_range(&config), None);
    }
}
