//! The rules an `amazon-eventbridge-source` configuration must satisfy (account id,
//! region, suffix, topic filter), each failing with a 400 that names the property and
//! says what is allowed, plus the completeness check the lifecycle runs on enable.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use crate::backend::catalogue::catalogue;
use crate::errors::ApiError;

pub const AWS_ACCOUNT_ID: &str = "awsAccountId";
pub const AWS_ACCOUNT_REGION: &str = "awsAccountRegion";
pub const EVENT_SOURCE_SUFFIX: &str = "eventSourceSuffix";
pub const EVENT_FILTER: &str = "eventFilter";

/// The four properties, in the order they are checked and reported.
pub const EVENTBRIDGE_PROPERTIES: [&str; 4] = [
    AWS_ACCOUNT_ID,
    AWS_ACCOUNT_REGION,
    EVENT_SOURCE_SUFFIX,
    EVENT_FILTER,
];

pub const SUFFIX_MAX_LEN: usize = 64;

/// Known AWS region codes, from the workspace's one list (gcbridge-core reads the same
/// file). Only examples: any well-formed code is accepted ([`is_region_code`]), since
/// Genesys publishes no list of its own and AWS adds regions.
pub static AWS_REGIONS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../../../../data/aws-regions.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// The shape of an AWS region code, as a JSON-schema pattern; [`is_region_code`] checks it.
pub const REGION_PATTERN: &str = "^[a-z]{2,4}(-[a-z]{2,12}){1,3}-[1-9][0-9]?$";

/// Whether `s` is shaped like an AWS region code: a group of 2 to 4 lowercase letters (the
/// partition or area: `us`, `ap`, `eusc`), 1 to 3 more groups of 2 to 12 lowercase letters
/// (`gov`, `isob`, `de`, `southeast`), and a number from 1 to 99 without a leading zero, all
/// joined by single hyphens: `us-east-1`, `ap-southeast-5`, `us-gov-west-1`,
/// `us-isob-east-1`, `eusc-de-east-1`; not `us-east-1a` (a zone), `US-EAST-1`, `us-east`.
pub fn is_region_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let letters = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase())
    };
    let Some((number, words)) = parts.split_last() else {
        return false;
    };
    let number_ok = (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && !number.starts_with('0');
    number_ok
        && (2..=4).contains(&words.len())
        && letters(words[0], 2, 4)
        && words[1..].iter().all(|w| letters(w, 2, 12))
}

/// Another EventBridge integration of the same org, for the suffix uniqueness rule.
#[derive(Debug, Clone, Copy)]
pub struct OtherSource<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub properties: &'a Map<String, Value>,
}

fn bad(property: &str, message: String) -> ApiError {
    ApiError::bad_request(message).with_param("property", property)
}

/// Validates a complete EventBridge `properties` object, as a PUT of the config does.
pub fn validate_eventbridge(
    props: &Map<String, Value>,
    others: &[OtherSource<'_>],
) -> Result<(), ApiError> {
    let unknown: Vec<&str> = props
        .keys()
        .map(String::as_str)
        .filter(|k| !EVENTBRIDGE_PROPERTIES.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(bad(
            &unknown.join(", "),
            format!(
                "Unknown properties for amazon-eventbridge-source: {}. Allowed properties: {}.",
                unknown.join(", "),
                EVENTBRIDGE_PROPERTIES.join(", ")
            ),
        ));
    }
    if let Some(missing) = first_missing(props) {
        return Err(bad(
            missing,
            format!(
                "The property {missing} is required. Required properties: {}.",
                EVENTBRIDGE_PROPERTIES.join(", ")
            ),
        ));
    }
    let account = check_account_id(&props[AWS_ACCOUNT_ID])?;
    check_region(&props[AWS_ACCOUNT_REGION])?;
    let suffix = check_suffix(&props[EVENT_SOURCE_SUFFIX])?;
    check_suffix_unique(account, suffix, others)?;
    check_event_filter(&props[EVENT_FILTER])?;
    Ok(())
}

/// The first required property that is absent or null.
pub fn first_missing(props: &Map<String, Value>) -> Option<&'static str> {
    EVENTBRIDGE_PROPERTIES
        .into_iter()
        .find(|p| props.get(*p).is_none_or(Value::is_null))
}

/// Ok when the properties are enough to activate; otherwise the reason an enabled
/// integration reports in its ERROR detail.
pub fn completeness(props: &Map<String, Value>) -> Result<(), String> {
    match first_missing(props) {
        Some(p) => Err(format!(
            "Integration configuration is incomplete: {p} is required"
        )),
        None => Ok(()),
    }
}

fn check_account_id(v: &Value) -> Result<&str, ApiError> {
    match v.as_str() {
        Some(s) if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(s),
        _ => Err(bad(
            AWS_ACCOUNT_ID,
            format!("The property awsAccountId must be a string of exactly 12 digits; got {v}."),
        )),
    }
}

fn check_region(v: &Value) -> Result<(), ApiError> {
    match v.as_str() {
        Some(s) if is_region_code(s) => Ok(()),
        _ => Err(bad(
            AWS_ACCOUNT_REGION,
            format!(
                "The property awsAccountRegion must be an AWS region code such as us-east-1 or ap-southeast-5 (lowercase words joined by hyphens, ending in a number); got {v}."
            ),
        )),
    }
}

fn check_suffix(v: &Value) -> Result<&str, ApiError> {
    let ok = |s: &str| {
        (1..=SUFFIX_MAX_LEN).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    };
    match v.as_str() {
        Some(s) if ok(s) => Ok(s),
        _ => Err(bad(
            EVENT_SOURCE_SUFFIX,
            format!(
                "The property eventSourceSuffix must be 1 to {SUFFIX_MAX_LEN} characters of letters, digits, '.', '_' and '-'; got {v}."
            ),
        )),
    }
}

fn check_suffix_unique(
    account: &str,
    suffix: &str,
    others: &[OtherSource<'_>],
) -> Result<(), ApiError> {
    let clash = others.iter().find(|o| {
        o.properties.get(AWS_ACCOUNT_ID).and_then(Value::as_str) == Some(account)
            && o.properties
                .get(EVENT_SOURCE_SUFFIX)
                .and_then(Value::as_str)
                == Some(suffix)
    });
    match clash {
        None => Ok(()),
        Some(o) => Err(bad(
            EVENT_SOURCE_SUFFIX,
            format!(
                "The property eventSourceSuffix must be unique per AWS account: '{suffix}' is already used for AWS account {account} by integration '{}' ({}).",
                o.name, o.id
            ),
        )
        .with_param("integrationId", o.id)),
    }
}

fn check_event_filter(v: &Value) -> Result<(), ApiError> {
    let rule = "The property eventFilter must be a non-empty array of topic names that support the EventBridge transport";
    let Some(items) = v.as_array().filter(|a| !a.is_empty()) else {
        return Err(bad(EVENT_FILTER, format!("{rule}; got {v}.")));
    };
    for item in items {
        let Some(topic) = item.as_str() else {
            return Err(bad(
                EVENT_FILTER,
                format!("{rule}; {item} is not a string."),
            ));
        };
        match catalogue().get(topic) {
            Some(t) if t.supports_eventbridge() => {}
            Some(_) => {
                return Err(bad(
                    EVENT_FILTER,
                    format!("{rule}; the topic {topic} is not available on the EventBridge transport."),
                )
                .with_param("topic", topic))
            }
            None => {
                return Err(bad(
                    EVENT_FILTER,
                    format!("{rule}; the topic {topic} is not a known topic (see /api/v2/notifications/availabletopics)."),
                )
                .with_param("topic", topic))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn regions_come_from_the_data_file_without_its_comments() {
        assert_eq!(AWS_REGIONS.first(), Some(&"us-east-1"));
        assert!(AWS_REGIONS.contains(&"us-gov-east-1"));
        assert!(AWS_REGIONS
            .iter()
            .all(|r| !r.is_empty() && !r.contains(['#', ' '])));
    }

    #[test]
    fn region_codes_by_shape_not_by_list() {
        for ok in AWS_REGIONS.iter().copied().chain([
            "ap-southeast-5",
            "ap-east-2",
            "mx-central-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "eusc-de-east-1",
            "eu-west-12",
        ]) {
            assert!(is_region_code(ok), "{ok}");
        }
        for bad in [
            "",
            "us",
            "us-east",
            "us-east-1a",
            "US-EAST-1",
            "us-east-01",
            "us-east-0",
            "us--east-1",
            "-us-east-1",
            "us-east-1-",
            "useast1",
            "us-east-100",
            "u-east-1",
            "a-b-c-d-e-1",
            "us-e-1",
            "us_east_1",
            "us-east-1 ",
        ] {
            assert!(!is_region_code(bad), "{bad}");
        }
    }

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn good() -> Map<String, Value> {
        props(json!({
            "awsAccountId": "123456789012",
            "awsAccountRegion": "us-east-1",
            "eventSourceSuffix": "prod-events",
            "eventFilter": ["v2.detail.events.conversation.{id}.customer.start"]
        }))
    }

    fn err_with(mut p: Map<String, Value>, key: &str, v: Value) -> ApiError {
        p.insert(key.into(), v);
        validate_eventbridge(&p, &[]).unwrap_err()
    }

    #[test]
    fn accepts_good_config() {
        validate_eventbridge(&good(), &[]).unwrap();
        assert!(completeness(&good()).is_ok());
    }

    #[test]
    fn each_rule_names_its_property() {
        for (key, value) in [
            (AWS_ACCOUNT_ID, json!("12345")),
            (AWS_ACCOUNT_ID, json!(123456789012u64)),
            (AWS_ACCOUNT_REGION, json!("us-east-1a")),
            (AWS_ACCOUNT_REGION, json!(1)),
            (EVENT_SOURCE_SUFFIX, json!("")),
            (EVENT_SOURCE_SUFFIX, json!("a/b")),
            (EVENT_SOURCE_SUFFIX, json!("x".repeat(65))),
            (EVENT_FILTER, json!([])),
            (EVENT_FILTER, json!("v2.foo")),
            (EVENT_FILTER, json!([1])),
            (EVENT_FILTER, json!(["v2.no.such.topic"])),
            (EVENT_FILTER, json!(["v2.system.socket_closing"])),
        ] {
            let e = err_with(good(), key, value.clone());
            assert_eq!(e.status.as_u16(), 400, "{key} {value}");
            assert_eq!(e.code, "bad.request");
            assert!(e.message.contains(key), "{} should name {key}", e.message);
        }
        let e = err_with(good(), EVENT_FILTER, json!(["v2.no.such.topic"]));
        assert!(e.message.contains("v2.no.such.topic"));
    }

    #[test]
    fn missing_and_unknown_properties() {
        let mut p = good();
        p.remove(EVENT_SOURCE_SUFFIX);
        let e = validate_eventbridge(&p, &[]).unwrap_err();
        assert!(e.message.contains(EVENT_SOURCE_SUFFIX));
        assert_eq!(
            completeness(&p).unwrap_err(),
            "Integration configuration is incomplete: eventSourceSuffix is required"
        );
        let e = err_with(good(), "bogus", json!(1));
        assert!(e.message.contains("bogus"));
    }

    #[test]
    fn suffix_unique_per_account() {
        let other = good();
        let others = [OtherSource {
            id: "abc",
            name: "first",
            properties: &other,
        }];
        let e = validate_eventbridge(&good(), &others).unwrap_err();
        assert!(e.message.contains("'first'"));
        let mut p = good();
        p.insert(AWS_ACCOUNT_ID.into(), json!("999999999999"));
        validate_eventbridge(&p, &others).unwrap();
    }
}
