//! The event source suffix rule: the part of the partner event source name a destination chooses.
//! It belongs to the Genesys half: the integration's `eventSourceSuffix` property.

/// The longest suffix the integration accepts.
pub const SUFFIX_MAX_LEN: usize = 64;

/// Checks an event source suffix: 1 to 64 of letters, digits, `.`, `-`, `_`.
pub fn check_event_source_suffix(suffix: &str) -> Result<(), String> {
    if suffix.is_empty() || suffix.len() > SUFFIX_MAX_LEN {
        return Err(format!(
            "\"{suffix}\" must be 1 to {SUFFIX_MAX_LEN} characters long (it has {})",
            suffix.chars().count()
        ));
    }
    if let Some(bad) = suffix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(format!(
            "\"{suffix}\" contains {bad:?}; only letters, digits, '.', '-' and '_' are allowed"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_follow_the_integration_rules() {
        assert!(check_event_source_suffix("prod.events-1_a").is_ok());
        assert!(check_event_source_suffix("").is_err());
        assert!(check_event_source_suffix(&"a".repeat(65)).is_err());
        assert!(check_event_source_suffix("has space")
            .unwrap_err()
            .contains("' '"));
    }
}
