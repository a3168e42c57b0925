//! Reading back what `gcbridge export --format terraform` wrote, with hcl-rs: every resource by
//! (type, name), every import by address, the local values, `jsonencode(...)` evaluated to its
//! JSON; and `terraform fmt -check` on the text when terraform is installed (an optional tool:
//! a missing one is a printed SKIPPED line, never a failure).

use std::collections::BTreeMap;
use std::io::Write as _;

use hcl::eval::{Context, Evaluate, FuncDef, ParamType};
use hcl::{Body, Expression};
use serde_json::Value;

/// An export, parsed.
pub struct Parsed {
    /// (type, name) -> body.
    pub resources: BTreeMap<(String, String), Body>,
    /// `TYPE.NAME` -> the id it is imported from.
    pub imports: BTreeMap<String, String>,
    pub locals: hcl::Map<String, hcl::Value>,
    /// The `provider` blocks: (type, alias or "").
    pub providers: Vec<(String, String)>,
}

/// Parses `text`; panics on anything an export never holds twice (two resources at one
/// address, two imports of one, two locals of one name).
pub fn parse(text: &str) -> Parsed {
    let body: Body = hcl::parse(text).unwrap_or_else(|e| panic!("not HCL: {e}\n{text}"));
    let mut p = Parsed {
        resources: BTreeMap::new(),
        imports: BTreeMap::new(),
        locals: hcl::Map::new(),
        providers: Vec::new(),
    };
    for b in body.blocks() {
        let labels: Vec<String> = b.labels().iter().map(|l| l.as_str().to_string()).collect();
        match b.identifier() {
            "locals" => {
                for a in b.body().attributes() {
                    let v = a.expr().evaluate(&Context::new()).unwrap();
                    assert!(
                        p.locals.insert(a.key().to_string(), v).is_none(),
                        "one local per name"
                    );
                }
            }
            "resource" => {
                let key = (labels[0].clone(), labels[1].clone());
                let twice = p.resources.insert(key.clone(), b.body().clone()).is_some();
                assert!(!twice, "one resource per address: {key:?}");
            }
            "import" => {
                let to = attr(b.body(), "to").to_string();
                let id = string(b.body(), "id");
                assert!(
                    p.imports.insert(to.clone(), id).is_none(),
                    "one import per address: {to}"
                );
            }
            "provider" => {
                let alias = b
                    .body()
                    .attributes()
                    .find(|a| a.key() == "alias")
                    .map(|_| string(b.body(), "alias"))
                    .unwrap_or_default();
                p.providers.push((labels[0].clone(), alias));
            }
            _ => {}
        }
    }
    p
}

impl Parsed {
    /// The body of `TYPE.NAME`.
    pub fn resource(&self, kind: &str, name: &str) -> &Body {
        self.resources
            .get(&(kind.to_string(), name.to_string()))
            .unwrap_or_else(|| panic!("no {kind}.{name} in {:?}", self.resources.keys()))
    }

    /// The names of every resource of `kind`.
    pub fn names(&self, kind: &str) -> Vec<String> {
        self.resources
            .keys()
            .filter(|(t, _)| t == kind)
            .map(|(_, n)| n.clone())
            .collect()
    }

    /// The JSON a `jsonencode(...)` expression (of a literal or a local value) stands for.
    pub fn decoded(&self, expr: &Expression) -> Value {
        let mut ctx = Context::new();
        ctx.declare_var("local", hcl::Value::Object(self.locals.clone()));
        ctx.declare_func(
            "jsonencode",
            FuncDef::builder()
                .param(ParamType::Any)
                .build(|args| Ok(hcl::Value::String(serde_json::to_string(&args[0]).unwrap()))),
        );
        let v = expr
            .evaluate(&ctx)
            .unwrap_or_else(|e| panic!("{expr}: {e}"));
        serde_json::from_str(v.as_str().expect("jsonencode gives a string")).unwrap()
    }
}

/// The expression of `key` in `body`.
pub fn attr(body: &Body, key: &str) -> Expression {
    body.attributes()
        .find(|a| a.key() == key)
        .unwrap_or_else(|| panic!("no attribute {key}"))
        .expr()
        .clone()
}

/// The string literal of `key` in `body`.
pub fn string(body: &Body, key: &str) -> String {
    match attr(body, key) {
        Expression::String(s) => s,
        other => panic!("{key} is not a string literal: {other}"),
    }
}

/// The body of the nested block `name`.
pub fn block<'a>(body: &'a Body, name: &str) -> &'a Body {
    body.blocks()
        .find(|b| b.identifier() == name)
        .unwrap_or_else(|| panic!("no block {name}"))
        .body()
}

/// `terraform fmt -check` on `text`; `Err` with its diff when it would reformat. Without
/// terraform on PATH, prints one SKIPPED line and passes.
pub fn fmt_check(text: &str) -> Result<(), String> {
    if std::process::Command::new("terraform")
        .arg("version")
        .output()
        .is_err()
    {
        // Straight to stderr, past the test harness's capture, as the moto skips are said.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: terraform is not installed (an optional tool): terraform fmt -check not run"
        );
        return Ok(());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.tf"), text).unwrap();
    let out = std::process::Command::new("terraform")
        .args(["fmt", "-check", "-diff", "export.tf"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "terraform fmt -check:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}
