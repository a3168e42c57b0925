//! `/api/v2/integrations` and `/api/v2/integrations/{integrationId}`: list (paged, with
//! the `integrationType`, `reportedState` and `ids` filters), create, get, change intended
//! state, delete. Parses and type-checks the request, checks the permission, calls the
//! backend, renders the result. The no-expand and strict-create quirks act here.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

use crate::backend::auth::Caller;
use crate::backend::integrations::CreateRequest;
use crate::backend::listing::ListFilter;
use crate::backend::model::Intended;
use crate::backend::permissions::{self, ADD, DELETE, EDIT, VIEW};
use crate::clock;
use crate::errors::ApiError;
use crate::routes::extract::{opt_string, Body, QueryPairs};
use crate::state::Sim;
use crate::views::{self, IntegrationView};

const EXPAND_CONFIG: &str = "config.current";

fn wants_config(query: &QueryPairs) -> bool {
    query.list("expand").contains(&EXPAND_CONFIG)
}

/// The range the Developer Center gives `pageSize` and `pageNumber`.
const PAGE_MAX: usize = 999;

/// The fields a create may carry (`CreateIntegrationRequest`); strict-create rejects others.
const CREATE_FIELDS: [&str; 2] = ["name", "integrationType"];

/// An integer query parameter from 1 to [`PAGE_MAX`], else a 400 naming it.
fn page_param(query: &QueryPairs, name: &str, default: usize) -> Result<usize, ApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(default);
    };
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_field(
            name,
            format!(
                "The query parameter {name} must be an integer from 1 to {PAGE_MAX}; got '{raw}'."
            ),
        )),
    }
}

/// The list filters of the query, and the query text that carries them into page links.
fn list_filter(query: &QueryPairs) -> (ListFilter, String) {
    let values =
        |name: &str| -> Vec<String> { query.list(name).into_iter().map(str::to_string).collect() };
    let filter = ListFilter {
        type_ids: values("integrationType"),
        reported: values("reportedState"),
        ids: values("ids"),
    };
    let mut link = String::new();
    for (name, vals) in [
        ("integrationType", &filter.type_ids),
        ("reportedState", &filter.reported),
        ("ids", &filter.ids),
    ] {
        if !vals.is_empty() {
            link.push_str(&format!("&{name}={}", vals.join(",")));
        }
    }
    (filter, link)
}

/// Serialises the page while the backend is read, straight from the model: a listing is
/// the emulator's most frequent and largest answer.
pub async fn list(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    query: QueryPairs,
) -> Result<Response, ApiError> {
    permissions::require(&caller.permissions, VIEW)?;
    let page_size = page_param(&query, "pageSize", 25)?;
    let page_number = page_param(&query, "pageNumber", 1)?;
    let quirks = &sim.config.quirks;
    let expand = wants_config(&query) && !quirks.no_expand;
    let (mut filter, mut extra) = list_filter(&query);
    if quirks.no_type_filter {
        filter.type_ids.clear();
    }
    if expand {
        extra.push_str(&format!("&expand={EXPAND_CONFIG}"));
    }
    let now = clock::now();
    let delay = sim.config.activation_delay;
    let body = sim.read(|b| {
        let org = b.org(&caller.org_id)?;
        let listed: Vec<_> = org
            .listed(&filter, now, delay, quirks.deleted_linger)
            .collect();
        let start = (page_number - 1).saturating_mul(page_size);
        let entities: Vec<_> = listed
            .iter()
            .skip(start)
            .take(page_size)
            .map(|i| IntegrationView::of(i, now, delay, expand))
            .collect();
        let page = views::page(
            entities,
            listed.len(),
            page_size,
            page_number,
            "/api/v2/integrations",
            &extra,
        );
        serde_json::to_vec(&page).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal.server.error",
                format!("The page could not be rendered: {e}"),
            )
        })
    })?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// The documented fields of a create; the rest is ignored, or a 400 under strict-create.
fn create_request(body: &Map<String, Value>, strict: bool) -> Result<CreateRequest, ApiError> {
    if let Some(other) = body.keys().find(|k| !CREATE_FIELDS.contains(&k.as_str())) {
        if strict {
            return Err(ApiError::bad_field(
                other,
                format!(
                    "The field {other} is not allowed on create; send only {}, and the rest in the config PUT.",
                    CREATE_FIELDS.join(" and ")
                ),
            ));
        }
    }
    let type_id = match body.get("integrationType") {
        None | Some(Value::Null) => None,
        Some(Value::Object(t)) => match t.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        },
        Some(_) => None,
    };
    Ok(CreateRequest {
        name: opt_string(body, "name")?,
        type_id,
    })
}

pub async fn create(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, ADD)?;
    let req = create_request(&body.json_object()?, sim.config.quirks.strict_create)?;
    let now = clock::now();
    let created = sim.write(|b| b.org_mut(&caller.org_id)?.create(req, now))?;
    Ok(Json(views::integration(
        &created,
        now,
        sim.config.activation_delay,
        false,
    )))
}

pub async fn get(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
    query: QueryPairs,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, VIEW)?;
    let now = clock::now();
    let delay = sim.config.activation_delay;
    let expand = wants_config(&query);
    sim.read_visible(&caller.org_id, &id, now, |i| {
        Json(views::integration(i, now, delay, expand))
    })
}

pub async fn patch(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, EDIT)?;
    let body = body.json_object()?;
    let raw = opt_string(&body, "intendedState")?;
    let intended = raw.as_deref().and_then(Intended::parse).ok_or_else(|| {
        ApiError::bad_field(
            "intendedState",
            format!(
                "The field intendedState must be ENABLED or DISABLED; got {}.",
                raw.as_deref()
                    .map(|s| format!("'{s}'"))
                    .unwrap_or_else(|| "nothing".into())
            ),
        )
    })?;
    let now = clock::now();
    let delay = sim.config.activation_delay;
    let org_id = &caller.org_id;
    let it = sim.change_integration(org_id, |org| {
        org.set_intended(org_id, &id, intended, now, delay)
    })?;
    Ok(Json(views::integration(&it, now, delay, false)))
}

pub async fn delete(
    State(sim): State<Arc<Sim>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    permissions::require(&caller.permissions, DELETE)?;
    let now = clock::now();
    let delay = sim.config.activation_delay;
    let org_id = caller.org_id.clone();
    let linger = sim.config.quirks.deleted_linger;
    // Render before the delete's own deactivation so the caller sees the state it deleted.
    let (gone, view) = sim.change(|b| {
        let org = b.org_mut(&org_id)?;
        let view = views::integration(org.get(&id)?, now, delay, false);
        let (gone, hook) = org.delete(&org_id, &id, now, delay, linger)?;
        Ok(((gone, view), hook))
    })?;
    tracing::debug!(integration = %gone.id, "deleted");
    Ok(Json(view))
}
