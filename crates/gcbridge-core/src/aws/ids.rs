//! The AWS account and region ids a destination names.
//!
//! Genesys publishes no list of the regions `awsAccountRegion` takes and points to AWS's, which
//! grows. So any well-formed code is accepted (the API decides), one outside the bundled list
//! (`data/aws-regions.txt`) with a warning, and a malformed one is refused with a suggestion
//! before any request is made.

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

/// The direction words of AWS region codes (`us-east-1`, `cn-northwest-1`, `mx-central-1`).
const DIRECTIONS: [&str; 9] = [
    "north",
    "south",
    "east",
    "west",
    "central",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
];

/// Whether `code` has the shape of an AWS region code: one or two lowercase prefixes of 2 to 4
/// letters (`ap`, `us-gov`, `eu-isoe`, `eusc-de`), a direction, a number (`ap-southeast-5`,
/// `us-gov-east-1`, `eusc-de-east-1`).
pub fn is_well_formed_aws_region(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    let [prefix @ .., direction, number] = parts.as_slice() else {
        return false;
    };
    (1..=2).contains(&prefix.len())
        && prefix
            .iter()
            .all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()))
        && DIRECTIONS.contains(direction)
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && !number.starts_with('0')
}

/// Why a region code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsRegionError {
    /// A region code in the wrong case or with `_` for `-`: `fixed` is the code meant.
    #[error("\"{code}\" is not an AWS region code; write it as \"{fixed}\"")]
    WrongCase { code: String, fixed: String },
    /// Not the shape of a region code; `suggestions` are the closest known codes (maybe none).
    #[error(
        "\"{code}\" is not an AWS region code (like \"us-east-1\"){}",
        did_you_mean(suggestions)
    )]
    NotACode {
        code: String,
        suggestions: Vec<String>,
    },
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let items: Vec<&str> = suggestions.iter().map(String::as_str).collect();
    format!("; did you mean {}?", crate::suggest::quoted_list(&items))
}

/// Checks an AWS region code: a known or well-formed one is accepted (see
/// [`aws_region_warning`] for the second), a malformed one is explained with the fix.
pub fn check_aws_region(code: &str) -> Result<(), AwsRegionError> {
    if is_known_aws_region(code) || is_well_formed_aws_region(code) {
        return Ok(());
    }
    let lowered = code.trim().to_ascii_lowercase().replace('_', "-");
    if is_known_aws_region(&lowered) || is_well_formed_aws_region(&lowered) {
        return Err(AwsRegionError::WrongCase {
            code: code.to_string(),
            fixed: lowered,
        });
    }
    let closest = crate::suggest::closest(code, aws_regions().iter().copied(), 3);
    Err(AwsRegionError::NotACode {
        code: code.to_string(),
        suggestions: closest.into_iter().map(String::from).collect(),
    })
}

/// The warning for a well-formed region code outside the bundled list (a region newer than this
/// build, or a typo that looks like a region): it is used as given and Genesys decides.
pub fn aws_region_warning(code: &str) -> Option<String> {
    if is_known_aws_region(code) || !is_well_formed_aws_region(code) {
        return None;
    }
    let closest = crate::suggest::closest(code, aws_regions().iter().copied(), 1);
    let hint = match closest.first() {
        Some(c) => format!(" (did you mean \"{c}\"?)"),
        None => String::new(),
    };
    Some(format!(
        "AWS region \"{code}\" is not in gcbridge's list of AWS regions{hint}; it is well-formed, \
         so it is used as given and Genesys Cloud decides whether it serves it"
    ))
}

/// Why an account id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountIdError {
    #[error("\"{id}\" is not an AWS account id: it must be exactly 12 digits (keep leading zeros, and quote it in TOML)")]
    NotTwelveDigits { id: String },
}

/// Checks an AWS account id: exactly 12 digits.
pub fn check_aws_account_id(id: &str) -> Result<(), AccountIdError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(AccountIdError::NotTwelveDigits { id: id.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_checked_with_suggestions() {
        assert!(check_aws_region("eu-west-1").is_ok());
        let err = check_aws_region("eu-wset-1").unwrap_err().to_string();
        assert!(err.contains("eu-west-1"), "{err}");
        let err = check_aws_region("US_EAST_1").unwrap_err().to_string();
        assert!(err.contains("\"us-east-1\""), "{err}");
    }

    #[test]
    fn well_formed_codes_outside_the_list_are_a_warning() {
        for code in [
            "ap-southeast-5",
            "ap-east-2",
            "mx-central-1",
            "us-gov-east-1",
            "eusc-de-east-1",
            "us-isob-west-1",
            "ca-west-12",
        ] {
            assert!(check_aws_region(code).is_ok(), "{code}");
        }
        assert_eq!(aws_region_warning("us-east-1"), None);
        let w = aws_region_warning("ap-southeast-9").unwrap();
        assert!(w.contains("not in gcbridge's list"), "{w}");
        for bad in [
            "us-est-1",
            "useast1",
            "us-east",
            "us-east-01",
            "mypurecloud.com",
            "u-east-1",
        ] {
            assert!(check_aws_region(bad).is_err(), "{bad}");
            assert_eq!(aws_region_warning(bad), None, "{bad}");
        }
        let err = check_aws_region("AP_SOUTHEAST_5").unwrap_err().to_string();
        assert!(err.contains("\"ap-southeast-5\""), "{err}");
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(check_aws_account_id("012345678901").is_ok());
        assert!(check_aws_account_id("12345678901").is_err());
        assert!(check_aws_account_id("12345678901a").is_err());
    }

    #[test]
    fn region_errors_carry_the_fix() {
        assert_eq!(
            check_aws_region("US_EAST_1"),
            Err(AwsRegionError::WrongCase {
                code: "US_EAST_1".into(),
                fixed: "us-east-1".into()
            })
        );
        match check_aws_region("eu-wset-1") {
            Err(AwsRegionError::NotACode { code, suggestions }) => {
                assert_eq!(code, "eu-wset-1");
                assert!(
                    suggestions.iter().any(|s| s == "eu-west-1"),
                    "{suggestions:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        match check_aws_region("mypurecloud.com") {
            Err(AwsRegionError::NotACode { suggestions, .. }) => assert!(suggestions.is_empty()),
            other => panic!("{other:?}"),
        }
        let e = check_aws_region("mypurecloud.com").unwrap_err().to_string();
        assert_eq!(
            e,
            "\"mypurecloud.com\" is not an AWS region code (like \"us-east-1\")"
        );
    }

    #[test]
    fn account_id_errors_name_the_id() {
        assert_eq!(
            check_aws_account_id("1234"),
            Err(AccountIdError::NotTwelveDigits { id: "1234".into() })
        );
    }
}
