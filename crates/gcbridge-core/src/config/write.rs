//! Writing a desired state as a gcbridge.toml that `load_str` reads back to the same state.
//!
//! The document is serialized by the `toml` crate from structs mirroring the file's shape
//! (`raw.rs` is the reading side), so quoting, escaping and multi-line strings are the library's
//! job. Comments are not TOML data, so they are placed between the serialized org blocks.

use serde::Serialize;

use super::load::DEFAULT_ORG_NAME;
use crate::desired::{
    ArchiveSpec, AwsSpec, ConnectionSpec, DesiredState, DestinationSpec, OrgSpec, RetrySpec,
    TargetSettings, TargetSpec,
};

/// A desired state could not be serialized.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the config file: {0}")]
pub struct WriteError(#[from] toml::ser::Error);

/// Free-text comments to put in the file: a header, and one per org (in the state's order).
#[derive(Debug, Clone, Default)]
pub struct Comments {
    pub header: String,
    pub orgs: Vec<String>,
}

#[derive(Serialize)]
struct SingleOrgFile<'a> {
    genesys: &'a ConnectionSpec,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    destination: Vec<Destination<'a>>,
}

#[derive(Serialize)]
struct OneOfManyOrgs<'a> {
    org: [Org<'a>; 1],
}

#[derive(Serialize)]
struct Org<'a> {
    name: &'a str,
    #[serde(flatten)]
    connection: &'a ConnectionSpec,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    destination: Vec<Destination<'a>>,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct Destination<'a> {
    name: &'a str,
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
    aws_account_id: &'a str,
    aws_region: &'a str,
    event_source_suffix: &'a str,
    /// Every selector: families and globs are valid here too, and the loader merges both lists.
    topics: Vec<&'a str>,
    aws: Option<Aws<'a>>,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct Aws<'a> {
    /// Always written: `associate = false` keeps an empty `[destination.aws]` meaningful.
    associate: bool,
    archive: Option<ArchiveSpec>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rule: Vec<Rule<'a>>,
}

#[serde_with::skip_serializing_none]
#[derive(Serialize)]
struct Rule<'a> {
    name: &'a str,
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
    /// The canonical JSON text, which the loader accepts as well as a TOML table.
    event_pattern: &'a str,
    targets: Vec<Target<'a>>,
    retry: Option<RetrySpec>,
    expect: Option<Expect<'a>>,
}

/// A rule's expectations; a list is left out when empty (the loader's default).
#[derive(Serialize)]
struct Expect<'a> {
    #[serde(skip_serializing_if = "no_topics")]
    matches: &'a [String],
    #[serde(skip_serializing_if = "no_topics")]
    ignores: &'a [String],
}

/// The short form when a target has no settings of its own.
#[derive(Serialize)]
#[serde(untagged)]
enum Target<'a> {
    Arn(&'a str),
    Table {
        arn: &'a str,
        #[serde(flatten)]
        settings: &'a TargetSettings,
    },
}

fn target(t: &TargetSpec) -> Target<'_> {
    let s = &t.settings;
    if *s == TargetSettings::default() {
        return Target::Arn(&t.arn);
    }
    Target::Table {
        arn: &t.arn,
        settings: s,
    }
}

fn no_topics(topics: &&[String]) -> bool {
    topics.is_empty()
}

fn is_true(b: &bool) -> bool {
    *b
}

fn aws(a: &AwsSpec) -> Aws<'_> {
    Aws {
        associate: a.associate,
        archive: a.archive,
        rule: a
            .rules
            .iter()
            .map(|r| Rule {
                name: &r.name,
                description: r.description.as_deref(),
                enabled: r.enabled,
                event_pattern: &r.event_pattern,
                targets: r.targets.iter().map(target).collect(),
                retry: r.retry,
                expect: (!r.expect.is_empty()).then_some(Expect {
                    matches: &r.expect.matches,
                    ignores: &r.expect.ignores,
                }),
            })
            .collect(),
    }
}

fn destination(d: &DestinationSpec) -> Destination<'_> {
    Destination {
        name: &d.name,
        description: d.description.as_deref(),
        enabled: d.enabled,
        aws_account_id: &d.aws_account_id,
        aws_region: &d.aws_region,
        event_source_suffix: &d.event_source_suffix,
        topics: d.selectors.iter().map(|(s, _, _)| s.as_str()).collect(),
        aws: d.aws.as_ref().map(aws),
    }
}

/// The single-org form (`[genesys]`, `[[destination]]`) when the state is one org named
/// "default", as `load_str` reads it; `[[org]]` tables otherwise.
pub fn is_single_org(state: &DesiredState) -> bool {
    matches!(state.orgs.as_slice(), [only] if only.name == DEFAULT_ORG_NAME)
}

/// The state as config text.
pub fn write(state: &DesiredState) -> Result<String, WriteError> {
    write_commented(state, &Comments::default())
}

/// The state as config text, with `comments` as `#` lines.
pub fn write_commented(state: &DesiredState, comments: &Comments) -> Result<String, WriteError> {
    let mut out = comment(&comments.header);
    let single = is_single_org(state);
    for (i, org) in state.orgs.iter().enumerate() {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&comment(comments.orgs.get(i).map_or("", String::as_str)));
        out.push_str(&org_block(org, single)?);
    }
    Ok(out)
}

fn org_block(org: &OrgSpec, single: bool) -> Result<String, WriteError> {
    let destinations = org.destinations.iter().map(destination).collect();
    let text = if single {
        toml::to_string_pretty(&SingleOrgFile {
            genesys: &org.connection,
            destination: destinations,
        })?
    } else {
        toml::to_string_pretty(&OneOfManyOrgs {
            org: [Org {
                name: &org.name,
                connection: &org.connection,
                destination: destinations,
            }],
        })?
    };
    Ok(text)
}

/// Every line of `text` as a comment, so a newline in an org name cannot end the comment early.
fn comment(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    text.lines().map(|l| format!("# {l}\n")).collect()
}
