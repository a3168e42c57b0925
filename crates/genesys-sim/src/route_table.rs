//! Every route the emulator serves, as data: method, path template and a name. The
//! router is built from this table and fault rules are checked against it, so the two
//! cannot drift apart; it knows nothing of axum (the way moto's `urls.py` is only a list).

/// What a route does; the router maps each name to its handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteName {
    Token,
    OrganizationsMe,
    ListIntegrations,
    CreateIntegration,
    GetIntegration,
    PatchIntegration,
    DeleteIntegration,
    GetConfig,
    PutConfig,
    GetType,
    GetConfigSchema,
    AvailableTopics,
    GetRequests,
    ClearRequests,
    Reset,
    RevokeTokens,
    PublishEvents,
    GetFaults,
    ReplaceFaults,
    AddFault,
    ClearFaults,
    GetQuirks,
}

/// One route: `method template`, as the request counters and fault rules write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub template: &'static str,
    pub name: RouteName,
}

const fn route(method: &'static str, template: &'static str, name: RouteName) -> Route {
    Route {
        method,
        template,
        name,
    }
}

const INTEGRATION: &str = "/api/v2/integrations/{integrationId}";
const CONFIG: &str = "/api/v2/integrations/{integrationId}/config/current";
const FAULTS: &str = "/sim/v1/faults";
const ORG_ME: &str = "/api/v2/organizations/me";
const TYPE: &str = "/api/v2/integrations/types/{typeId}";
const CONFIG_SCHEMA: &str = "/api/v2/integrations/types/{typeId}/configschemas/{configType}";
const TOPICS: &str = "/api/v2/notifications/availabletopics";
const REQUESTS: &str = "/sim/v1/requests";

/// Every route, the Genesys ones (`/oauth`, `/api/v2`) first, then the `/sim/v1` test ones.
pub const ROUTES: &[Route] = &[
    route("POST", "/oauth/token", RouteName::Token),
    route("GET", ORG_ME, RouteName::OrganizationsMe),
    route("GET", "/api/v2/integrations", RouteName::ListIntegrations),
    route("POST", "/api/v2/integrations", RouteName::CreateIntegration),
    route("GET", INTEGRATION, RouteName::GetIntegration),
    route("PATCH", INTEGRATION, RouteName::PatchIntegration),
    route("DELETE", INTEGRATION, RouteName::DeleteIntegration),
    route("GET", CONFIG, RouteName::GetConfig),
    route("PUT", CONFIG, RouteName::PutConfig),
    route("GET", TYPE, RouteName::GetType),
    route("GET", CONFIG_SCHEMA, RouteName::GetConfigSchema),
    route("GET", TOPICS, RouteName::AvailableTopics),
    route("GET", REQUESTS, RouteName::GetRequests),
    route("DELETE", REQUESTS, RouteName::ClearRequests),
    route("POST", "/sim/v1/reset", RouteName::Reset),
    route("POST", "/sim/v1/tokens/revoke", RouteName::RevokeTokens),
    route("POST", "/sim/v1/events", RouteName::PublishEvents),
    route("GET", FAULTS, RouteName::GetFaults),
    route("PUT", FAULTS, RouteName::ReplaceFaults),
    route("POST", FAULTS, RouteName::AddFault),
    route("DELETE", FAULTS, RouteName::ClearFaults),
    route("GET", "/sim/v1/quirks", RouteName::GetQuirks),
];

/// The token route, as fault rules name it.
pub const TOKEN_ROUTE: &str = "POST /oauth/token";
/// The config replacement route, as fault rules name it.
pub const PUT_CONFIG_ROUTE: &str = "PUT /api/v2/integrations/{integrationId}/config/current";

impl Route {
    /// Whether a fault rule may name it: the Genesys routes, not the test ones, which
    /// must keep working to inspect and change the faults.
    pub fn is_faultable(&self) -> bool {
        !self.template.starts_with("/sim/")
    }

    /// `METHOD template`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

/// The routes a fault rule's `route` may name.
pub fn faultable_routes() -> impl Iterator<Item = &'static Route> {
    ROUTES.iter().filter(|r| r.is_faultable())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_routes_are_in_the_table_and_names_are_unique() {
        for key in [TOKEN_ROUTE, PUT_CONFIG_ROUTE] {
            assert!(faultable_routes().any(|r| r.key() == key), "{key}");
        }
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.key(), b.key());
            }
        }
    }
}
