//! Topic selectors: what a user writes to choose topics, and their expansion against a catalogue.
//!
//! A selector is an exact topic template (`v2.users.{id}.presence`), a family name
//! (`conversation`), or a glob (`v2.detail.events.conversation.{id}.*`). Expansion happens at plan
//! time against the live catalogue, and every selector that selects nothing is an error that
//! suggests what the user may have meant.

use std::collections::BTreeSet;
use std::fmt;

use super::catalogue::Catalogue;
use super::families::Family;
use super::glob;
use crate::suggest;

/// One parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Exact(String),
    Family(String),
    Glob(String),
}

impl Selector {
    /// Classifies `text`; only syntax is checked here.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(SelectorError {
                selector: text.to_string(),
                message: "an empty topic selector selects nothing".into(),
                help: Some("remove the empty entry".into()),
            });
        }
        if trimmed != text {
            return Err(SelectorError {
                selector: text.to_string(),
                message: "has leading or trailing spaces".into(),
                help: Some(format!("write it as \"{trimmed}\"")),
            });
        }
        if glob::is_glob(text) {
            Ok(Selector::Glob(text.to_string()))
        } else if text.contains('.') {
            Ok(Selector::Exact(text.to_string()))
        } else {
            Ok(Selector::Family(text.to_ascii_lowercase()))
        }
    }
}

/// A selector that could not be expanded, with the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError {
    pub selector: String,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "topic \"{}\": {}", self.selector, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SelectorError {}

/// Expands `selectors` to the set of topic templates they choose. All errors are collected so the
/// user can fix them in one go.
pub fn expand(
    selectors: &[String],
    catalogue: &Catalogue,
) -> Result<BTreeSet<String>, Vec<SelectorError>> {
    let families = catalogue.families();
    let mut topics = BTreeSet::new();
    let mut errors = Vec::new();
    for text in selectors {
        match Selector::parse(text).and_then(|s| expand_one(&s, text, catalogue, families)) {
            Ok(found) => topics.extend(found),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(topics)
    } else {
        Err(errors)
    }
}

fn expand_one(
    selector: &Selector,
    text: &str,
    catalogue: &Catalogue,
    families: &[Family],
) -> Result<Vec<String>, SelectorError> {
    let eventbridge_ids = || catalogue.eventbridge_topics().map(|t| t.id.as_str());
    match selector {
        Selector::Exact(id) => match catalogue.get(id) {
            Some(t) if t.eventbridge => Ok(vec![id.clone()]),
            Some(_) => Err(SelectorError {
                selector: text.into(),
                message: "exists, but Genesys does not send it to EventBridge (it is a WebSocket-only topic)".into(),
                help: Some("remove it; `gcbridge topics` lists the topics EventBridge carries".into()),
            }),
            None => {
                let closest = suggest::closest(id, eventbridge_ids(), 3);
                let help = if closest.is_empty() {
                    "`gcbridge topics --search TEXT` lists matching topics".to_string()
                } else {
                    format!("did you mean {}?", suggest::quoted_list(&closest))
                };
                let hint = if id.contains(".*") || !id.starts_with("v2.") {
                    " Topic templates start with \"v2.\" and use literal {id} placeholders."
                } else {
                    ""
                };
                Err(SelectorError {
                    selector: text.into(),
                    message: format!("is not in the topic catalogue.{hint}"),
                    help: Some(help),
                })
            }
        },
        Selector::Family(name) => match families.iter().find(|f| &f.name == name) {
            Some(f) => Ok(eventbridge_ids().filter(|id| f.contains(id)).map(String::from).collect()),
            None => {
                let names: Vec<&str> = families.iter().map(|f| f.name.as_str()).collect();
                let closest = suggest::closest(name, names.iter().copied(), 3);
                let help = if closest.is_empty() {
                    format!("families are: {}", names.join(", "))
                } else {
                    format!("did you mean {}?", suggest::quoted_list(&closest))
                };
                Err(SelectorError {
                    selector: text.into(),
                    message: "is not a topic family (a family is a word like \"conversation\"; a topic starts with \"v2.\")".into(),
                    help: Some(help),
                })
            }
        },
        Selector::Glob(pattern) => {
            let found: Vec<String> = eventbridge_ids()
                .filter(|id| glob::matches(pattern, id))
                .map(String::from)
                .collect();
            if found.is_empty() {
                let literal: String = pattern.replace(['*', '?'], "");
                let closest = suggest::closest(&literal, eventbridge_ids(), 3);
                Err(SelectorError {
                    selector: text.into(),
                    message: "matches no topic that EventBridge carries".into(),
                    help: Some(if closest.is_empty() {
                        "`gcbridge topics --search TEXT` lists matching topics".into()
                    } else {
                        format!("topics close to it: {}", suggest::quoted_list(&closest))
                    }),
                })
            } else {
                Ok(found)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn exact_family_and_glob_expand() {
        let c = Catalogue::embedded();
        let t = expand(&sel(&["v2.users.{id}.presence"]), &c).unwrap();
        assert_eq!(t.len(), 1);
        let t = expand(&sel(&["routing"]), &c).unwrap();
        assert_eq!(t.len(), 11);
        let t = expand(&sel(&["v2.detail.events.conversation.{id}.*"]), &c).unwrap();
        assert_eq!(t.len(), 16);
        // Overlaps collapse: a set, not a list.
        let t = expand(&sel(&["routing", "v2.routing.queues.{id}.users"]), &c).unwrap();
        assert_eq!(t.len(), 11);
    }

    #[test]
    fn mistakes_are_all_reported_with_suggestions() {
        let c = Catalogue::embedded();
        let errs = expand(
            &sel(&[
                "v2.users.{id}.presense",
                "conversaton",
                "v2.nothing.*",
                "v2.system.socket_closing",
            ]),
            &c,
        )
        .unwrap_err();
        assert_eq!(errs.len(), 4);
        assert!(
            errs[0].to_string().contains("v2.users.{id}.presence"),
            "{}",
            errs[0]
        );
        assert!(
            errs[1].to_string().contains("\"conversation\""),
            "{}",
            errs[1]
        );
        assert!(
            errs[2].to_string().contains("matches no topic"),
            "{}",
            errs[2]
        );
        assert!(errs[3].to_string().contains("EventBridge"), "{}", errs[3]);
    }
}
