//! The AWS region codes an EventBridge destination may name.
//!
//! Genesys validates `awsAccountRegion` against the regions where EventBridge partner event sources
//! exist; we check the same list offline so a typo is caught before any request is made.

/// AWS commercial and GovCloud region codes, as accepted by the integration's `awsAccountRegion`.
pub const AWS_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-east-1",
    "sa-east-1",
    "me-south-1",
    "me-central-1",
    "af-south-1",
    "il-central-1",
    "mx-central-1",
    "us-gov-west-1",
    "us-gov-east-1",
];

/// Whether `code` is a known AWS region code.
pub fn is_known_aws_region(code: &str) -> bool {
    AWS_REGIONS.contains(&code)
}

/// Checks an AWS region code and explains the fix when it is wrong.
pub fn check_aws_region(code: &str) -> Result<(), String> {
    if is_known_aws_region(code) {
        return Ok(());
    }
    let lowered = code.trim().to_ascii_lowercase().replace('_', "-");
    if is_known_aws_region(&lowered) {
        return Err(format!(
            "\"{code}\" is not an AWS region code; write it as \"{lowered}\""
        ));
    }
    let closest = crate::suggest::closest(code, AWS_REGIONS.iter().copied(), 3);
    let mut msg = format!("\"{code}\" is not a known AWS region code (like \"us-east-1\")");
    if !closest.is_empty() {
        msg.push_str(&format!(
            "; did you mean {}?",
            crate::suggest::quoted_list(&closest)
        ));
    }
    Err(msg)
}

/// Checks an AWS account id: exactly 12 digits.
pub fn check_aws_account_id(id: &str) -> Result<(), String> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "\"{id}\" is not an AWS account id: it must be exactly 12 digits (keep leading zeros, and quote it in TOML)"
        ))
    }
}

/// Checks an event source suffix: 1 to 64 of letters, digits, `.`, `-`, `_`.
pub fn check_event_source_suffix(suffix: &str) -> Result<(), String> {
    if suffix.is_empty() || suffix.len() > 64 {
        return Err(format!(
            "\"{suffix}\" must be 1 to 64 characters long (it has {})",
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
    fn regions_are_checked_with_suggestions() {
        assert!(check_aws_region("eu-west-1").is_ok());
        let err = check_aws_region("eu-wset-1").unwrap_err();
        assert!(err.contains("eu-west-1"), "{err}");
        let err = check_aws_region("US_EAST_1").unwrap_err();
        assert!(err.contains("\"us-east-1\""), "{err}");
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(check_aws_account_id("012345678901").is_ok());
        assert!(check_aws_account_id("12345678901").is_err());
        assert!(check_aws_account_id("12345678901a").is_err());
    }

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
