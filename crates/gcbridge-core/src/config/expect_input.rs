//! Validation of a rule's `expect`: every entry a topic template of the bundled catalogue (the
//! closest ones suggested), none in both lists, at least one named.

use super::ctx::Ctx;
use super::raw::{RawExpect, Spanned};
use crate::desired::Expectations;
use crate::diagnostic::Diagnostic;
use crate::events::check_topic;

impl Ctx<'_> {
    /// The rule's expectations (empty without `expect`); each problem points at its entry.
    pub(super) fn rule_expect(
        &self,
        raw: Option<&Spanned<RawExpect>>,
        rule: &str,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Expectations {
        let Some(raw) = raw else {
            return Expectations::default();
        };
        let field =
            |list: &str, i: usize| label(&format!("aws.rule \"{rule}\" expect.{list}[{i}]"));
        let mut list = |entries: &[Spanned<String>], name: &str| -> Vec<String> {
            let mut topics = Vec::new();
            for (i, t) in entries.iter().enumerate() {
                let topic = t.get_ref();
                match check_topic(topic) {
                    Ok(()) => topics.push(topic.clone()),
                    Err(hint) => errors.push(self.diag(
                        t,
                        &field(name, i),
                        format!("\"{topic}\" is not a topic template of the catalogue"),
                        Some(format!("{hint} (expect takes exact templates, as `gcbridge topics` lists them, not globs or families)")),
                    )),
                }
            }
            topics
        };
        let expect = Expectations {
            matches: list(&raw.get_ref().matches, "matches"),
            ignores: list(&raw.get_ref().ignores, "ignores"),
        };
        for (i, t) in raw.get_ref().ignores.iter().enumerate() {
            if expect.matches.contains(t.get_ref()) {
                errors.push(self.diag(
                    t,
                    &field("ignores", i),
                    format!("\"{}\" is in expect.matches too: a pattern cannot both match and ignore it", t.get_ref()),
                    Some("keep it in one of the two lists".into()),
                ));
            }
        }
        let r = raw.get_ref();
        if r.matches.is_empty() && r.ignores.is_empty() {
            errors.push(self.diag(
                raw,
                &label(&format!("aws.rule \"{rule}\" expect")),
                "names no topic",
                Some("write expect = { matches = [\"v2.users.{id}.presence\"], ignores = [...] } with topic templates, or remove it".into()),
            ));
        }
        expect
    }
}
