//! The per-request decision: which rules in force fire on one request ([`FaultSet`],
//! rolled with a seedable RNG so a failing run can be repeated), given what the gateway
//! knows of it ([`RequestFacts`]), and the outcome ([`Plan`]) the gateway carries out.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::error::FaultRuleError;
use super::kind::{FaultKind, Needs};
use super::route::{split_key, RouteSpec};
use super::rule::FaultRule;

/// What the gateway knows about a request when faults are decided.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestFacts<'a> {
    pub method: &'a str,
    /// The route template, when a route matched.
    pub template: Option<&'a str>,
    /// An `/api/v2` request carrying a bearer token that is currently valid.
    pub live_token: bool,
    /// A `PUT .../config/current` by a live token on an integration of its org.
    pub editable: bool,
    /// The connection can be cut (always so when served by [`crate::start`]).
    pub can_cut: bool,
}

/// The faults chosen for one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The total delay of the latency rules that fired.
    pub delay: Duration,
    /// The one non-delay fault that fired, if any.
    pub action: Option<FaultKind>,
    /// The names of every fault injected, for the counters.
    pub injected: Vec<&'static str>,
}

struct ActiveRule {
    rule: FaultRule,
    route: RouteSpec,
    injected: u64,
}

impl ActiveRule {
    fn new(rule: FaultRule) -> Result<Self, FaultRuleError> {
        let route = rule.route_spec()?;
        Ok(ActiveRule {
            rule,
            route,
            injected: 0,
        })
    }

    fn applies(&self, f: &RequestFacts<'_>) -> bool {
        if !self.route.matches(f.method, f.template) {
            return false;
        }
        let kind = self.rule.kind.spec();
        let on_its_route = kind.only_route().is_none_or(|key| {
            let (method, template) = split_key(key);
            f.method == method && f.template == Some(template)
        });
        on_its_route
            && match kind.need() {
                Needs::Nothing => true,
                Needs::LiveToken => f.live_token,
                Needs::Editable => f.editable,
                Needs::Cut => f.can_cut,
            }
    }
}

/// The rules in force, their injection counts and the RNG that rolls their rates.
pub struct FaultSet {
    initial: Vec<FaultRule>,
    seed: Option<u64>,
    rules: Vec<ActiveRule>,
    rng: StdRng,
}

fn rng_for(seed: Option<u64>) -> StdRng {
    match seed {
        Some(s) => StdRng::seed_from_u64(s),
        None => StdRng::from_rng(&mut rand::rng()),
    }
}

impl FaultSet {
    /// A set of rules checked here, failing on the first bad one.
    #[cfg(test)]
    pub fn new(rules: Vec<FaultRule>, seed: Option<u64>) -> Result<Self, FaultRuleError> {
        let mut set = FaultSet {
            initial: rules.clone(),
            seed,
            rules: Vec::new(),
            rng: rng_for(seed),
        };
        set.replace(rules, None)?;
        Ok(set)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Like [`FaultSet::new`] for rules already checked (by `SimConfig::validate`); a
    /// rule that fails its checks anyway is skipped with a warning.
    pub fn from_valid(rules: Vec<FaultRule>, seed: Option<u64>) -> Self {
        let valid: Vec<FaultRule> = rules
            .into_iter()
            .filter(|r| match r.validate() {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!("skipping {e}");
                    false
                }
            })
            .collect();
        let mut set = FaultSet {
            initial: valid.clone(),
            seed,
            rules: Vec::new(),
            rng: rng_for(seed),
        };
        set.reset();
        set
    }

    /// Replaces every rule (counts start at zero); a `seed` also restarts the RNG.
    pub fn replace(
        &mut self,
        rules: Vec<FaultRule>,
        seed: Option<u64>,
    ) -> Result<(), FaultRuleError> {
        let active = rules
            .into_iter()
            .enumerate()
            .map(|(i, r)| ActiveRule::new(r).map_err(|e| e.at(i)))
            .collect::<Result<Vec<_>, _>>()?;
        self.rules = active;
        if let Some(s) = seed {
            self.seed = Some(s);
            self.rng = rng_for(Some(s));
        }
        Ok(())
    }

    /// Adds one rule after the others.
    pub fn add(&mut self, rule: FaultRule) -> Result<(), FaultRuleError> {
        self.rules.push(ActiveRule::new(rule)?);
        Ok(())
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Back to the rules and seed the sim started with.
    pub fn reset(&mut self) {
        self.rules = self
            .initial
            .iter()
            .cloned()
            .filter_map(|r| ActiveRule::new(r).ok())
            .collect();
        self.rng = rng_for(self.seed);
    }

    /// Rolls the rules for one request, in order. Delay rules add up and let later rules
    /// roll; the first other rule that fires decides the request's fate.
    pub fn decide(&mut self, facts: &RequestFacts<'_>) -> Plan {
        let mut plan = Plan::default();
        for r in &mut self.rules {
            if !r.applies(facts) || r.rule.count.is_some_and(|c| r.injected >= c) {
                continue;
            }
            let fires = if r.rule.rate >= 1.0 {
                true
            } else if r.rule.rate <= 0.0 {
                false
            } else {
                self.rng.random::<f64>() < r.rule.rate
            };
            if !fires {
                continue;
            }
            r.injected += 1;
            plan.injected.push(r.rule.kind.name());
            match r.rule.kind.delay_ms() {
                Some(ms) => plan.delay = plan.delay.saturating_add(Duration::from_millis(ms)),
                None => {
                    plan.action = Some(r.rule.kind.clone());
                    break;
                }
            }
        }
        plan
    }

    /// `GET /sim/v1/faults`: the seed and every rule with its injection count.
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|r| {
                let mut v = r.rule.to_json();
                if let Value::Object(m) = &mut v {
                    m.insert("injected".into(), json!(r.injected));
                }
                v
            })
            .collect();
        json!({ "seed": self.seed, "rules": rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultRule;
    use crate::route_table::PUT_CONFIG_ROUTE;

    fn facts(method: &'static str, template: &'static str) -> RequestFacts<'static> {
        RequestFacts {
            method,
            template: Some(template),
            live_token: true,
            editable: true,
            can_cut: true,
        }
    }

    #[test]
    fn decide_rates_counts_routes_and_order() {
        let list = facts("GET", "/api/v2/integrations");
        let token = facts("POST", "/oauth/token");
        let mut set = FaultSet::new(
            vec![
                FaultRule::new(FaultKind::Latency { ms: 10 }).with_count(2),
                FaultRule::new(FaultKind::SlowToken { ms: 5 }),
                FaultRule::new(FaultKind::Status(500)).with_rate(0.0),
                FaultRule::new(FaultKind::Status(503)).on("GET /api/v2/integrations"),
                FaultRule::new(FaultKind::Status(504)),
            ],
            Some(1),
        )
        .unwrap();
        let p = set.decide(&list);
        assert_eq!(p.delay, Duration::from_millis(10));
        assert_eq!(p.action, Some(FaultKind::Status(503)));
        assert_eq!(p.injected, ["latency", "status"]);
        let p = set.decide(&token);
        assert_eq!(p.delay, Duration::from_millis(15));
        assert_eq!(p.action, Some(FaultKind::Status(504)));
        let p = set.decide(&list);
        assert_eq!(p.delay, Duration::ZERO, "latency count used up");
        let doc = set.to_json();
        assert_eq!(doc["seed"], 1);
        let injected: Vec<_> = doc["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["injected"].as_u64().unwrap())
            .collect();
        assert_eq!(injected, [2, 1, 0, 2, 1]);
        set.clear();
        assert!(set.decide(&list).action.is_none());
        set.reset();
        assert_eq!(set.decide(&list).delay, Duration::from_millis(10));
    }

    #[test]
    fn seeded_rolls_repeat() {
        let rolls = |seed| {
            let mut set = FaultSet::new(
                vec![FaultRule::new(FaultKind::Status(503)).with_rate(0.5)],
                Some(seed),
            )
            .unwrap();
            (0..64)
                .map(|_| {
                    set.decide(&facts("GET", "/api/v2/integrations"))
                        .action
                        .is_some()
                })
                .collect::<Vec<_>>()
        };
        let a = rolls(7);
        assert_eq!(a, rolls(7));
        assert_ne!(a, rolls(8));
        let hits = a.iter().filter(|x| **x).count();
        assert!((10..54).contains(&hits), "{hits} of 64 at rate 0.5");
    }

    #[test]
    fn kinds_only_apply_where_they_can() {
        let mut set = FaultSet::new(
            vec![
                FaultRule::new(FaultKind::ConcurrentEdit),
                FaultRule::new(FaultKind::RevokeToken),
            ],
            None,
        )
        .unwrap();
        let mut f = facts("POST", "/api/v2/integrations");
        assert_eq!(set.decide(&f).action, Some(FaultKind::RevokeToken));
        f.live_token = false;
        assert_eq!(set.decide(&f).action, None);
        let put = facts("PUT", PUT_CONFIG_ROUTE.split_once(' ').unwrap().1);
        assert_eq!(set.decide(&put).action, Some(FaultKind::ConcurrentEdit));
    }
}
