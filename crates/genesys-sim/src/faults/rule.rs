//! A fault rule ([`FaultRule`]): which requests, which kind, how often, how many times;
//! its builders for Rust callers and the checks every rule passes however it was made.

use super::error::FaultRuleError;
use super::kind::FaultKind;
use super::route::RouteSpec;

/// One fault-injection rule: on requests matching `route`, inject `kind` with
/// probability `rate`, at most `count` times.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// `"METHOD /path/template"` as in `/sim/v1/requests` (e.g.
    /// `"PUT /api/v2/integrations/{integrationId}/config/current"`), a bare template for
    /// any method, or `None` / `"*"` for every `/api/v2` and `/oauth` request.
    pub route: Option<String>,
    pub kind: FaultKind,
    /// Probability, from 0.0 (never) to 1.0 (always), that a matching request gets it.
    pub rate: f64,
    /// Stop after this many injections; `None` for no limit.
    pub count: Option<u64>,
}

impl FaultRule {
    /// A rule injecting `kind` into every `/api/v2` and `/oauth` request, always, forever.
    pub fn new(kind: FaultKind) -> Self {
        FaultRule {
            route: None,
            kind,
            rate: 1.0,
            count: None,
        }
    }

    /// The same rule limited to one route (`"POST /api/v2/integrations"`).
    pub fn on(mut self, route: impl Into<String>) -> Self {
        self.route = Some(route.into());
        self
    }

    /// The same rule firing with probability `rate`.
    pub fn with_rate(mut self, rate: f64) -> Self {
        self.rate = rate;
        self
    }

    /// The same rule stopping after `count` injections.
    pub fn with_count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// Checks the values a rule built in Rust may hold: the same checks as parsing.
    pub fn validate(&self) -> Result<(), FaultRuleError> {
        self.route_spec().map(|_| ())
    }

    /// The parsed route, after checking every field.
    pub(crate) fn route_spec(&self) -> Result<RouteSpec, FaultRuleError> {
        if !self.rate.is_finite() || !(0.0..=1.0).contains(&self.rate) {
            return Err(FaultRuleError::new(
                "rate",
                format!("must be a number from 0.0 to 1.0; got {}", self.rate),
            ));
        }
        self.kind.check()?;
        let spec = RouteSpec::parse(self.route.as_deref())?;
        let kind = self.kind.spec();
        let name = kind.name();
        if let Some(only) = kind.only_route().filter(|r| !spec.can_be(r)) {
            return Err(FaultRuleError::new(
                "route",
                format!(
                    "must be \"*\" or \"{only}\" for kind \"{name}\"; got {:?}",
                    self.route.as_deref().unwrap_or("*")
                ),
            ));
        }
        if let Some((never, why)) = kind.never_route() {
            if spec != RouteSpec::Any && spec.can_be(never) {
                return Err(FaultRuleError::new(
                    "route",
                    format!("cannot be \"{never}\" for kind \"{name}\": {why}"),
                ));
            }
        }
        Ok(spec)
    }
}
