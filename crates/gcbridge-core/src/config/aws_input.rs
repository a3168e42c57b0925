//! Validation of `[destination.aws]`: rule names, event patterns and the archive (targets in
//! `target_input.rs`, expectations in `expect_input.rs`), each problem pointing at its line.

use std::collections::HashMap;

use super::ctx::Ctx;
use super::raw::{RawArchive, RawAws, Spanned};
use crate::aws::{canonical_pattern, check_rule_name, toml_to_json, DEFAULT_PATTERN};
use crate::desired::{ArchiveSpec, AwsSpec, RuleSpec};
use crate::diagnostic::Diagnostic;

impl Ctx<'_> {
    pub(super) fn aws_spec(
        &self,
        raw: &Spanned<RawAws>,
        bus_region: &str,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<AwsSpec> {
        let raw = raw.get_ref();
        let mut rules = Vec::new();
        let mut names: HashMap<String, usize> = HashMap::new();
        for r in &raw.rule {
            let r = r.get_ref();
            let name = r.name.get_ref();
            if let Err(e) = check_rule_name(name) {
                errors.push(self.diag(&r.name, &label("aws.rule name"), e.to_string(), None));
            }
            if let Some(first) = names.insert(name.clone(), self.line(r.name.span().start)) {
                errors.push(self.diag(
                    &r.name,
                    &label("aws.rule name"),
                    format!(
                        "\"{name}\" is used by another rule of this destination (line {first})"
                    ),
                    Some("give each rule of a destination its own name".into()),
                ));
            }
            let pattern = self.rule_pattern(r.event_pattern.as_ref(), name, label, errors);
            let targets = self.rule_targets(r, bus_region, label, errors);
            let retry = self.rule_retry(r.retry.as_ref(), name, label, errors);
            let expect = self.rule_expect(r.expect.as_ref(), name, label, errors);
            if targets.len() > 5 {
                errors.push(self.diag(
                    &r.name,
                    &label(&format!("aws.rule \"{name}\" targets")),
                    format!(
                        "has {} targets; an EventBridge rule takes at most 5",
                        targets.len()
                    ),
                    Some("split them over several rules".into()),
                ));
            }
            if let Some(event_pattern) = pattern {
                rules.push(RuleSpec {
                    name: name.clone(),
                    description: r.description.as_ref().map(|d| d.get_ref().clone()),
                    enabled: r.enabled.as_ref().map(|e| *e.get_ref()).unwrap_or(true),
                    event_pattern,
                    targets,
                    retry,
                    expect,
                });
            }
        }
        let associate = raw
            .associate
            .as_ref()
            .map(|a| *a.get_ref())
            .unwrap_or(false);
        if !associate && !rules.is_empty() {
            // Rules on a partner bus need the bus; say so rather than fail at apply time.
            if let Some(first) = raw.rule.first() {
                errors.push(self.diag(
                    &first.get_ref().name,
                    &label("aws.associate"),
                    "rules need the partner event bus, which only exists once the source is associated",
                    Some("add associate = true to [destination.aws]".into()),
                ));
            }
        }
        let archive = raw
            .archive
            .as_ref()
            .and_then(|a| self.archive(a, associate, label, errors));
        Some(AwsSpec {
            associate,
            rules,
            archive,
        })
    }

    /// `archive = { retention_days = N }`: N from 0 (indefinitely) up; the archive is of the
    /// partner bus, so it needs the association like rules do.
    fn archive(
        &self,
        raw: &Spanned<RawArchive>,
        associate: bool,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<ArchiveSpec> {
        if !associate {
            errors.push(self.diag(
                raw,
                &label("aws.archive"),
                "an archive is of the partner event bus, which only exists once the source is associated",
                Some("add associate = true to [destination.aws]".into()),
            ));
        }
        let Some(days) = &raw.get_ref().retention_days else {
            return Some(ArchiveSpec { retention_days: 0 });
        };
        match i32::try_from(*days.get_ref()) {
            Ok(n) if n >= 0 => Some(ArchiveSpec { retention_days: n }),
            _ => {
                errors.push(self.diag(
                    days,
                    &label("aws.archive.retention_days"),
                    format!("{} is out of range; AWS accepts 0 (keep events indefinitely) up to {}", days.get_ref(), i32::MAX),
                    Some("write retention_days = N with N the days to keep each event, e.g. archive = { retention_days = 30 }, or 0 to keep them indefinitely".into()),
                ));
                None
            }
        }
    }

    /// The rule's pattern made canonical; the default (every Genesys event) when it gives none.
    fn rule_pattern(
        &self,
        raw: Option<&Spanned<toml::Value>>,
        name: &str,
        label: &dyn Fn(&str) -> String,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<String> {
        let Some(v) = raw else {
            return Some(DEFAULT_PATTERN.to_string());
        };
        let json = match v.get_ref() {
            toml::Value::String(text) => serde_json::from_str::<serde_json::Value>(text.as_str())
                .map_err(|e| format!("is not valid JSON: {e}")),
            other => Ok(toml_to_json(other)),
        };
        match json.and_then(|j| canonical_pattern(&j).map_err(|e| e.to_string())) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(self.diag(
                    v,
                    &label(&format!("aws.rule \"{name}\" event_pattern")),
                    e,
                    Some("write the pattern as JSON text or as a TOML table; see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html".into()),
                ));
                None
            }
        }
    }
}
