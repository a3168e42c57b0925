//! The HTTP surface: one module per resource, each a thin layer that turns requests into
//! backend calls and backend results into Genesys-shaped JSON.

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
use axum::routing::{get, post};
use axum::Router;

use crate::errors::ApiError;
use crate::state::Sim;

/// The token route, as fault rules name it.
pub const TOKEN_ROUTE: &str = "POST /oauth/token";
/// The config replacement route, as fault rules name it.
pub const PUT_CONFIG_ROUTE: &str = "PUT /api/v2/integrations/{integrationId}/config/current";

/// Every `/oauth` and `/api/v2` route of [`router`] as (method, template): what a fault
/// rule's `route` may name. Keep in step with `router`.
pub const FAULTABLE_ROUTES: &[(&str, &str)] = &[
    ("POST", "/oauth/token"),
    ("GET", "/api/v2/organizations/me"),
    ("GET", "/api/v2/integrations"),
    ("POST", "/api/v2/integrations"),
    ("GET", "/api/v2/integrations/{integrationId}"),
    ("PATCH", "/api/v2/integrations/{integrationId}"),
    ("DELETE", "/api/v2/integrations/{integrationId}"),
    ("GET", "/api/v2/integrations/{integrationId}/config/current"),
    ("PUT", "/api/v2/integrations/{integrationId}/config/current"),
    ("GET", "/api/v2/integrations/types/{typeId}"),
    (
        "GET",
        "/api/v2/integrations/types/{typeId}/configschemas/{configType}",
    ),
    ("GET", "/api/v2/notifications/availabletopics"),
];

/// Every route; the gateway middleware is added by the server.
pub fn router() -> Router<Arc<Sim>> {
    Router::new()
        .route("/oauth/token", post(oauth::token))
        .route("/api/v2/organizations/me", get(organizations::me))
        .route(
            "/api/v2/integrations",
            get(integrations::list).post(integrations::create),
        )
        .route(
            "/api/v2/integrations/{integrationId}",
            get(integrations::get)
                .patch(integrations::patch)
                .delete(integrations::delete),
        )
        .route(
            "/api/v2/integrations/{integrationId}/config/current",
            get(config::get).put(config::put),
        )
        .route("/api/v2/integrations/types/{typeId}", get(types::get))
        .route(
            "/api/v2/integrations/types/{typeId}/configschemas/{configType}",
            get(types::config_schema),
        )
        .route(
            "/api/v2/notifications/availabletopics",
            get(topics::available),
        )
        .route(
            "/sim/v1/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route("/sim/v1/reset", post(control::reset))
        .route("/sim/v1/tokens/revoke", post(control::revoke_tokens))
        .route("/sim/v1/events", post(events::publish))
        .route(
            "/sim/v1/faults",
            get(control::faults)
                .put(control::replace_faults)
                .post(control::add_fault)
                .delete(control::clear_faults),
        )
        .fallback(not_found)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::route_not_found(method.as_str(), uri.path())
}
