//! Genesys Cloud regions: the one place that knows which AWS-style region code maps to which
//! Genesys domain, and how a user may spell a region on the command line or in a config file.

use std::fmt;

use url::Url;

/// A Genesys Cloud region (an AWS-style code and the Genesys domain that serves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    code: &'static str,
    domain: &'static str,
}

const fn region(code: &'static str, domain: &'static str) -> Region {
    Region { code, domain }
}

static REGIONS: [Region; 18] = [
    region("us-east-1", "mypurecloud.com"),
    region("us-west-2", "usw2.pure.cloud"),
    region("eu-west-1", "mypurecloud.ie"),
    region("eu-central-1", "mypurecloud.de"),
    region("eu-west-2", "euw2.pure.cloud"),
    region("ca-central-1", "cac1.pure.cloud"),
    region("ap-south-1", "aps1.pure.cloud"),
    region("ap-northeast-2", "apne2.pure.cloud"),
    region("ap-southeast-2", "mypurecloud.com.au"),
    region("ap-northeast-1", "mypurecloud.jp"),
    region("sa-east-1", "sae1.pure.cloud"),
    region("me-central-1", "mec1.pure.cloud"),
    region("ap-northeast-3", "apne3.pure.cloud"),
    region("eu-central-2", "euc2.pure.cloud"),
    region("mx-central-1", "mxc1.pure.cloud"),
    region("ap-southeast-1", "apse1.pure.cloud"),
    // FedRAMP.
    region("us-east-2", "use2.us-gov-pure.cloud"),
    // EU sovereign cloud, since SDK 269 (`eusc_de_east_1` in the SDKs' region enums).
    region("eusc-de-east-1", "edee1.eusc-pure.cloud"),
];

impl Region {
    /// Parses any of the forms users meet in Genesys documentation and SDKs: an AWS-style code
    /// (`us-east-1`), an SDK name (`us_east_1`, any case), a Genesys domain (`mypurecloud.com`,
    /// also with an `api.` or `login.` prefix) or a full API base URL (`https://api.mypurecloud.ie`).
    pub fn parse(s: &str) -> Result<Region, RegionError> {
        let input = s.trim();
        let lowered = input.to_ascii_lowercase();
        let mut candidate = lowered.as_str();
        let host_owned;
        if candidate.contains("://") {
            let url = Url::parse(candidate).map_err(|_| RegionError::new(input))?;
            host_owned = url.host_str().unwrap_or_default().to_string();
            candidate = host_owned.as_str();
        }
        let candidate = candidate.trim_end_matches(['/', '.']);
        let bare = candidate
            .strip_prefix("api.")
            .or_else(|| candidate.strip_prefix("login."))
            .unwrap_or(candidate);
        if let Some(r) = REGIONS.iter().find(|r| r.domain == bare) {
            return Ok(*r);
        }
        let code = candidate.replace('_', "-");
        if let Some(r) = REGIONS.iter().find(|r| r.code == code) {
            return Ok(*r);
        }
        Err(RegionError::new(input))
    }

    /// Every region Genesys Cloud runs in.
    pub fn all() -> &'static [Region] {
        &REGIONS
    }

    /// The AWS-style code, e.g. `us-east-1`.
    pub fn code(&self) -> &str {
        self.code
    }

    /// The Genesys domain, e.g. `mypurecloud.com`.
    pub fn domain(&self) -> &str {
        self.domain
    }

    /// `https://api.{domain}`.
    pub fn api_base(&self) -> Url {
        Url::parse(&format!("https://api.{}", self.domain))
            .expect("static region domains are valid")
    }

    /// `https://login.{domain}`.
    pub fn login_base(&self) -> Url {
        Url::parse(&format!("https://login.{}", self.domain))
            .expect("static region domains are valid")
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code, self.domain)
    }
}

impl std::str::FromStr for Region {
    type Err = RegionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::parse(s)
    }
}

/// A region string that matches no known Genesys Cloud region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionError {
    input: String,
    closest: Vec<Region>,
}

impl RegionError {
    fn new(input: &str) -> RegionError {
        RegionError {
            input: input.to_string(),
            closest: closest_regions(input, 3),
        }
    }

    /// What the user typed.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The known regions that look most like the input, best first.
    pub fn closest(&self) -> &[Region] {
        &self.closest
    }
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown Genesys Cloud region '{}'; give an AWS-style code (us-east-1), an SDK name \
             (us_east_1), a Genesys domain (mypurecloud.com, api.usw2.pure.cloud) or an API base \
             URL (https://api.mypurecloud.ie)",
            self.input
        )?;
        if !self.closest.is_empty() {
            let names: Vec<String> = self.closest.iter().map(|r| r.to_string()).collect();
            write!(f, "; closest known regions: {}", names.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for RegionError {}

/// Ranks regions by edit distance to either their code or their domain, so that both
/// `us-est-1` and `mypurecloud.co` find a sensible suggestion.
fn closest_regions(input: &str, n: usize) -> Vec<Region> {
    let needle = input.to_ascii_lowercase().replace('_', "-");
    let needle = needle
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("api.")
        .trim_start_matches("login.")
        .trim_end_matches('/');
    let mut scored: Vec<(usize, Region)> = REGIONS
        .iter()
        .map(|r| {
            (
                levenshtein(needle, r.code).min(levenshtein(needle, r.domain)),
                *r,
            )
        })
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    scored.into_iter().take(n).map(|(_, r)| r).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_regions_with_unique_codes_and_domains() {
        let all = Region::all();
        assert_eq!(all.len(), 18);
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.code(), b.code());
                assert_ne!(a.domain(), b.domain());
            }
        }
    }

    #[test]
    fn every_region_parses_from_every_form() {
        for r in Region::all() {
            let sdk = r.code().replace('-', "_");
            let forms = [
                r.code().to_string(),
                r.code().to_ascii_uppercase(),
                sdk.clone(),
                sdk.to_ascii_uppercase(),
                r.domain().to_string(),
                format!("api.{}", r.domain()),
                format!("login.{}", r.domain()),
                format!("https://api.{}", r.domain()),
                format!("https://api.{}/", r.domain()),
                format!("https://login.{}/", r.domain()),
                format!("  {}  ", r.code()),
            ];
            for f in forms {
                assert_eq!(Region::parse(&f).as_ref(), Ok(r), "form {f:?}");
            }
        }
    }

    #[test]
    fn known_mappings() {
        let r = Region::parse("eu-west-1").unwrap();
        assert_eq!(r.domain(), "mypurecloud.ie");
        assert_eq!(r.api_base().as_str(), "https://api.mypurecloud.ie/");
        assert_eq!(r.login_base().as_str(), "https://login.mypurecloud.ie/");
        // (as written, region code, domain)
        for (input, code, domain) in [
            ("https://api.mypurecloud.ie", "eu-west-1", "mypurecloud.ie"),
            ("usw2.pure.cloud", "us-west-2", "usw2.pure.cloud"),
            ("US_EAST_2", "us-east-2", "use2.us-gov-pure.cloud"),
            ("mypurecloud.com.au", "ap-southeast-2", "mypurecloud.com.au"),
        ] {
            let r = Region::parse(input).unwrap();
            assert_eq!((r.code(), r.domain()), (code, domain), "{input}");
        }
    }

    #[test]
    fn unknown_region_lists_forms_and_closest() {
        let err = Region::parse("us-est-1").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("'us-est-1'"), "{msg}");
        assert!(msg.contains("us_east_1"), "{msg}");
        assert!(msg.contains("https://api.mypurecloud.ie"), "{msg}");
        assert_eq!(err.closest()[0].code(), "us-east-1");
        assert!(msg.contains("closest known regions: us-east-1 (mypurecloud.com)"));

        let err = Region::parse("mypurecloud.co").unwrap_err();
        assert_eq!(err.closest()[0].code(), "us-east-1");
        assert!(Region::parse("").is_err());
        assert!(Region::parse("https://example.com").is_err());
        assert!(Region::parse("pure.cloud").is_err());
    }
}
