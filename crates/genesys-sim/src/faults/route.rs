//! The `route` of a fault rule: `*`, a bare template (any method) or `METHOD template`,
//! checked against the route table so a typo fails at load time instead of never firing.

use super::error::FaultRuleError;
use crate::route_table::faultable_routes;

/// Where a rule's route points, once parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteSpec {
    Any,
    /// Any method on this template.
    Template(String),
    /// `METHOD template`.
    Exact(String, String),
}

impl RouteSpec {
    /// Parses and checks a rule's route; `None` and `"*"` mean every route.
    pub fn parse(route: Option<&str>) -> Result<RouteSpec, FaultRuleError> {
        let Some(raw) = route.map(str::trim) else {
            return Ok(RouteSpec::Any);
        };
        if raw == "*" {
            return Ok(RouteSpec::Any);
        }
        let spec = match raw.split_once(char::is_whitespace) {
            Some((method, path)) => {
                RouteSpec::Exact(method.to_ascii_uppercase(), path.trim().to_string())
            }
            None => RouteSpec::Template(raw.to_string()),
        };
        if faultable_routes().any(|r| spec.matches(r.method, Some(r.template))) {
            return Ok(spec);
        }
        let known = faultable_routes()
            .map(|r| r.key())
            .collect::<Vec<_>>()
            .join(", ");
        Err(FaultRuleError::new(
            "route",
            format!(
                "must be \"*\", \"METHOD /path/template\" or \"/path/template\" naming an emulated route; got {raw:?} (known: {known})"
            ),
        ))
    }

    /// Whether a request (its method and matched template) is on this route.
    pub fn matches(&self, method: &str, template: Option<&str>) -> bool {
        match self {
            RouteSpec::Any => true,
            RouteSpec::Template(p) => template == Some(p.as_str()),
            RouteSpec::Exact(m, p) => m == method && template == Some(p.as_str()),
        }
    }

    /// Whether the route can name `METHOD template` (a route key) at all.
    pub fn can_be(&self, key: &str) -> bool {
        let (method, template) = split_key(key);
        self.matches(method, Some(template))
    }
}

/// `METHOD template` split in two.
pub fn split_key(key: &str) -> (&str, &str) {
    key.split_once(' ').unwrap_or(("", key))
}
