//! Property tests of the input parsers: the partner ARN parser, the topic glob matcher and the
//! config loader. They never panic, on anything; what they accept round-trips; what they reject
//! points at a real place. The cargo-fuzz targets in fuzz/ drive the same functions.

use gcbridge_core::aws_regions;
use gcbridge_core::config::{load_str, Origin};
use gcbridge_core::topics::glob;
use gcbridge_core::{parse_partner_arn, ArnKind, PARTNER_PREFIX};
use proptest::prelude::*;

// ---------------------------------------------------------------- ARN

/// Strings that look like ARNs (so the parser gets past its first checks), plus anything.
fn arnish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "arn:(aws|aws-cn|x|):(events|sqs|):[a-z0-9_-]{0,14}:[0-9a-z]{0,13}:[ -~]{0,80}",
        (
            "[a-z0-9-]{0,14}",
            "[0-9]{0,13}",
            "[^/]{0,40}",
            "[ -~]{0,70}"
        )
            .prop_map(|(region, account, org, suffix)| format!(
                "arn:aws:events:{region}:{account}:event-bus/{PARTNER_PREFIX}{org}/{suffix}"
            )),
    ]
}

fn kind() -> impl Strategy<Value = (ArnKind, &'static str)> {
    prop_oneof![
        Just((ArnKind::EventBus, "event-bus/")),
        Just((ArnKind::EventSource, "event-source/")),
        Just((ArnKind::TutorialPartnerEventBus, "partner-event-bus/")),
    ]
}

proptest! {
    #[test]
    fn arn_parser_never_panics(s in arnish()) {
        let _ = parse_partner_arn(&s);
    }

    #[test]
    fn arn_built_from_valid_parts_parses_back_to_them(
        region in proptest::sample::select(aws_regions()),
        account in "[0-9]{12}",
        with_account in any::<bool>(),
        org in "[^/]{1,40}",
        suffix in "[A-Za-z0-9._-]{1,64}",
        (kind, resource) in kind(),
    ) {
        // Only a partner event source ARN may leave the account out.
        let account = if with_account || kind != ArnKind::EventSource { account } else { String::new() };
        // The partition is the region's (a GovCloud region's ARNs are arn:aws-us-gov:...).
        let partition = if region.starts_with("us-gov-") { "aws-us-gov" } else { "aws" };
        let arn = format!("arn:{partition}:events:{region}:{account}:{resource}{PARTNER_PREFIX}{org}/{suffix}");
        let p = parse_partner_arn(&arn).map_err(|e| TestCaseError::fail(format!("{arn}: {e}")))?;
        prop_assert_eq!(&p.region, region);
        prop_assert_eq!(p.account_id.as_deref(), (!account.is_empty()).then_some(account.as_str()));
        prop_assert_eq!(&p.org_id, &org);
        prop_assert_eq!(&p.suffix, &suffix);
        prop_assert_eq!(p.kind, kind);
        if kind == ArnKind::EventBus {
            prop_assert_eq!(p.event_bus_arn(), Some(arn.clone()));
        }
    }

    #[test]
    fn arn_with_a_bad_suffix_is_refused(
        region in proptest::sample::select(aws_regions()),
        suffix in "[A-Za-z0-9._-]{0,10}[^A-Za-z0-9._-][A-Za-z0-9._-]{0,10}",
    ) {
        let arn = format!("arn:aws:events:{region}:123456789012:event-bus/{PARTNER_PREFIX}o/{suffix}");
        prop_assert!(parse_partner_arn(&arn).is_err(), "{arn} was accepted");
    }
}

// ---------------------------------------------------------------- glob

/// The glob as a regex: `*` any run of characters, `?` one character, the rest literal.
fn reference(pattern: &str, text: &str) -> bool {
    let mut re = String::from("(?s)^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap().is_match(text)
}

/// Patterns and texts over a small alphabet, so matches are common.
fn small() -> impl Strategy<Value = String> {
    "[ab.{}*?é]{0,12}"
}

proptest! {
    #[test]
    fn glob_never_panics(p in any::<String>(), t in any::<String>()) {
        let _ = glob::matches(&p, &t);
        let _ = glob::is_glob(&p);
    }

    #[test]
    fn star_matches_everything(t in any::<String>(), stars in 1usize..4) {
        prop_assert!(glob::matches(&"*".repeat(stars), &t));
    }

    #[test]
    fn a_literal_matches_only_itself(p in "[^*?]{0,20}", t in "[^*?]{0,20}") {
        prop_assert!(glob::matches(&p, &p));
        prop_assert_eq!(glob::matches(&p, &t), p == t);
    }

    #[test]
    fn glob_agrees_with_a_regex(p in small(), t in "[ab.{}*?é]{0,16}") {
        prop_assert_eq!(glob::matches(&p, &t), reference(&p, &t), "pattern {:?} text {:?}", p, t);
    }

    #[test]
    fn pieces_joined_by_stars_match_text_with_anything_between(
        pieces in proptest::collection::vec("[a-z.{}]{0,5}", 1..5),
        fillers in proptest::collection::vec(any::<String>(), 0..5),
    ) {
        let pattern = pieces.join("*");
        let mut text = pieces[0].clone();
        for (i, piece) in pieces.iter().enumerate().skip(1) {
            text.push_str(fillers.get(i).map(String::as_str).unwrap_or(""));
            text.push_str(piece);
        }
        prop_assert!(glob::matches(&pattern, &text), "{:?} vs {:?}", pattern, text);
    }
}

// ---------------------------------------------------------------- config loader

const VALID: &str = r#"# gcbridge.toml
[genesys]
region = "us-east-1"
client_id_env = "PROD_GENESYS_ID"

[[destination]]
name = "prod-events"
description = "contact centre events"
enabled = true
aws_account_id = "123456789012"
aws_region = "us-east-1"
event_source_suffix = "prod-events"
topics = ["v2.users.{id}.presence", "v2.detail.events.conversation.{id}.*"]
event_types = ["routing"]

[destination.aws]
associate = true

[[destination.aws.rule]]
name = "to-queue"
event_pattern = { "detail-type" = [{ prefix = "v2.detail.events.conversation." }] }
targets = ["arn:aws:sqs:us-east-1:123456789012:genesys-events"]

[[destination]]
name = "by-arn"
event_bus_arn = "arn:aws:events:us-east-1:123456789012:event-bus/aws.partner/genesys.com/cloud/org-1/other"
event_types = ["user"]
"#;

const VALID_ORGS: &str = r#"[[org]]
name = "prod"
api_url = "http://127.0.0.1:8765"

[[org.destination]]
name = "a"
aws_account_id = "123456789012"
aws_region = "eu-west-1"
event_source_suffix = "a"
event_types = ["user", "queue"]
"#;

/// Every diagnostic points into the file: a line that exists, a column from 1.
fn check_positions(text: &str) -> Result<(), TestCaseError> {
    let last_line = text.matches('\n').count() + 1;
    if let Err(diags) = load_str(text, "gcbridge.toml") {
        prop_assert!(!diags.0.is_empty(), "an error with no diagnostic");
        for d in &diags.0 {
            match &d.origin {
                Origin::File {
                    path, line, column, ..
                } => {
                    prop_assert_eq!(path, "gcbridge.toml");
                    prop_assert!(
                        *line >= 1 && *line <= last_line,
                        "line {} outside 1..={}: {}",
                        line,
                        last_line,
                        d
                    );
                    prop_assert!(*column >= 1, "column {}: {}", column, d);
                }
                Origin::Flag => prop_assert!(false, "a file diagnostic says command line: {}", d),
            }
            prop_assert!(!d.message.is_empty());
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    DuplicateLine(usize),
    DropLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            any::<usize>(),
            prop_oneof![
                "[\\[\\]{}=\"',.#\n 0-9a-z\\\\]{1,4}".boxed(),
                any::<String>().boxed(),
                Just("\"\"".to_string()).boxed(),
                Just("[[destination]]\n".to_string()).boxed(),
            ]
        )
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DropLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<&str> = text.split('\n').collect();
    let n = lines.len();
    match m {
        Mutation::Delete { at, len } => {
            let at = at % (chars.len() + 1);
            let end = (at + len).min(chars.len());
            chars[..at].iter().chain(&chars[end..]).collect()
        }
        Mutation::Insert { at, text } => {
            let at = at % (chars.len() + 1);
            let mut out: String = chars[..at].iter().collect();
            out.push_str(text);
            out.extend(&chars[at..]);
            out
        }
        Mutation::DuplicateLine(i) => {
            let line = lines[i % n];
            lines.insert(i % n, line);
            lines.join("\n")
        }
        Mutation::DropLine(i) => {
            lines.remove(i % n);
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn loader_never_panics_and_points_into_the_file(text in any::<String>()) {
        check_positions(&text)?;
    }

    #[test]
    fn loader_survives_tomlish_noise(text in "[\\[\\]{}=\"'.,#\n a-z0-9_-]{0,200}") {
        check_positions(&text)?;
    }

    #[test]
    fn mutated_valid_configs_never_panic_and_point_into_the_file(
        orgs in any::<bool>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut text = if orgs { VALID_ORGS } else { VALID }.to_string();
        for m in &mutations {
            text = apply(&text, m);
        }
        check_positions(&text)?;
    }
}

#[test]
fn the_seed_configs_are_valid() {
    load_str(VALID, "gcbridge.toml").unwrap();
    load_str(VALID_ORGS, "gcbridge.toml").unwrap();
}
