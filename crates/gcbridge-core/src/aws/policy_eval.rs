//! What a target's resource policy decides for one request: EventBridge (`events.amazonaws.com`)
//! delivering one rule's events (`sqs:SendMessage` on a queue, `sns:Publish` on a topic,
//! `lambda:InvokeFunction` on a function, `logs:PutLogEvents` on a log group's streams). Pure, so
//! every policy shape is a unit test.
//!
//! IAM's logic, as far as a queue policy can express it: an explicit Deny that applies wins over
//! any Allow; otherwise an Allow that applies allows; otherwise the request is denied implicitly.
//! A statement applies when its principal, action, resource and every condition match. What this
//! evaluator cannot judge (an unknown condition operator or key, a malformed statement) makes the
//! statement's effect unknown: a possible Deny or a possible Allow is reported, never guessed.

use serde_json::Value;

use crate::arn_fields::arn_fields;
use crate::topics::glob;

pub const EVENTS_SERVICE: &str = "events.amazonaws.com";
pub const SEND_ACTION: &str = "sqs:SendMessage";

/// EventBridge doing `action` on `resource` for the rule `rule_arn` (its `aws:SourceArn`).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    pub rule_arn: &'a str,
}

/// The policy's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// An Allow applies and no Deny does (nor may).
    Allowed,
    /// An explicit Deny applies (named by its Sid, or its position): no Allow can override it.
    Denied(String),
    /// No statement allows it: denied implicitly; an Allow statement fixes it.
    NotAllowed,
    /// Some statement that might decide it cannot be evaluated; why.
    Unknown(String),
}

/// Whether a statement applies to the request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Applies {
    Yes,
    No,
    Unknown(String),
}

impl Applies {
    fn from_bool(b: bool) -> Applies {
        if b {
            Applies::Yes
        } else {
            Applies::No
        }
    }

    /// Both must hold: No wins over Unknown, which wins over Yes.
    fn and(self, other: Applies) -> Applies {
        match (self, other) {
            (Applies::No, _) | (_, Applies::No) => Applies::No,
            (Applies::Unknown(r), _) | (_, Applies::Unknown(r)) => Applies::Unknown(r),
            _ => Applies::Yes,
        }
    }
}

/// The policy document's decision for the request (`None`: the resource has no policy).
pub fn decide(policy: Option<&Value>, req: Request<'_>) -> Verdict {
    let Some(policy) = policy else {
        return Verdict::NotAllowed;
    };
    let statements = as_list(&policy["Statement"]);
    let mut allowed = false;
    let mut unknown_allow = None;
    let mut unknown_deny = None;
    for (i, s) in statements.iter().enumerate() {
        let name = s["Sid"]
            .as_str()
            .map(|sid| format!("statement {sid}"))
            .unwrap_or_else(|| format!("statement #{}", i + 1));
        let effect = s["Effect"].as_str().unwrap_or("");
        let applies = statement_applies(s, req);
        match (effect, applies) {
            ("Deny", Applies::Yes) => return Verdict::Denied(name),
            ("Deny", Applies::Unknown(r)) => {
                unknown_deny.get_or_insert(format!("{name} (Deny): {r}"));
            }
            ("Allow", Applies::Yes) => allowed = true,
            ("Allow", Applies::Unknown(r)) => {
                unknown_allow.get_or_insert(format!("{name} (Allow): {r}"));
            }
            (_, Applies::No) => {}
            (other, _) => {
                unknown_deny
                    .get_or_insert(format!("{name}: Effect {other:?} is not Allow or Deny"));
            }
        }
    }
    match (unknown_deny, allowed, unknown_allow) {
        (Some(r), _, _) => Verdict::Unknown(format!("cannot tell whether {r} denies it")),
        (None, true, _) => Verdict::Allowed,
        (None, false, Some(r)) => Verdict::Unknown(format!("cannot tell whether {r} allows it")),
        (None, false, None) => Verdict::NotAllowed,
    }
}

fn statement_applies(s: &Value, req: Request<'_>) -> Applies {
    if !s.is_object() {
        return Applies::Unknown("not a JSON object".into());
    }
    principal(s)
        .and(listed(s, "Action", "NotAction", |p| {
            glob::matches(&p.to_ascii_lowercase(), &req.action.to_ascii_lowercase())
        }))
        .and(match (&s["Resource"], &s["NotResource"]) {
            // A queue, topic or function policy is scoped to its resource; a statement without
            // Resource means it.
            (Value::Null, Value::Null) => Applies::Yes,
            _ => listed(s, "Resource", "NotResource", |p| {
                glob::matches(p, req.resource)
            }),
        })
        .and(conditions(&s["Condition"], req))
}

/// `Key` matches when one of its values matches; `NotKey` when none does.
fn listed(s: &Value, key: &str, not_key: &str, matches: impl Fn(&str) -> bool) -> Applies {
    let any = |v: &Value| -> Option<bool> {
        let items = as_list(v);
        let texts: Vec<&str> = items.iter().filter_map(|x| x.as_str()).collect();
        (texts.len() == items.len() && !texts.is_empty()).then(|| texts.into_iter().any(&matches))
    };
    match (&s[key], &s[not_key]) {
        (v, Value::Null) if !v.is_null() => any(v).map(Applies::from_bool).unwrap_or_else(|| {
            Applies::Unknown(format!("{key} is not a string or list of strings"))
        }),
        (Value::Null, v) if !v.is_null() => {
            any(v).map(|m| Applies::from_bool(!m)).unwrap_or_else(|| {
                Applies::Unknown(format!("{not_key} is not a string or list of strings"))
            })
        }
        _ => Applies::Unknown(format!("needs exactly one of {key} and {not_key}")),
    }
}

/// Whether a `Principal` / `NotPrincipal` value names EventBridge: `"*"`, `{"AWS": "*"}` or
/// `{"Service": "events.amazonaws.com"}` (each a string or a list).
fn names_eventbridge(p: &Value) -> Option<bool> {
    match p {
        Value::String(s) => Some(s == "*"),
        Value::Object(m) => {
            let has = |k: &str, want: &str| {
                m.get(k)
                    .is_some_and(|v| as_list(v).iter().any(|x| x.as_str() == Some(want)))
            };
            Some(has("AWS", "*") || has("Service", EVENTS_SERVICE) || has("Service", "*"))
        }
        _ => None,
    }
}

fn principal(s: &Value) -> Applies {
    match (&s["Principal"], &s["NotPrincipal"]) {
        (p, Value::Null) if !p.is_null() => names_eventbridge(p)
            .map(Applies::from_bool)
            .unwrap_or_else(|| Applies::Unknown("Principal has an unknown shape".into())),
        (Value::Null, p) if !p.is_null() => names_eventbridge(p)
            .map(|m| Applies::from_bool(!m))
            .unwrap_or_else(|| Applies::Unknown("NotPrincipal has an unknown shape".into())),
        _ => Applies::Unknown("needs exactly one of Principal and NotPrincipal".into()),
    }
}

/// The request's value of a condition key (`None`: not in the request context), or `Err` for a
/// key this evaluator does not know.
fn context_value(key: &str, req: Request<'_>) -> Result<Option<String>, String> {
    match key.to_ascii_lowercase().as_str() {
        "aws:sourcearn" => Ok(Some(req.rule_arn.to_string())),
        "aws:sourceaccount" => {
            Ok(arn_fields(req.rule_arn).map(|[.., account, _]| account.to_string()))
        }
        // EventBridge is a service principal: no principal account, org or IP of the caller's.
        "aws:principalaccount" | "aws:principalorgid" | "aws:sourceip" | "aws:sourcevpce" => {
            Ok(None)
        }
        // SNS's default topic policy scopes by it; EventBridge's publish does not carry it,
        // which is why a new topic needs an events.amazonaws.com statement.
        "aws:sourceowner" => Ok(None),
        _ => Err(format!("condition key {key} is not evaluated by gcbridge")),
    }
}

fn conditions(c: &Value, req: Request<'_>) -> Applies {
    let map = match c {
        Value::Null => return Applies::Yes,
        Value::Object(m) => m,
        _ => return Applies::Unknown("Condition is not an object".into()),
    };
    let mut all = Applies::Yes;
    for (op, block) in map {
        let Value::Object(keys) = block else {
            return Applies::Unknown(format!("condition {op} is not an object"));
        };
        for (key, values) in keys {
            all = all.and(condition(op, key, values, req));
        }
    }
    all
}

/// One operator on one key. Set operators (`ForAnyValue:`, `ForAllValues:`) are read as their
/// base operator: the keys evaluated here are single-valued.
fn condition(op: &str, key: &str, values: &Value, req: Request<'_>) -> Applies {
    let unknown = |why: String| Applies::Unknown(why);
    let base = op
        .strip_prefix("ForAnyValue:")
        .or_else(|| op.strip_prefix("ForAllValues:"))
        .unwrap_or(op);
    let (base, if_exists) = match base.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (base, false),
    };
    let value = match context_value(key, req) {
        Ok(v) => v,
        Err(why) => return unknown(why),
    };
    let items = as_list(values);
    let wanted: Vec<String> = items
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect();
    if wanted.len() != items.len() {
        return unknown(format!(
            "condition {op} {key} has a value that is not a string"
        ));
    }
    if base == "Null" {
        // {"Null": {"key": "true"}}: the key is absent.
        let absent = value.is_none();
        return Applies::from_bool(wanted.iter().any(|w| (w == "true") == absent));
    }
    let negated = matches!(
        base,
        "StringNotEquals"
            | "StringNotEqualsIgnoreCase"
            | "StringNotLike"
            | "ArnNotEquals"
            | "ArnNotLike"
    );
    let test: fn(&str, &str) -> bool = match base {
        "StringEquals" | "StringNotEquals" | "ArnEquals" | "ArnNotEquals" => |w, v| w == v,
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => |w, v| w.eq_ignore_ascii_case(v),
        "StringLike" | "StringNotLike" | "ArnLike" | "ArnNotLike" => |w, v| glob::matches(w, v),
        _ => {
            return unknown(format!(
                "condition operator {op} is not evaluated by gcbridge"
            ))
        }
    };
    let Some(value) = value else {
        // A key missing from the request: `...IfExists` and the negated operators hold.
        return Applies::from_bool(if_exists || negated);
    };
    let any = wanted.iter().any(|w| test(w, &value));
    Applies::from_bool(any != negated)
}

pub(crate) fn as_list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => vec![],
        other => vec![other],
    }
}

#[cfg(test)]
mod tests;
