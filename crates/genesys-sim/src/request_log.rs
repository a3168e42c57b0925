//! Request counters behind `GET /sim/v1/requests`: totals by route template, status and
//! client, and the faults injected by kind. Counters rather than a log, so memory stays
//! bounded however long it runs.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// Route key for requests that matched no route, so unknown paths cannot grow the map.
pub const UNMATCHED: &str = "(unmatched)";

/// Set by the token route on its response so the counters can name the client, which
/// no bearer token names yet.
#[derive(Clone)]
pub struct ClientTag(pub String);

#[derive(Debug, Default)]
pub struct RequestLog {
    total: u64,
    writes: u64,
    by_route: BTreeMap<String, u64>,
    by_status: BTreeMap<u16, u64>,
    by_client: BTreeMap<String, u64>,
    faults: BTreeMap<&'static str, u64>,
}

impl RequestLog {
    /// Records one request. `route` is `METHOD /path/template`; `status` is the one
    /// sent (None when a fault closed the connection before any); `client` is the OAuth
    /// client when known.
    pub fn record(
        &mut self,
        method: &str,
        template: Option<&str>,
        is_api: bool,
        status: Option<u16>,
        client: Option<&str>,
    ) {
        self.total += 1;
        if is_api && matches!(method, "POST" | "PUT" | "PATCH" | "DELETE") {
            self.writes += 1;
        }
        let route = format!("{method} {}", template.unwrap_or(UNMATCHED));
        *self.by_route.entry(route).or_default() += 1;
        if let Some(status) = status {
            *self.by_status.entry(status).or_default() += 1;
        }
        if let Some(c) = client {
            *self.by_client.entry(c.to_string()).or_default() += 1;
        }
    }

    /// Counts injected faults by kind name.
    pub fn record_faults(&mut self, kinds: &[&'static str]) {
        for k in kinds {
            *self.faults.entry(k).or_default() += 1;
        }
    }

    pub fn clear(&mut self) {
        *self = RequestLog::default();
    }

    pub fn to_json(&self) -> Value {
        let by_status: BTreeMap<String, u64> = self
            .by_status
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        json!({
            "total": self.total,
            "writes": self.writes,
            "byRoute": self.by_route,
            "byStatus": by_status,
            "byClient": self.by_client,
            "faultsInjected": self.faults,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_clears() {
        let mut l = RequestLog::default();
        l.record(
            "GET",
            Some("/api/v2/integrations"),
            true,
            Some(200),
            Some("a"),
        );
        l.record(
            "POST",
            Some("/api/v2/integrations"),
            true,
            Some(403),
            Some("b"),
        );
        l.record("POST", Some("/oauth/token"), false, Some(200), Some("a"));
        l.record("GET", None, true, Some(401), None);
        l.record("POST", None, true, None, None);
        l.record_faults(&["status", "latency", "status"]);
        let j = l.to_json();
        assert_eq!(j["total"], 5);
        assert_eq!(j["writes"], 2);
        assert_eq!(j["byRoute"]["GET /api/v2/integrations"], 1);
        assert_eq!(j["byRoute"]["GET (unmatched)"], 1);
        assert_eq!(j["byStatus"]["200"], 2);
        assert_eq!(j["byClient"]["a"], 2);
        assert_eq!(
            j["byStatus"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum::<u64>(),
            4
        );
        assert_eq!(j["faultsInjected"]["status"], 2);
        assert_eq!(j["faultsInjected"]["latency"], 1);
        l.clear();
        assert_eq!(l.to_json()["total"], 0);
    }
}
