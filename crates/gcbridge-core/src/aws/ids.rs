//! The AWS account and region ids a destination names.
//!
//! Genesys validates `awsAccountRegion` against the regions where EventBridge partner event sources
//! exist; we check the same list offline so a typo is caught before any request is made.

use std::sync::LazyLock;

/// AWS commercial and GovCloud region codes, as accepted by the integration's `awsAccountRegion`:
/// `data/aws-regions.txt`, the one list the emulator reads too.
pub fn aws_regions() -> &'static [&'static str] {
    static REGIONS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        include_str!("../../../../data/aws-regions.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    &REGIONS
}

/// Whether `code` is a known AWS region code.
pub fn is_known_aws_region(code: &str) -> bool {
    aws_regions().contains(&code)
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
    let closest = crate::suggest::closest(code, aws_regions().iter().copied(), 3);
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
}
