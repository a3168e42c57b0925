//! Terraform addresses for an export: derived from the names in the config (destination, rule,
//! target id), so the same state always gets the same addresses and a `terraform plan` after a
//! re-export moves nothing.

use std::collections::BTreeSet;

use crate::aws::delivery::hash8;

/// A Terraform name (letters, digits, `_` and `-`, a letter or `_` first) for `raw`. A name that is
/// one already stays as it is; any other has each other character made `_` and 8 hex digits of
/// the hash of `raw` added, so two names that differ only in those characters stay apart.
pub fn ident(raw: &str) -> String {
    let valid_start = raw
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let valid = valid_start
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if valid {
        return raw.to_string();
    }
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !valid_start {
        out.insert(0, '_');
    }
    format!("{out}_{}", hash8(raw))
}

/// The addresses handed out for one resource type, so no two resources share one.
#[derive(Debug, Default)]
pub struct Names {
    used: BTreeSet<(String, String)>,
}

impl Names {
    /// The name for a resource of type `kind` made of `parts` (joined by `__`); on a clash (two
    /// different part lists that read the same) the later one gets the hash of all its parts.
    pub fn take(&mut self, kind: &str, parts: &[&str]) -> String {
        let name = parts
            .iter()
            .map(|p| ident(p))
            .collect::<Vec<_>>()
            .join("__");
        let name = if self.used.contains(&(kind.to_string(), name.clone())) {
            format!("{name}_{}", hash8(&parts.join("\u{0}")))
        } else {
            name
        };
        self.used.insert((kind.to_string(), name.clone()));
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_stay_and_others_become_valid_and_distinct() {
        assert_eq!(ident("prod-events"), "prod-events");
        assert_eq!(ident("_x1"), "_x1");
        let dotted = ident("to.queue");
        assert!(dotted.starts_with("to_queue_") && dotted.len() == "to_queue_".len() + 8);
        assert_ne!(ident("to.queue"), ident("to queue"));
        assert!(ident("1st").starts_with("_1st_"));
        assert!(ident("").starts_with('_'));
        for raw in ["a b", "ü", "9", "x/y"] {
            let id = ident(raw);
            let first = id.chars().next().unwrap();
            assert!(first.is_ascii_alphabetic() || first == '_', "{id}");
            assert!(id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        }
    }

    #[test]
    fn clashing_addresses_are_told_apart() {
        let mut n = Names::default();
        let a = n.take("rule", &["a__b", "c"]);
        let b = n.take("rule", &["a", "b__c"]);
        assert_eq!(a, "a__b__c");
        assert_ne!(a, b);
        assert_eq!(n.take("target", &["a__b", "c"]), "a__b__c");
    }
}
