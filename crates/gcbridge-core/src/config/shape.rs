//! The shape check: every key and type of a parsed file against the config's JSON Schema, all
//! problems at once.
//!
//! serde stops at the first unknown key or wrong type. This walks the whole parsed document with its
//! spans instead, reports each problem (an unknown key with the closest allowed one, a wrong type with
//! the fix for that type, a missing required key) and removes what it reported, so the rest still
//! deserializes and is validated in the same run. The schema is the one derived from `raw.rs`, so
//! this check and the deserializer agree on every key.

use std::collections::HashSet;
use std::ops::Range;

use serde_json::Value;
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

use super::ctx::Ctx;
use super::toml_error::unknown_key_help;
use crate::diagnostic::Diagnostic;

/// One step of the path to a value: a key, and for an element of a list of tables its name.
#[derive(Clone)]
struct Seg {
    key: String,
    name: Option<String>,
}

/// What the check found and took out of the document.
#[derive(Default)]
pub(super) struct Shape {
    pub(super) diagnostics: Vec<Diagnostic>,
    /// (line, column) of a table and a key removed from it: validation must not report that key
    /// as missing too.
    pub(super) removed: HashSet<(usize, usize, String)>,
}

pub(super) struct Checker<'a> {
    ctx: &'a Ctx<'a>,
    /// The whole schema, for `$ref`s.
    root: &'a Value,
    found: Shape,
    /// Checking the items of a list of values (the fix then speaks of items).
    in_list: bool,
}

impl<'a> Checker<'a> {
    pub(super) fn new(ctx: &'a Ctx<'a>, root: &'a Value) -> Self {
        Checker {
            ctx,
            root,
            found: Shape::default(),
            in_list: false,
        }
    }

    /// Checks the document's root table and returns what was found.
    pub(super) fn check(mut self, doc: &mut Spanned<DeTable<'_>>) -> Shape {
        let span = doc.span();
        self.table(doc.get_mut(), span, self.root, &[]);
        self.found
    }

    /// Follows `$ref`s, a lone `allOf: [T]` and an `Option`'s `anyOf: [T, null]` to `T`.
    fn resolve(&self, mut schema: &'a Value) -> &'a Value {
        loop {
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                match self.root.pointer(r.trim_start_matches('#')) {
                    Some(s) => schema = s,
                    None => return schema,
                }
                continue;
            }
            if let Some([one]) = schema
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                schema = one;
                continue;
            }
            let any_of = schema.get("anyOf").and_then(Value::as_array);
            let non_null: Vec<&Value> = any_of
                .into_iter()
                .flatten()
                .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            match non_null.as_slice() {
                [one] if any_of.is_some() => schema = one,
                _ => return schema,
            }
        }
    }

    /// The schema a value of JSON type `found` is checked against: of an `anyOf` (a target is
    /// an ARN or a table), the alternative of that type; with every type allowed when none is.
    fn alternative(&self, schema: &'a Value, found: &str) -> (&'a Value, Vec<&'a str>) {
        let schema = self.resolve(schema);
        let Some(alts) = schema.get("anyOf").and_then(Value::as_array) else {
            return (schema, kinds(schema));
        };
        let alts: Vec<&Value> = alts.iter().map(|a| self.resolve(a)).collect();
        match alts.iter().find(|a| kinds(a).contains(&found)) {
            Some(a) => (a, kinds(a)),
            None => (schema, alts.iter().flat_map(|a| kinds(a)).collect()),
        }
    }

    /// Checks a table's keys; false when the table lacks a required key (its parent drops it).
    fn table(
        &mut self,
        table: &mut DeTable<'_>,
        at: Range<usize>,
        schema: &Value,
        path: &[Seg],
    ) -> bool {
        let schema = self.resolve(schema);
        let props = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let keys: Vec<(String, Range<usize>)> = table
            .iter()
            .map(|(k, _)| (k.get_ref().to_string(), k.span()))
            .collect();
        let mut dropped = Vec::new();
        for (key, key_span) in keys {
            match props.and_then(|p| p.get(&key)) {
                Some(prop) => {
                    let value = table.get_mut(key.as_str()).expect("a key just listed");
                    if !self.value(value, prop, path, &key) {
                        dropped.push(key);
                    }
                }
                None if closed => {
                    let allowed: Vec<&str> = props
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    self.found.diagnostics.push(Diagnostic {
                        origin: self.ctx.origin_span(key_span),
                        field: Some(label(path, &key)),
                        message: format!("unknown key \"{key}\""),
                        help: Some(unknown_key_help(&key, &allowed)),
                    });
                    dropped.push(key);
                }
                None => {}
            }
        }
        let (line, column) = self.ctx.lines.line_col(at.start);
        for key in &dropped {
            table.remove(key.as_str());
            for also in implied_by(key) {
                self.found.removed.insert((line, column, also.to_string()));
            }
        }
        let required = schema.get("required").and_then(Value::as_array);
        let mut complete = true;
        for key in required.into_iter().flatten().filter_map(Value::as_str) {
            if table.contains_key(key) {
                continue;
            }
            complete = false;
            if !dropped.iter().any(|d| d == key) {
                self.found.diagnostics.push(Diagnostic {
                    origin: self.ctx.origin_span(at.start..at.start + 1),
                    field: Some(label(path, key)),
                    message: "is required".into(),
                    help: Some(format!("add the key to this table, e.g. {key} = \"...\"")),
                });
            }
        }
        complete
    }

    /// Checks one value; false when it has the wrong type (reported, and its key is dropped).
    fn value(
        &mut self,
        v: &mut Spanned<DeValue<'_>>,
        schema: &Value,
        path: &[Seg],
        key: &str,
    ) -> bool {
        let found = kind_of(v.get_ref());
        let (schema, kinds) = self.alternative(schema, found);
        if kinds.is_empty() {
            return true;
        }
        if !kinds.contains(&found) {
            self.mismatch(v, schema, &kinds, path, key);
            return false;
        }
        let span = v.span();
        match v.get_mut() {
            DeValue::Table(t) => {
                let mut inner = path.to_vec();
                inner.push(Seg {
                    key: key.into(),
                    name: None,
                });
                self.table(t, span, schema, &inner)
            }
            DeValue::Array(items) => self.array(items, schema, path, key),
            _ => true,
        }
    }

    /// A list of tables keeps its good tables; a list of values is all good or dropped whole.
    fn array(&mut self, items: &mut DeArray<'_>, schema: &Value, path: &[Seg], key: &str) -> bool {
        let Some(item_schema) = schema.get("items") else {
            return true;
        };
        let of_tables = kinds(self.resolve(item_schema)).contains(&"object");
        let mut all_good = true;
        let mut kept = DeArray::new();
        let old = std::mem::replace(items, DeArray::new());
        for (i, mut item) in old.into_iter().enumerate() {
            let good = if of_tables {
                let name = match item.get_ref() {
                    DeValue::Table(t) => match t.get("name").map(|n| n.get_ref()) {
                        Some(DeValue::String(s)) => format!("\"{s}\""),
                        _ => format!("#{}", i + 1),
                    },
                    _ => format!("#{}", i + 1),
                };
                let mut inner = path.to_vec();
                inner.push(Seg {
                    key: key.into(),
                    name: Some(name),
                });
                let span = item.span();
                match item.get_mut() {
                    DeValue::Table(t) => self.table(t, span, item_schema, &inner),
                    _ => {
                        self.mismatch(&item, self.resolve(item_schema), &["object"], path, key);
                        false
                    }
                }
            } else {
                self.in_list = true;
                let good = self.value(&mut item, item_schema, path, key);
                self.in_list = false;
                good
            };
            all_good &= good;
            if good {
                kept.push(item);
            }
        }
        *items = kept;
        of_tables || all_good
    }

    fn mismatch(
        &mut self,
        v: &Spanned<DeValue<'_>>,
        schema: &Value,
        kinds: &[&str],
        path: &[Seg],
        key: &str,
    ) {
        let found = v.get_ref();
        let list_of_tables = kinds == ["array"]
            && schema
                .get("items")
                .is_some_and(|i| kinds_of_items(self.resolve(i)));
        let expected = if list_of_tables {
            format!("a list of [[{key}]] tables")
        } else {
            kinds
                .iter()
                .map(|k| describe(k))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let help = if list_of_tables {
            format!("write [[{key}]] with double brackets: each one adds a table to the list")
        } else if self.in_list {
            format!("each item of {key} is a quoted string: {key} = [\"...\", \"...\"]")
        } else {
            type_help(kinds, found, key)
        };
        self.found.diagnostics.push(Diagnostic {
            origin: self.ctx.origin_span(v.span()),
            field: Some(label(path, key)),
            message: format!("expected {expected}, found {}", describe(kind_of(found))),
            help: Some(help),
        });
    }
}

fn kinds_of_items(items: &Value) -> bool {
    kinds(items).contains(&"object")
}

/// The JSON types a schema allows, `null` left out (a missing key is how TOML says none); empty
/// means anything.
fn kinds(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) if t != "null" => vec![t.as_str()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect(),
        _ => Vec::new(),
    }
}

fn kind_of(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "string",
        DeValue::Integer(_) => "integer",
        DeValue::Float(_) => "number",
        DeValue::Boolean(_) => "boolean",
        DeValue::Datetime(_) => "datetime",
        DeValue::Array(_) => "array",
        DeValue::Table(_) => "object",
    }
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "true or false",
        "datetime" => "a date-time",
        "array" => "a list",
        _ => "a table",
    }
}

/// The fix for a value of the wrong type, in the words of the type the key wants.
fn type_help(kinds: &[&str], found: &DeValue<'_>, key: &str) -> String {
    match kinds {
        ["string"] if key.contains("account") && matches!(found, DeValue::Integer(_)) => {
            "write the account id as a quoted string, e.g. aws_account_id = \"012345678901\", so leading zeros are kept".into()
        }
        ["string"] => format!("strings are quoted: {key} = \"...\""),
        ["boolean"] => format!("write {key} = true or {key} = false (true/false are not quoted)"),
        ["array"] => format!("lists use [ ]: {key} = [\"...\"], with each item quoted"),
        ["object"] => {
            format!("write it as a table: [{key}] on its own line, then key = value lines")
        }
        _ => format!("write {key} as a JSON string or as a TOML table"),
    }
}

/// The keys whose absence validation would report once `key` is removed.
fn implied_by(key: &str) -> Vec<&str> {
    match key {
        "event_types" => vec!["event_types", "topics"],
        "event_bus_arn" => vec![
            "event_bus_arn",
            "aws_account_id",
            "aws_region",
            "event_source_suffix",
        ],
        k => vec![k],
    }
}

/// `destination "prod" aws.rule "r" targets`, `genesys.region`: the wording validation uses.
fn label(path: &[Seg], key: &str) -> String {
    let mut out = String::new();
    let mut after_name = false;
    for (key, name) in path
        .iter()
        .map(|s| (s.key.as_str(), s.name.as_deref()))
        .chain([(key, None)])
    {
        if !out.is_empty() {
            out.push(if after_name { ' ' } else { '.' });
        }
        out.push_str(key);
        after_name = name.is_some();
        if let Some(name) = name {
            out.push(' ');
            out.push_str(name);
        }
    }
    out
}
