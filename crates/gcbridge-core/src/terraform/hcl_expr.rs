//! The few HCL expressions an export is made of, built as hcl-rs values (never as text, so
//! quoting and the escaping of `${` and `%{` in user-written strings are the library's job).

use hcl::expr::{FuncCall, Traversal, Variable};
use hcl::{Expression, Identifier, Object, ObjectKey};
use serde_json::Value;

/// A JSON value as the HCL literal that `jsonencode` turns back into it.
pub fn json(v: &Value) -> Expression {
    match v {
        Value::Null => Expression::Null,
        Value::Bool(b) => Expression::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(Expression::from)
            .or_else(|| n.as_u64().map(Expression::from))
            .or_else(|| n.as_f64().map(Expression::from))
            .unwrap_or(Expression::Null),
        Value::String(s) => Expression::String(s.clone()),
        Value::Array(items) => Expression::Array(items.iter().map(json).collect()),
        Value::Object(map) => {
            let mut object = Object::new();
            for (k, v) in map {
                object.insert(
                    ObjectKey::Expression(Expression::String(k.clone())),
                    json(v),
                );
            }
            Expression::Object(object)
        }
    }
}

/// `jsonencode(<v>)`: the provider stores the JSON text, Terraform compares it as JSON.
pub fn jsonencode(v: &Value) -> Expression {
    Expression::from(FuncCall::builder("jsonencode").arg(json(v)).build())
}

/// A reference such as `aws_cloudwatch_event_rule.to_queue.name`.
pub fn reference(root: &str, path: &[&str]) -> Expression {
    if path.is_empty() {
        return Expression::from(Variable::unchecked(root));
    }
    let mut t = Traversal::builder(Variable::unchecked(root));
    for p in path {
        t = t.attr(Identifier::unchecked(*p));
    }
    Expression::from(t.build())
}

/// A list of strings.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Expression {
    Expression::Array(
        items
            .into_iter()
            .map(|s| Expression::String(s.to_string()))
            .collect(),
    )
}
