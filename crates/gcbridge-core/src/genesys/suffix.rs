//! The event source suffix rule: the part of the partner event source name a destination chooses.
//! It belongs to the Genesys half: the integration's `eventSourceSuffix` property.

/// The longest suffix the integration accepts.
pub const SUFFIX_MAX_LEN: usize = 64;

/// Why a suffix was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuffixError {
    /// Empty or longer than [`SUFFIX_MAX_LEN`]; `chars` is its length in characters.
    #[error("\"{suffix}\" must be 1 to {max} characters long (it has {chars})", max = SUFFIX_MAX_LEN)]
    Length { suffix: String, chars: usize },
    /// `bad` is the first character outside letters, digits, `.`, `-` and `_`.
    #[error("\"{suffix}\" contains {bad:?}; only letters, digits, '.', '-' and '_' are allowed")]
    BadChar { suffix: String, bad: char },
}

/// Checks an event source suffix: 1 to 64 of letters, digits, `.`, `-`, `_`.
pub fn check_event_source_suffix(suffix: &str) -> Result<(), SuffixError> {
    if suffix.is_empty() || suffix.len() > SUFFIX_MAX_LEN {
        return Err(SuffixError::Length {
            suffix: suffix.to_string(),
            chars: suffix.chars().count(),
        });
    }
    if let Some(bad) = suffix
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Err(SuffixError::BadChar {
            suffix: suffix.to_string(),
            bad,
        });
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
            .to_string()
            .contains("' '"));
    }

    #[test]
    fn suffix_errors_carry_what_is_wrong() {
        assert_eq!(
            check_event_source_suffix(""),
            Err(SuffixError::Length {
                suffix: String::new(),
                chars: 0
            })
        );
        assert!(matches!(
            check_event_source_suffix(&"a".repeat(65)),
            Err(SuffixError::Length { chars: 65, .. })
        ));
        assert!(matches!(
            check_event_source_suffix("has space"),
            Err(SuffixError::BadChar { bad: ' ', .. })
        ));
        assert_eq!(
            check_event_source_suffix("a/b").unwrap_err().to_string(),
            "\"a/b\" contains '/'; only letters, digits, '.', '-' and '_' are allowed"
        );
    }
}
