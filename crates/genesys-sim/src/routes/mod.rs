//! The HTTP surface: the axum router, built from the route table, and one module per
//! resource, each a thin layer that turns requests into backend calls and backend results
//! into Genesys-shaped JSON.

pub mod config;
pub mod control;
pub mod events;
pub mod extract;
pub mod integrations;
pub mod oauth;
pub mod organizations;
pub mod topics;
pub mod types;

use std::sync::Arc;

use axum::http::{Method, Uri};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use crate::errors::ApiError;
use crate::route_table::{Route, RouteName, ROUTES};
use crate::state::Sim;

type Handler = MethodRouter<Arc<Sim>>;

/// The handler of one route, for the method the table gives it. The match is
/// exhaustive, so a route added to the table without a handler does not compile.
fn handler(route: &Route) -> Handler {
    let filter = method_filter(route.method);
    match route.name {
        RouteName::Token => on(filter, oauth::token),
        RouteName::OrganizationsMe => on(filter, organizations::me),
        RouteName::ListIntegrations => on(filter, integrations::list),
        RouteName::CreateIntegration => on(filter, integrations::create),
        RouteName::GetIntegration => on(filter, integrations::get),
        RouteName::PatchIntegration => on(filter, integrations::patch),
        RouteName::DeleteIntegration => on(filter, integrations::delete),
        RouteName::GetConfig => on(filter, config::get),
        RouteName::PutConfig => on(filter, config::put),
        RouteName::GetType => on(filter, types::get),
        RouteName::GetConfigSchema => on(filter, types::config_schema),
        RouteName::AvailableTopics => on(filter, topics::available),
        RouteName::GetRequests => on(filter, control::requests),
        RouteName::ClearRequests => on(filter, control::clear_requests),
        RouteName::Reset => on(filter, control::reset),
        RouteName::RevokeTokens => on(filter, control::revoke_tokens),
        RouteName::PublishEvents => on(filter, events::publish),
        RouteName::GetFaults => on(filter, control::faults),
        RouteName::ReplaceFaults => on(filter, control::replace_faults),
        RouteName::AddFault => on(filter, control::add_fault),
        RouteName::ClearFaults => on(filter, control::clear_faults),
        RouteName::GetQuirks => on(filter, control::quirks),
    }
}

fn method_filter(method: &str) -> MethodFilter {
    Method::from_bytes(method.as_bytes())
        .ok()
        .and_then(|m| MethodFilter::try_from(m).ok())
        .unwrap_or_else(|| panic!("route table method {method:?} is not an HTTP method"))
}

/// Every route of the table; the gateway middleware is added by the server.
pub fn router() -> Router<Arc<Sim>> {
    ROUTES
        .iter()
        .fold(Router::new(), |router, r| {
            router.route(r.template, handler(r))
        })
        .fallback(not_found)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::route_not_found(method.as_str(), uri.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::lifecycle::NoopHook;
    use crate::config::SimConfig;

    /// A path for a template, every `{param}` filled in.
    fn fill(template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
            out.push('x');
            rest = &rest[close..];
        }
        out + rest
    }

    #[tokio::test]
    async fn every_route_in_the_table_is_routed() {
        let sim = Arc::new(Sim::new(SimConfig::default(), Arc::new(NoopHook), None).unwrap());
        let app = router().with_state(sim);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::new();
        for r in ROUTES {
            let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
            let url = format!("http://{addr}{}", fill(r.template));
            let resp = http.request(method, &url).send().await.unwrap();
            let status = resp.status();
            let body = resp.text().await.unwrap();
            assert_ne!(status, 405, "{} {url}: {body}", r.method);
            assert!(
                !body.contains("No resource matches"),
                "{} {url} fell through to the fallback: {body}",
                r.method
            );
        }
        let unrouted = http
            .get(format!("http://{addr}/api/v2/nope"))
            .send()
            .await
            .unwrap();
        assert_eq!(unrouted.status(), 404);
        server.abort();
    }
}
